"""A human who can read the record releases a held message (it goes out as theirs, through every
check, Sent once the queue sent it) or discards it with a reason; owners are reminded daily.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_to_date, get_fullname, now_datetime

from humane_crm.constants import HELD_WITHOUT_RECORD
from humane_crm.exceptions import (
	HeldMessageError,
)
from humane_crm.held.automation import automated_source
from humane_crm.permissions import access
from humane_crm.utils.actions import save_action
from humane_crm.utils.notifications import crm_notify, notify

REMIND_AFTER_HOURS = 24


def may_access(doc, user=None) -> bool:
	"""A held message is for whoever may read the record it is about (lists say the same:
	`humane_crm.permissions.doctypes.held_message_conditions`)."""
	user = user or frappe.session.user
	if user == "Administrator" or "System Manager" in frappe.get_roles(user):
		return True
	return access.may_read_about(doc.reference_doctype, doc.reference_name, user, HELD_WITHOUT_RECORD)


def release(doc) -> dict:
	"""Send the (possibly edited) message as the releasing human, through every check."""
	from frappe.core.doctype.communication.email import make

	_check_can_act(doc, _("release"))
	if automated_source(doc=None) and not frappe.flags.humane_crm_releasing:
		frappe.throw(
			_("Log in as yourself to release a held message: {0} is not a person's session.").format(
				frappe.session.user
			),
			exc=HeldMessageError,
			title=_("Release it as yourself"),
		)
	frappe.flags.humane_crm_releasing = doc.name
	try:
		sent = make(
			doctype=doc.reference_doctype,
			name=doc.reference_name,
			recipients=doc.recipients,
			cc=doc.cc,
			bcc=doc.bcc,
			subject=doc.subject,
			content=doc.content,
			send_email=1,
			attachments=frappe.get_all(
				"File", {"attached_to_doctype": "Held Message", "attached_to_name": doc.name}, pluck="name"
			),
			print_format=doc.print_format,
			print_letterhead=bool(doc.print_letterhead),
			print_language=doc.print_language,
		)
	finally:
		frappe.flags.humane_crm_releasing = None
	_close(
		doc,
		"Released",
		_(
			"{0} released the message; it is queued to go out as theirs (Sent once the mail server took it)."
		).format(get_fullname()),
		released_by=frappe.session.user,
		released_on=now_datetime(),
		communication=sent["name"],
	)
	return {"status": doc.status, "communication": doc.communication}


def delivery_changed(comm) -> None:
	"""Communication on_change: the queue reports on a released message. Sent once the mail server
	took it; if it could not, the message is held again and whoever released it is told."""
	if comm.delivery_status not in ("Sent", "Error", "Expired") or comm.sent_or_received != "Sent":
		return
	for name in frappe.get_all(
		"Held Message", {"communication": comm.name, "status": "Released"}, pluck="name"
	):
		doc = frappe.get_doc("Held Message", name)
		if comm.delivery_status == "Sent":
			save_action(
				doc,
				{"status": "Sent"},
				_("The mail server took it: sent as {0}'s.").format(get_fullname(doc.released_by)),
			)
			continue
		why = _(
			"Not sent: the mail server did not take the released message ({0}). It is held again; release it once mail works."
		).format(_(comm.delivery_status))
		save_action(doc, {"status": "Held", "held_because": _("Release failed: not delivered")}, why)
		notify(doc.released_by, doc, why)
		crm_notify(doc.released_by, doc, why, doc.reference_doctype, doc.reference_name)


def discard(doc, reason: str) -> dict:
	"""Keep the message, unsent, with who discarded it and why."""
	_check_can_act(doc, _("discard"))
	if not (reason or "").strip():
		frappe.throw(
			_("Say why this message should not be sent."), exc=HeldMessageError, title=_("A reason is needed")
		)
	_close(
		doc,
		"Discarded",
		_("{0} discarded the message: {1}").format(get_fullname(), reason.strip()),
		discarded_by=frappe.session.user,
		discarded_on=now_datetime(),
		discard_reason=reason.strip(),
	)
	return {"status": doc.status}


def _check_can_act(doc, action: str) -> None:
	if doc.status != "Held":
		frappe.throw(
			_("This message was already {0}.").format(_(doc.status).lower()),
			exc=HeldMessageError,
			title=_("Already {0}").format(_(doc.status)),
		)
	if not may_access(doc):
		frappe.throw(
			_("You cannot {0} this message: you cannot read {1} {2}.").format(
				action, _(doc.reference_doctype or ""), doc.reference_name or ""
			),
			exc=frappe.PermissionError,
			title=_("Not permitted"),
		)


def _close(doc, status: str, note: str, **values) -> None:
	save_action(doc, {"status": status, **values}, note, "Workflow")


def remind_owners() -> int:
	"""Daily: tell each owner how many messages have waited for them over a day."""
	cutoff = add_to_date(now_datetime(), hours=-REMIND_AFTER_HOURS)
	waiting = frappe.get_all(
		"Held Message",
		filters={"status": "Held", "held_on": ("<", cutoff)},
		fields=["name", "record_owner", "subject"],
		order_by="held_on asc",
	)
	by_owner: dict[str, list] = {}
	for row in waiting:
		by_owner.setdefault(row.record_owner or "", []).append(row)
	for owner, rows in by_owner.items():
		subject = _("{0} held message(s) have waited over a day for you to release or discard them.").format(
			len(rows)
		)
		notify(owner, frappe._dict(doctype="Held Message", name=rows[0].name), subject)
	if waiting:
		frappe.db.set_value(
			"Held Message", {"name": ("in", [r.name for r in waiting])}, "reminded_on", now_datetime()
		)
	return len(by_owner)
