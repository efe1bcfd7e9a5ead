"""CRM Call Log: written by CRM's telephony webhooks (Twilio creates the outgoing log before it
connects the call, so refusing that insert stops the call).

A call that already happened is never refused afterwards: a log inserted with a status past
ringing (a manually logged call, or a webhook arriving late) is recorded, not refused.
"""

from humane_crm.cadence import guard
from humane_crm.people import identities

# Statuses of a call that has not been placed yet: the only moment a call can still be refused.
NOT_YET_PLACED = ("", None, "Initiated", "Queued", "Ringing")


def validate(doc, method=None):
	if doc.is_new() and doc.type == "Outgoing" and doc.status in NOT_YET_PLACED:
		guard.check_outbound(doc, "Call", _keys(doc.get("to")), reference(doc))


def after_insert(doc, method=None):
	if doc.type == "Outgoing":
		if doc.status in NOT_YET_PLACED:
			guard.record_outbound(doc)
		else:
			guard.note_outbound(doc, "Call", _keys(doc.get("to")), reference(doc))
	elif doc.type == "Incoming" and guard.from_a_webhook():
		# A call the telephony provider reported is the person calling us: the reply window opens.
		# One an agent logs by hand ("Log a call") is a note, not the person speaking.
		guard.record_inbound(doc, "Call", identities.phone_key(doc.get("from")), reference(doc))


def on_update(doc, method=None):
	"""A call that was completed is a conversation: it starts a rule's cool-off."""
	before = doc.get_doc_before_save()
	if doc.status == "Completed" and (before is None or before.status != "Completed"):
		number = doc.get("to") if doc.type == "Outgoing" else doc.get("from")
		guard.record_conversation(doc, "Call", identities.phone_key(number), reference(doc))


def _keys(number) -> list[str]:
	key = identities.phone_key(number)
	return [key] if key else []


def reference(doc) -> tuple:
	return (doc.reference_doctype, doc.reference_docname)
