"""An automated email to a CRM person is not sent: the whole message is kept as a Held Message, the
send is refused with `MessageHeld`, and the record's owner is told.

The Held Message is written in the refused transaction (a caller that catches the refusal, as
Frappe's Notification does, commits it with its own work) and written again after a rollback (a
caller that lets it propagate loses nothing either).
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import now_datetime

from humane_crm.exceptions import (
	MessageHeld,
)
from humane_crm.held.attachments import attachments_being_sent, keep_attachments, print_requested
from humane_crm.held.automation import automated_source
from humane_crm.held.drafts import message_of
from humane_crm.people import identities
from humane_crm.utils import after_rollback
from humane_crm.utils.notifications import notify


def hold_communication(doc) -> None:
	"""Communication validate: hold an automated email to a CRM person instead of creating it."""
	source = automated_source(doc)
	if not source:
		return  # a person is sending: the common case, decided without a query
	hold({**message_of(doc), **print_requested()}, source, attachments=attachments_being_sent())


def hold(message: dict, source: str, attachments: list | None = None) -> None:
	owner = identities.record_owner(message.get("reference_doctype"), message.get("reference_name"))
	values = {
		"doctype": "Held Message",
		"status": "Held",
		"held_because": source[:255],
		"source": source,
		"held_session_user": frappe.session.user,
		"held_on": now_datetime(),
		"record_owner": owner,
		**message,
	}

	def write() -> str:
		doc = frappe.get_doc(values)
		doc.flags.ignore_permissions = True
		doc.flags.ignore_links = True  # the reference may be rolled back with the refused transaction
		doc.insert()
		keep_attachments(doc, attachments or [])
		notify(owner, doc, _("An automated email was held for you to review: {0}").format(doc.subject or ""))
		return doc.name

	name = write()
	after_rollback.add(write)  # a caller that lets the refusal propagate loses nothing either
	frappe.throw(
		_(
			"Held for a human, not sent: this automated email to a CRM person waits as Held Message {0} until someone who can read the record releases or discards it. Source: {1}."
		).format(name, source),
		exc=MessageHeld,
		title=_("Message held"),
	)
