"""Reviewed templates: Email Template's review state, its four-eyes actions, and the checks every
outgoing message passes (placeholders, unapproved templates, personal notes).

Email Template is Frappe's doctype and CRM already overrides its class, so the review lives in
custom fields (`custom_fields.review_fields`) and these doc events and whitelisted actions.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import get_fullname, now_datetime

from humane_crm import app_fields, cache
from humane_crm.actions import by_action, save_action
from humane_crm.exceptions import (
	PersonalNoteRequiredError,
	SelfApprovalError,
	TemplateNotApprovedError,
	TemplateReviewError,
	UnfilledPlaceholderError,
)
from humane_crm.policy import templates as core

DRAFT, IN_REVIEW, CHANGES, APPROVED, GRANDFATHERED = (
	"Draft",
	"In Review",
	"Changes Requested",
	"Approved",
	"Approved (grandfathered)",
)
USABLE = (APPROVED, GRANDFATHERED)
REVIEWER_ROLE = "Template Reviewer"
CACHE_KEY = "humane_crm:templates"


def body_of(doc) -> str:
	"""What a message made from the template says: its HTML body, or its rich-text one."""
	return (doc.get("response_html") if doc.get("use_html") else doc.get("response")) or ""


def fingerprint_of(doc) -> str:
	return core.fingerprint(doc.get("subject"), body_of(doc))


# Doc events
# ------------------


def validate(doc, method=None):
	"""Email Template: keep the review state honest on every save, from any path."""
	if _installing() and not by_action(doc):
		grandfather_installed(doc)
		return
	guard_review_state(doc)
	void_approval_on_edit(doc)
	refuse_enabling_unapproved(doc)


def _installing() -> bool:
	flags = frappe.flags
	return bool(flags.in_install or flags.in_migrate or flags.in_patch or flags.in_fixtures)


def grandfather_installed(doc):
	"""A template another app installs or migrates (a fixture, a patch) is not refused, so that
	no install breaks: an enabled one is marked grandfathered, like those that predate this app."""
	if doc.is_new() and doc.get("enabled") and doc.humane_review_state not in USABLE:
		doc.humane_review_state = GRANDFATHERED
		doc.humane_fingerprint = fingerprint_of(doc)
		doc.humane_review_comment = _("Installed by an app; not reviewed. Edit it to send it through review.")


# Set only by the review actions (and, for the last editor, by `void_approval_on_edit`): what four
# eyes and "edits void approval" rely on.
REVIEW_FIELDS = (
	"humane_review_state",
	"humane_requested_by",
	"humane_requested_on",
	"humane_content_changed_by",
	"humane_reviewed_by",
	"humane_reviewed_on",
	"humane_review_comment",
	"humane_fingerprint",
)


def guard_review_state(doc):
	"""The review fields change only through the review actions: on a new template they start
	empty (a Draft), and a direct write to any of them — REST, set_value, an import — is refused."""
	if by_action(doc):
		return
	if doc.is_new():
		for field in REVIEW_FIELDS:
			doc.set(field, None)
		doc.humane_review_state = DRAFT
		return
	app_fields.refuse_changes(
		doc,
		REVIEW_FIELDS,
		_(
			"The review state of a template changes only through Submit for Review, Approve or Request Changes."
		),
		exc=TemplateReviewError,
	)


def void_approval_on_edit(doc):
	"""Changing the words of a template sends it back to Draft (and out of the picker)."""
	before = doc.get_doc_before_save()
	changed = before is None or fingerprint_of(before) != fingerprint_of(doc)
	if not changed:
		return
	doc.humane_content_changed_by = frappe.session.user
	if before is not None and doc.humane_review_state in (*USABLE, IN_REVIEW):
		was = doc.humane_review_state
		doc.humane_review_state = DRAFT
		doc.enabled = 0
		doc.humane_fingerprint = None
		doc.flags.humane_crm_voided = was
		note = _("{0} changed the subject or body: the template is back to Draft (it was {1}) and disabled.")
		doc.add_comment("Workflow", note.format(get_fullname(frappe.session.user), _(was)))


def refuse_enabling_unapproved(doc):
	if doc.get("enabled") and doc.humane_review_state not in USABLE:
		frappe.throw(
			_(
				"Template {0} is {1}: it can be enabled once another person approves it. Submit it for review; a Template Reviewer who did not write it will approve it."
			).format(frappe.bold(doc.name), _(doc.humane_review_state or DRAFT)),
			exc=TemplateNotApprovedError,
			title=_("Not approved yet"),
		)


def clear_cache(doc=None, method=None):
	cache.forget(CACHE_KEY)  # a write that keeps `modified` (migrations): rebuild at once


# Review actions
# ------------------


@frappe.whitelist()
def submit_for_review(name: str) -> dict:
	"""Ask a second person to review the template's current subject and body."""
	doc = _template(name, "write")
	if doc.humane_review_state not in (DRAFT, CHANGES):
		frappe.throw(
			_(
				"Template {0} is {1}; only a Draft or a template with changes requested can be submitted."
			).format(frappe.bold(name), _(doc.humane_review_state)),
			exc=TemplateReviewError,
			title=_("Cannot submit"),
		)
	_act(
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
	if doc.humane_review_state != IN_REVIEW:
		frappe.throw(
			_("Template {0} is {1}; only a template In Review can be approved.").format(
				frappe.bold(name), _(doc.humane_review_state)
			),
			exc=TemplateReviewError,
			title=_("Cannot approve"),
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
	_act(
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
	if doc.humane_review_state != IN_REVIEW:
		frappe.throw(
			_("Template {0} is {1}; changes can be requested only while it is In Review.").format(
				frappe.bold(name), _(doc.humane_review_state)
			),
			exc=TemplateReviewError,
			title=_("Cannot request changes"),
		)
	_act(
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


def _check_reviewer(doc, action: str):
	if REVIEWER_ROLE not in frappe.get_roles():
		frappe.throw(
			_("Only a Template Reviewer can {0} template {1}.").format(action, frappe.bold(doc.name)),
			exc=frappe.PermissionError,
			title=_("Not a reviewer"),
		)


def _act(doc, new_state: str, note: str, **values):
	save_action(doc, {"humane_review_state": new_state, **values}, note, "Workflow")


# Install: what to do with templates that existed before the app
# ------------------


def grandfather_existing_templates() -> int:
	"""Templates without a review state get one, once. By default an enabled template is marked
	Approved (grandfathered), so installing the app breaks nobody's day; with the site config
	`humane_crm_review_existing_templates` set, every existing template becomes a disabled Draft."""
	strict = frappe.conf.get("humane_crm_review_existing_templates")
	names = frappe.get_all(
		"Email Template",
		filters={"humane_review_state": ("in", ("", None))},
		pluck="name",
	)
	for name in names:
		enabled = frappe.db.get_value("Email Template", name, "enabled") if _has_enabled() else 0
		if enabled and not strict:
			doc = frappe.get_doc("Email Template", name)
			frappe.db.set_value(
				"Email Template",
				name,
				{
					"humane_review_state": GRANDFATHERED,
					"humane_fingerprint": fingerprint_of(doc),
					"humane_review_comment": _(
						"In use before Humane CRM was installed; not reviewed. Edit it to send it through review."
					),
				},
				update_modified=False,
			)
		else:
			values = {"humane_review_state": DRAFT}
			if _has_enabled():
				values["enabled"] = 0
			frappe.db.set_value("Email Template", name, values, update_modified=False)
	clear_cache()
	return len(names)


def _has_enabled() -> bool:
	return frappe.get_meta("Email Template").has_field("enabled")


# Checks on every outgoing message
# ------------------


def known_templates() -> list[core.Template]:
	"""Every Email Template as the core sees it: cached, and rebuilt whenever a template was added,
	removed or changed (any write path, even one that keeps `modified`: the stamp is read on every
	call)."""
	return cache.stamped(CACHE_KEY, _TEMPLATES_STAMP, _read_templates)


# Every column the core reads, checksummed: a write that keeps `modified` (raw SQL, a migration,
# `db.set_value(..., update_modified=False)`) must rebuild the cache too. Summed, not XORed: two
# templates swapping their review states must change it.
_TEMPLATES_STAMP = """select count(*), max(modified), sum(crc32(concat_ws('|', name,
	ifnull(humane_review_state, ''), ifnull(humane_requires_personal_note, 0), ifnull(use_html, 0),
	ifnull(response, ''), ifnull(response_html, '')))) from `tabEmail Template`"""


def _read_templates() -> list[core.Template]:
	return [
		core.Template(
			t.name,
			t.humane_review_state in USABLE,
			core.skeleton(body_of(t)),
			bool(t.humane_requires_personal_note),
		)
		for t in frappe.get_all(
			"Email Template",
			fields=[
				"name",
				"use_html",
				"response",
				"response_html",
				"humane_review_state",
				"humane_requires_personal_note",
			],
		)
	]


def personal_note_min() -> int:
	value = frappe.db.get_single_value("Humane CRM Settings", "personal_note_min_chars")
	return 40 if value is None else value


def check_message(subject: str | None, content: str | None) -> None:
	"""Refuse a message with placeholders left in it, made from a template nobody approved, or
	lacking the personal note its template asks for. Each refusal says what to fix."""
	templates = known_templates()
	min_note = personal_note_min() if any(t.personal_note for t in templates) else 0
	problems = core.check_message(subject, content, templates, min_note)
	if not problems:
		return
	first = problems[0]
	sentences = [_sentence(p) for p in problems]
	exc, title = {
		core.PLACEHOLDERS_LEFT: (UnfilledPlaceholderError, _("Placeholders left in the message")),
		core.UNAPPROVED: (TemplateNotApprovedError, _("Template not approved")),
		core.PERSONAL_NOTE: (PersonalNoteRequiredError, _("A personal note is needed")),
	}[first.kind]
	frappe.throw(
		_("Not sent: {0} Your message is kept as you wrote it.").format(" ".join(sentences)),
		exc=exc,
		title=title,
	)


def _sentence(problem: core.Problem) -> str:
	facts = problem.facts
	if problem.kind == core.PLACEHOLDERS_LEFT:
		return _("It still holds {0}: replace each with the real value, or remove it.").format(
			", ".join(f"“{p}”" for p in facts["placeholders"])
		)
	if problem.kind == core.UNAPPROVED:
		return _(
			"It is made from template {0}, which is not approved: ask a Template Reviewer to approve it, or write the message in your own words."
		).format(frappe.bold(facts["template"]))
	return _(
		"Template {0} asks for a personal note: add at least {1} characters of your own (you added {2})."
	).format(frappe.bold(facts["template"]), facts["needed"], facts["own"])
