"""No automated message to a CRM person without a human: hold it, let a human release or discard it.

An outbound email to a CRM person is *automated* when nobody who is a person sent it: a background
or scheduled job, a Frappe Notification ("Automated Message"), an Administrator or Guest session,
or a user listed as automation in Humane CRM Settings. It is not sent: the whole message is kept
as a Held Message, the Communication (or Email Queue entry) is refused with `MessageHeld`, and the
record's owner is told. A human who can read the record edits and releases it — it then passes
every check as that human and goes out as theirs — or discards it with a reason.

The Held Message is written in the refused transaction (a caller that catches the refusal, as
Frappe's Notification does, commits it with its own work) and written again after a rollback (a
caller that lets it propagate loses nothing either).
"""

from __future__ import annotations

import email
import json
import sys
from contextlib import contextmanager
from email import policy

import frappe
from frappe import _
from frappe.utils import add_to_date, get_fullname, now_datetime

from humane_crm import access, after_rollback, people
from humane_crm.actions import save_action
from humane_crm.exceptions import (
	ContactRefused,
	HeldMessageError,
	MessageHeld,
	PersonalNoteRequiredError,
	TemplateNotApprovedError,
	UnfilledPlaceholderError,
)
from humane_crm.notifications import crm_notify, notify

CRM_RECORDS = ("CRM Lead", "CRM Deal")
REMIND_AFTER_HOURS = 24


def automated_source(doc=None) -> str | None:
	"""Why nobody who is a person is behind this send, or None when someone is."""
	if frappe.flags.humane_crm_releasing:
		return None  # a human releasing a held message
	job = getattr(frappe.local, "job", None)
	if job:
		return _("Background job {0}").format(job.get("method") or job.get("job_name") or "")
	if doc is not None and doc.get("communication_type") == "Automated Message":
		return _("Automated message (a Frappe Notification or similar)")
	user = frappe.session.user
	if user == "Guest":
		return _("Guest session (no logged-in user)")
	if user == "Administrator":
		return _("Administrator session (a shared account, not a person)")
	if user in automation_users():
		return _("Automation user {0} (Humane CRM Settings)").format(user)
	return None


AUTOMATION_USERS_KEY = "humane_crm:automation_users"


def automation_users() -> set[str]:
	"""Asked on every outgoing email: cached until Humane CRM Settings are saved."""
	if AUTOMATION_USERS_KEY not in frappe.local.cache:
		frappe.local.cache[AUTOMATION_USERS_KEY] = set(
			frappe.cache.get_value(AUTOMATION_USERS_KEY, _read_automation_users)
		)
	return frappe.local.cache[AUTOMATION_USERS_KEY]


def _read_automation_users() -> list[str]:
	return frappe.get_all(
		"Humane CRM Automation User", filters={"parenttype": "Humane CRM Settings"}, pluck="user"
	)


def clear_cache() -> None:
	frappe.cache.delete_value(AUTOMATION_USERS_KEY)
	frappe.local.cache.pop(AUTOMATION_USERS_KEY, None)


# Holding
# ------------------


def hold_communication(doc) -> None:
	"""Communication validate: hold an automated email to a CRM person instead of creating it."""
	source = automated_source(doc)
	if not source:
		return  # a person is sending: the common case, decided without a query
	hold({**message_of(doc), **print_requested()}, source, attachments=_attachments_being_sent())


def hold(message: dict, source: str, attachments: list | None = None) -> None:
	owner = people.record_owner(message.get("reference_doctype"), message.get("reference_name"))
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


# Refused sends: nothing the agent wrote is lost
# ------------------

# What refuses a person's own email: cadence and their wishes, placeholders, templates, complaints.
REFUSALS = (
	ContactRefused,
	UnfilledPlaceholderError,
	TemplateNotApprovedError,
	PersonalNoteRequiredError,
)


@contextmanager
def keep_if_refused(doc):
	"""Around the checks of a person's email: when one refuses it, keep the whole draft as a Held
	Message they can open, edit and send again once allowed, and tell them where they work (CRM's
	composer closes and shows nothing on a refusal). Written after the refused transaction rolls
	back, so the refusal itself stays clean."""
	try:
		yield
	except REFUSALS as refusal:
		if not frappe.flags.humane_crm_releasing:  # a release that is refused again keeps its own
			draft = {
				"message": {**message_of(doc), **print_requested()},
				"attachments": _attachments_being_sent(),
			}
			user, why = frappe.session.user, str(refusal)
			title = frappe.local.message_log[-1].get("title") if frappe.local.message_log else None
			after_rollback.add(lambda: _keep_refused(draft, user, title or _("Not sent"), why))
		raise


def message_of(doc) -> dict:
	"""What a Held Message keeps of a Communication that did not go out."""
	fields = (
		"reference_doctype",
		"reference_name",
		"sender",
		"recipients",
		"cc",
		"bcc",
		"subject",
		"content",
	)
	return {f: doc.get(f) for f in fields}


# A burst of refusals on one record (a loop, a double click, a retrying script) tells its sender once.
BURST_MINUTES = 2


