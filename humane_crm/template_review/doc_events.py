"""Email Template's doc events: the review state stays honest on every save, from any path — set only
by the review actions, voided by an edit of the words, and only an approved template can be
enabled. Email Template is Frappe's doctype and CRM already overrides its class, so the review
lives in custom fields (`setup.custom_fields.review_fields`) and these doc events.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import get_fullname

from humane_crm.exceptions import (
	TemplateNotApprovedError,
	TemplateReviewError,
)
from humane_crm.permissions import app_fields
from humane_crm.template_review.states import (
	DRAFT,
	GRANDFATHERED,
	IN_REVIEW,
	REVIEW_FIELDS,
	USABLE,
	fingerprint_of,
)
from humane_crm.utils.actions import by_action


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
