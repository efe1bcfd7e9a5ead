"""WhatsApp Message (from the frappe_whatsapp app, when installed; CRM links it to leads and deals)."""

from humane_crm.cadence import guard
from humane_crm.people import identities
from humane_crm.voice import stop


def validate(doc, method=None):
	if doc.is_new() and doc.get("type") == "Outgoing":
		key = identities.phone_key(doc.get("to"))
		guard.check_outbound(doc, "WhatsApp", [key] if key else [], reference(doc))


def after_insert(doc, method=None):
	if doc.get("type") == "Outgoing":
		guard.record_outbound(doc)
	elif doc.get("type") == "Incoming" and guard.from_a_webhook():  # not one typed in by an agent
		key = identities.phone_key(doc.get("from"))
		word = stop.lone_word(doc.get("message"))
		if word and key and reference(doc)[0] in stop.CRM_RECORDS and reference(doc)[1]:
			# "STOP" alone opts out of WhatsApp at once, as carriers do: not a conversation to answer
			stop.opt_out_at_once("WhatsApp", word, key, reference(doc))
			return
		guard.record_inbound(doc, "WhatsApp", key, reference(doc))
		# other requests to stop pause, for the owner to decide
		stop.heard("WhatsApp", doc.get("message"), None, key, reference(doc), (doc.doctype, doc.name))


def reference(doc) -> tuple:
	return (doc.get("reference_doctype"), doc.get("reference_name"))
