"""The checks every outgoing message passes: no placeholder left, no unapproved template, the
personal note a template asks for. The known templates are cached and trusted only while the
template table's stamp is unchanged (a stale cache never loosens the check).
"""

from __future__ import annotations

import frappe
from frappe import _

from humane_crm.constants import DEFAULT_PERSONAL_NOTE_MIN_CHARS
from humane_crm.exceptions import (
	PersonalNoteRequiredError,
	TemplateNotApprovedError,
	UnfilledPlaceholderError,
)
from humane_crm.policy import templates as core
from humane_crm.template_review.states import TEMPLATES_STAMP, USABLE, body_of
from humane_crm.utils import cache


def known_templates(stamp: str | None = None) -> list[core.Template]:
	"""Every Email Template as the core sees it: cached, and rebuilt whenever a template was added,
	removed or changed (any write path, even one that keeps `modified`: the stamp is read on every
	call, or given: `TEMPLATES_STAMP` as the send's record read answered it)."""
	return cache.stamped(cache.TEMPLATES, TEMPLATES_STAMP, _read_templates, stamp)


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
	return DEFAULT_PERSONAL_NOTE_MIN_CHARS if value is None else value


def check_message(subject: str | None, content: str | None, stamp: str | None = None) -> None:
	"""Refuse a message with placeholders left in it, made from a template nobody approved, or
	lacking the personal note its template asks for. Each refusal says what to fix. (`stamp`: the
	templates' stamp, when the caller read it already.)"""
	templates = known_templates(stamp)
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
