"""Communication: every email, from the CRM UI, the desk, REST, Python or a background job."""

from humane_crm import complaints, guard, held, people, review
from humane_crm.policy.identity import split_emails

# Communication types that reach a person. Comments, chats and notifications do not.
_TO_A_PERSON = ("Communication", "Automated Message", None, "")


def validate(doc, method=None):
	if doc.is_new() and is_outbound_email(doc) and not guard.checks_off():
		held.hold_communication(doc)  # automated, to a CRM person: kept for a human, not sent
		with held.keep_if_refused(doc):  # a refused draft is kept, and its sender told
			review.check_message(doc.subject, doc.content)  # placeholders, unapproved templates, notes
			complaints.gate(doc)  # an open complaint: the empathy checklist first, and own words
			check_recipients(doc)  # cadence and the person's own wishes


def after_insert(doc, method=None):
	if is_outbound_email(doc):
		guard.record_outbound(doc)
		complaints.responded(doc)  # the reply a complaint waited for: follow-up owed
	elif is_inbound_email(doc):
		guard.record_inbound(doc, "Email", people.email_key(doc.sender), reference(doc))
		complaints.spot(doc)  # a possible complaint, for a human to confirm


def is_outbound_email(doc) -> bool:
	return (
		doc.communication_medium == "Email"
		and doc.sent_or_received == "Sent"
		and doc.communication_type in _TO_A_PERSON
	)


def is_inbound_email(doc) -> bool:
	return (
		doc.communication_medium == "Email"
		and doc.sent_or_received == "Received"
		and doc.communication_type in _TO_A_PERSON
	)


def check_recipients(doc):
	recipients = split_emails(", ".join(filter(None, (doc.recipients, doc.cc, doc.bcc))))
	guard.check_outbound(doc, "Email", recipients, reference(doc))


def reference(doc) -> tuple:
	return (doc.reference_doctype, doc.reference_name)
