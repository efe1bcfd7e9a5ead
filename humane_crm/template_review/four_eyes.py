"""The four-eyes actions: submit for review, approve (never the author or last editor), request
changes.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import get_fullname, now_datetime

from humane_crm.exceptions import (
	SelfApprovalError,
	TemplateReviewError,
)
from humane_crm.template_review.states import (
	APPROVED,
	CHANGES,
	DRAFT,
	IN_REVIEW,
	REVIEWER_ROLE,
	fingerprint_of,
)
from humane_crm.utils.actions import save_action


@frappe.whitelist()
def submit_for_review(name: str) -> dict:
	"""Ask a second person to review the template's current subject and body."""
	doc = _template(name, "write")
	_expect(
		doc,
		(DRAFT, CHANGES),
		_("Template {0} is {1}; only a Draft or a template with changes requested can be submitted."),
		_("Cannot submit"),
	)
	act(
		doc,
		IN_REVIEW,
		_("{0} submitted the template for review.").format(get_fullname()),
		humane_requested_by=frappe.session.user,
		humane_requested_on=now_datetime(),
		humane_reviewed_by=None,
		humane_reviewed_on=None,
		humane_review_comment=None,
	)
	return state(doc)


@frappe.whitelist()
def approve(name: str, comment: str | None = None) -> dict:
	"""Approve the template as it reads now (four eyes: never its author or last editor)."""
	doc = _template(name, "read")
	_check_reviewer(doc, _("approve"))
	_expect(
		doc,
		(IN_REVIEW,),
		_("Template {0} is {1}; only a template In Review can be approved."),
		_("Cannot approve"),
	)
	authors = {doc.owner, doc.humane_content_changed_by} - {None}
	if frappe.session.user in authors:
		frappe.throw(
			_(
				"You cannot approve template {0}: you {1}. A second person must approve it (four eyes), whatever your role."
			).format(
				frappe.bold(name),
				_("wrote it") if frappe.session.user == doc.owner else _("last changed its subject or body"),
			),
			exc=SelfApprovalError,
			title=_("Four eyes"),
		)
	said = _("{0} approved the template.").format(get_fullname())
	act(
		doc,
		APPROVED,
		f"{said} {comment}" if comment else said,
		humane_reviewed_by=frappe.session.user,
		humane_reviewed_on=now_datetime(),
		humane_review_comment=comment,
		humane_fingerprint=fingerprint_of(doc),
		enabled=1,
	)
	return state(doc)


@frappe.whitelist()
def request_changes(name: str, comment: str) -> dict:
	"""Send the template back to its author with what to change."""
	doc = _template(name, "read")
	_check_reviewer(doc, _("request changes to"))
	if not (comment or "").strip():
		frappe.throw(_("Say what should change."), exc=TemplateReviewError, title=_("A comment is needed"))
	_expect(
		doc,
		(IN_REVIEW,),
		_("Template {0} is {1}; changes can be requested only while it is In Review."),
		_("Cannot request changes"),
	)
	act(
		doc,
		CHANGES,
		_("{0} requested changes: {1}").format(get_fullname(), comment.strip()),
		humane_reviewed_by=frappe.session.user,
		humane_reviewed_on=now_datetime(),
		humane_review_comment=comment.strip(),
		enabled=0,
	)
	return state(doc)


def state(doc) -> dict:
	return {
		"name": doc.name,
		"review_state": doc.humane_review_state,
		"enabled": doc.get("enabled"),
		"requested_by": doc.humane_requested_by,
		"reviewed_by": doc.humane_reviewed_by,
		"reviewed_on": str(doc.humane_reviewed_on) if doc.humane_reviewed_on else None,
		"comment": doc.humane_review_comment,
	}


def _template(name: str, ptype: str):
	if not name or not frappe.db.exists("Email Template", name):
		frappe.throw(
			_("There is no Email Template {0}.").format(frappe.bold(name)),
			exc=frappe.DoesNotExistError,
			title=_("Not found"),
		)
	doc = frappe.get_doc("Email Template", name)
	doc.check_permission(ptype)
	return doc


def _expect(doc, states: tuple, sentence: str, title: str) -> None:
	"""Refuse, saying which state it is in, an action its review state does not allow."""
	if doc.humane_review_state not in states:
		frappe.throw(
			sentence.format(frappe.bold(doc.name), _(doc.humane_review_state)),
			exc=TemplateReviewError,
			title=title,
		)


def _check_reviewer(doc, action: str):
	if REVIEWER_ROLE not in frappe.get_roles():
		frappe.throw(
			_("Only a Template Reviewer can {0} template {1}.").format(action, frappe.bold(doc.name)),
			exc=frappe.PermissionError,
			title=_("Not a reviewer"),
		)


def act(doc, new_state: str, note: str, **values):
	save_action(doc, {"humane_review_state": new_state, **values}, note, "Workflow")