def _keep_refused(draft: dict, user: str, title: str, why: str) -> None:
	message = draft["message"]
	same = _same_draft(user, message)
	if same:
		# The same words to the same people refused again: still one draft, refreshed.
		frappe.db.set_value(
			"Held Message",
			same,
			{"held_on": now_datetime(), "source": frappe.utils.strip_html(why)},
			update_modified=False,
		)
		return
	doc = frappe.get_doc(
		{
			"doctype": "Held Message",
			"status": "Held",
			"held_because": _("Refused: {0}").format(frappe.utils.strip_html(title))[:255],
			"source": frappe.utils.strip_html(why),
			"held_session_user": user,
			"held_on": now_datetime(),
			"record_owner": user,  # their own draft
			**message,
		}
	)
	doc.flags.ignore_permissions = doc.flags.ignore_links = True
	doc.insert()
	keep_attachments(doc, draft["attachments"])
	if _in_a_burst(user, doc):
		return  # the drafts of a burst are all in their list; its first notification said so
	subject = _(
		"Your email “{0}” was not sent: {1}. It is kept as a draft; send it again once allowed."
	).format(message.get("subject") or "", frappe.utils.strip_html(title))
	notify(user, doc, subject)
	crm_notify(user, doc, subject, message.get("reference_doctype"), message.get("reference_name"))


def _same_draft(user: str, message: dict) -> str | None:
	"""Their own waiting draft with exactly these recipients, subject and words, if any."""
	candidates = frappe.get_all(
		"Held Message",
		filters={
			"status": "Held",
			"held_session_user": user,
			"record_owner": user,
			"reference_name": message.get("reference_name") or ("is", "not set"),
			"subject": message.get("subject") or ("is", "not set"),
		},
		fields=["name", "recipients", "cc", "bcc", "content"],
		order_by="held_on desc",
		limit=20,
	)
	wanted = tuple(message.get(f) or "" for f in ("recipients", "cc", "bcc", "content"))
	return next(
		(
			c.name
			for c in candidates
			if (c.recipients or "", c.cc or "", c.bcc or "", c.content or "") == wanted
		),
		None,
	)


def _in_a_burst(user: str, doc) -> bool:
	"""Did they have another draft on this record refused moments ago (and were told then)?"""
	return bool(
		frappe.db.exists(
			"Held Message",
			{
				"name": ("!=", doc.name),
				"held_session_user": user,
				"record_owner": user,
				"reference_name": doc.reference_name or ("is", "not set"),
				"creation": (">", add_to_date(now_datetime(), minutes=-BURST_MINUTES)),
			},
		)
	)


# Release and discard
# ------------------


def may_access(doc, user=None) -> bool:
	"""A held message is for whoever may read the record it is about (lists say the same:
	`humane_crm.permissions.held_message_conditions`)."""
	from humane_crm.permissions import HELD_WITHOUT_RECORD

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


# Telling owners
# ------------------


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


# Helpers
# ------------------


def keep_attachments(doc, attachments: list) -> None:
	"""Attach to the held message every file the automation attached: existing Files (by name or
	URL) and generated ones (`frappe.attach_print` gives {"fname", "fcontent"}). Release sends them."""
	kept = []
	for item in attachments:
		if isinstance(item, dict) and item.get("fcontent") is not None:
			args = {"file_name": item.get("fname") or "attachment", "content": item["fcontent"]}
		else:
			name = item if isinstance(item, str) else (item.get("name") or item.get("file_url"))
			found = name and frappe.db.get_value(
				"File",
				{"name": name} if frappe.db.exists("File", name) else {"file_url": name},
				["file_url", "file_name"],
				as_dict=True,
			)
			if not found:
				kept.append(str(name or item))  # not a file here: named in the record, not sent
				continue
			args = {"file_url": found.file_url, "file_name": found.file_name}
		file = frappe.get_doc(
			{
				"doctype": "File",
				"attached_to_doctype": "Held Message",
				"attached_to_name": doc.name,
				"is_private": 1,
				**args,
			}
		)
		file.insert(ignore_permissions=True)
		kept.append(file.file_name)
	if kept:
		doc.db_set("attachments", json.dumps(kept), update_modified=False)


def _make_arguments() -> dict:
	"""What was given to Frappe's `communication.email._make`, whose Communication insert is being
	held or refused: Frappe attaches files and renders the print only after that insert, so they
	are not on the document yet. (Read from its frame; empty when the Communication was inserted
	some other way.)"""
	frame = sys._getframe(1)
	while frame is not None:
		if frame.f_code.co_name == "_make" and frame.f_globals.get("__name__") == _MAKE_MODULE:
			return frame.f_locals
		frame = frame.f_back
	return {}


def _attachments_being_sent() -> list:
	value = _make_arguments().get("attachments")
	if isinstance(value, str):
		value = json.loads(value or "[]")
	return list(value or [])


def print_requested() -> dict:
	"""The print the sender asked to attach (a Print Format of the record), to render on release."""
	asked = _make_arguments()
	if not asked.get("print_format"):
		return {}
	return {
		"print_format": asked["print_format"],
		"print_letterhead": 1 if asked.get("print_letterhead") else 0,
		"print_language": asked.get("print_language"),
	}


_MAKE_MODULE = "frappe.core.doctype.communication.email"


def _read_mime(raw: str | None) -> tuple[str | None, str | None, list]:
	"""Subject, HTML (or text) body and attachments ({"fname", "fcontent"}) of a queued email."""
	if not raw:
		return None, None, []
	msg = email.message_from_string(raw, policy=policy.default)
	body = msg.get_body(preferencelist=("html", "plain"))
	files = [
		{"fname": part.get_filename(), "fcontent": part.get_content()}
		for part in msg.iter_attachments()
		if part.get_filename()
	]
	return str(msg["subject"] or ""), body.get_content() if body else None, files
