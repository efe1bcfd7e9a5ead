"""Communication: every email, from the CRM UI, the desk, REST, Python or a background job."""

from humane_crm.cadence import facts, guard
from humane_crm.complaints import reply_gate, spotting
from humane_crm.constants import CRM_RECORDS, MESSAGE_TYPES
from humane_crm.events import outbox
from humane_crm.held import drafts, hold, release
from humane_crm.people import identities, scope
from humane_crm.policy.identity import split_emails
from humane_crm.template_review import message_check
from humane_crm.voice import choices, stop

_ASKED = "humane_crm_send_read"


def before_validate(doc, method=None):
	"""A new email to a lead or deal: its record's one statement (`validate` below) is sent now and
	answered there, so MariaDB reads and locks while Frappe validates the Communication (its own
	validate is ≈ 4 ms of Python and queries on every send, the first query ≈ 0.4 ms in; the
	statement ≈ 0.5 ms of MariaDB). Sent at `before_insert` instead, it was waited for in the Redis
	reads Frappe makes right after that hook, on a two-core VM, with nothing run meanwhile: the
	app's email events cost a send 1.16 ms there, 0.95 ms here (one process, on − off; session 22).
	It runs at every save: only a new email asks."""
	if doc.flags.ignore_validate or not doc.is_new() or not is_outbound_email(doc):
		return
	if doc.reference_doctype in CRM_RECORDS and doc.reference_name:
		doc.flags[_ASKED] = identities.SendRead(
			*reference(doc), recipients(doc), read_ahead=lambda: facts.read_ahead("Email"), wait=False
		)


def validate(doc, method=None):
	"""The early gate, for the usual shape of an email to a person: refuse at once, with the
	explanation, before anything is written. (Every other shape is decided at the Email Queue.)"""
	asked = doc.flags.pop(_ASKED, None)
	if not (doc.is_new() and is_outbound_email(doc)):
		return
	to = recipients(doc)
	# The record's people, its open complaints, which recipients are colleagues, and the recipients'
	# people locked with what the decision reads of them: one statement, asked at before_validate
	# unless something changed the email since (then its answer is passed over, and asked again).
	if asked is not None and asked.asks(*reference(doc), to):
		record = asked.answer()
	else:
		record = identities.record_facts(
			*reference(doc), addresses=to, read_ahead=lambda: facts.read_ahead("Email")
		)
	governed = scope.governed(reference(doc), to, record)
	if not governed:
		return  # colleagues, people outside CRM: not the app's business
	hold.hold_communication(doc)  # automated, to a CRM person: kept for a human, not sent
	with drafts.keep_if_refused(doc):  # a refused draft is kept, and its sender told
		# placeholders, unapproved templates, personal notes (the templates' stamp read with the record)
		message_check.check_message(doc.subject, doc.content, record.templates_stamp)
		reply_gate.gate(doc, record)  # an open complaint: the empathy checklist first, and own words
		guard.check_outbound(doc, "Email", governed, reference(doc), record)  # cadence, the person's wishes
	# Its ledger rows, sent now and answered at after_insert: MariaDB writes them while Frappe
	# validates the Communication (the person rows stay locked; a rollback takes them too).
	guard.record_outbound(doc, wait=False)
	outbox.decided(doc.name)  # its queued email needs nothing more


def after_insert(doc, method=None):
	if is_outbound_email(doc):
		guard.recorded(doc)  # (its ledger rows, sent by validate: raised here if MariaDB refused them)
		reply_gate.responded(doc)  # the reply a complaint waited for: follow-up owed
	elif is_inbound_email(doc) and doc.flags.in_receive:
		# Only mail an Email Account pulled in is the person speaking: it opens the reply window
		# and may be a complaint. A "Received" row someone types in is a note.
		if choices.unsubscribe_by_mail(doc.subject):
			# The mailto: of their link, their mail client's unsubscribe button: email stopped, and
			# not a conversation, so it opens no reply window either.
			return
		guard.record_inbound(doc, "Email", identities.email_key(doc.sender), reference(doc))
		spotting.spot(doc)  # a possible complaint, for a human to confirm
		stop.heard(  # "please stop emailing me": paused at once, the owner asked to decide
			"Email",
			doc.content,
			doc.subject,
			identities.email_key(doc.sender),
			reference(doc),
			(doc.doctype, doc.name),
		)


def on_change(doc, method=None):
	release.delivery_changed(doc)  # a released message: Sent once the queue sent it, or held again


def is_outbound_email(doc) -> bool:
	return (
		doc.communication_medium == "Email"
		and doc.sent_or_received == "Sent"
		and doc.communication_type in MESSAGE_TYPES
	)


def is_inbound_email(doc) -> bool:
	return (
		doc.communication_medium == "Email"
		and doc.sent_or_received == "Received"
		and doc.communication_type in MESSAGE_TYPES
	)


def recipients(doc) -> list[str]:
	"""Every address the email goes to (parsed once per email while its fields stay the same:
	before_validate and validate both ask)."""
	raw = ", ".join(filter(None, (doc.recipients, doc.cc, doc.bcc)))
	parsed = doc.flags.get("humane_crm_recipients")
	if parsed is None or parsed[0] != raw:
		parsed = doc.flags["humane_crm_recipients"] = (raw, split_emails(raw))
	return list(parsed[1])


def reference(doc) -> tuple:
	return (doc.reference_doctype, doc.reference_name)
