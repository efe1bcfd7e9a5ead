"""The last gate: every email to a CRM person is decided where mail leaves, at the Email Queue.

Most mail to a person arrives here from a Communication the early gate (`events.communication`)
already decided: that one passes with a set lookup and no query. Everything else is decided here,
whatever created it — a Communication of another shape (`email.make(..., send_email=1)` with
"Received", medium "Phone" or "", type Comment/Notification/Chat/Feedback), `frappe.sendmail` from a
Notification, Newsletter, Auto Email Report or custom code:

- an automated send (no human in the loop) is held for a human (`hold.hold`);
- mail with no Communication is held too: nobody wrote it as a message to this person;
- a person's own message of another shape passes the same checks as a normal email — placeholders
  and templates, an open complaint's checklist, cadence and the person's wishes — and is refused
  (the draft kept, the sender told) or counted in the ledger.

Only governed recipients count (`scope.governed`): colleagues and people outside CRM are untouched.
"""

from __future__ import annotations

import frappe
from frappe import _

from humane_crm.cadence import guard
from humane_crm.complaints import reply_gate
from humane_crm.held import attachments, automation, drafts, hold
from humane_crm.people import scope
from humane_crm.policy.identity import split_emails
from humane_crm.template_review import message_check

_DECIDED = "humane_crm_decided_communications"


def decided(communication_name: str) -> None:
	"""The early gate decided this Communication (and wrote its ledger rows): its queued email
	needs nothing more."""
	frappe.local.flags.setdefault(_DECIDED, set()).add(communication_name)


def was_decided(communication_name: str | None) -> bool:
	return bool(communication_name) and communication_name in (frappe.local.flags.get(_DECIDED) or ())


def check(doc) -> None:
	"""Email Queue validate."""
	if not doc.is_new() or was_decided(doc.communication):
		return
	recipients = [r.recipient for r in doc.recipients or []]
	reference = (doc.reference_doctype, doc.reference_name)
	keys = split_emails(", ".join(filter(None, recipients)))
	if not doc.communication:
		mine = scope.account_mail(reference, keys)
		keys = [k for k in keys if k not in mine]
	governed = scope.governed(reference, keys)
	if not governed:
		return
	subject, content, files = attachments.read_mime(doc.message)
	message = {
		"reference_doctype": reference[0],
		"reference_name": reference[1],
		"sender": doc.sender,
		"recipients": ", ".join(recipients),
		"subject": subject,
		"content": content,
		"raw_message": doc.message,
	}
	source = automation.automated_source(_communication(doc.communication))
	if source or not doc.communication:
		hold.hold(message, source or _("Email sent without a Communication (frappe.sendmail)"), files)
	draft = frappe._dict(message, flags=frappe._dict())
	with drafts.keep_if_refused(draft):
		message_check.check_message(subject, content)
		reply_gate.gate(draft)
		guard.check_outbound(doc, "Email", governed, reference)


def after_insert(doc) -> None:
	"""Email Queue after_insert: count what `check` let through."""
	guard.record_outbound(doc)


def _communication(name: str | None):
	if not name:
		return None
	return frappe.db.get_value("Communication", name, ["communication_type"], as_dict=True)
