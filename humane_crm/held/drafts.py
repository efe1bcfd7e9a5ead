"""A refused email is never lost: a person's draft that a guardrail refused is kept as a Held Message
they can open, edit and send again, and they are told where they work, once per burst.
"""

from __future__ import annotations

from contextlib import contextmanager

import frappe
from frappe import _
from frappe.utils import add_to_date, now_datetime

from humane_crm.exceptions import (
	ContactRefused,
	PersonalNoteRequiredError,
	TemplateNotApprovedError,
	UnfilledPlaceholderError,
)
from humane_crm.held.attachments import attachments_being_sent, keep_attachments, print_requested
from humane_crm.utils import after_rollback
from humane_crm.utils.notifications import crm_notify, notify

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
				"attachments": attachments_being_sent(),
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
