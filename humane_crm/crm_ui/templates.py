"""/crm's view of email templates: each one's review state, reviewer, comment and next step, for the
Contact menu (CRM's own template settings offer apps no way in). Reviewing stays in the desk."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import get_fullname


@frappe.whitelist()
def template_states() -> dict:
	"""The email templates this user may read, with their review state and what happens next, for
	/crm: CRM's own template settings have no place for it (1.56's Settings → Email Templates is a
	fixed list with no extension point; 1.25's Email Templates page shows it only as a column a user
	adds), so the Contact menu shows it and lets an author submit their own draft for review."""
	from humane_crm.crm_ui import form_scripts
	from humane_crm.template_review import states

	frappe.has_permission("Email Template", "read", throw=True)
	rows = frappe.get_list(
		"Email Template",
		fields=[
			"name",
			"enabled",
			"reference_doctype",
			"humane_review_state",
			"humane_reviewed_by",
			"humane_review_comment",
			"owner",
		],
		order_by="modified desc",
		limit_page_length=50,
	)
	reviewer = states.REVIEWER_ROLE in frappe.get_roles()
	out = []
	for row in rows:
		state = row.humane_review_state or states.DRAFT
		mine = row.owner == frappe.session.user
		out.append(
			{
				"name": row.name,
				"enabled": bool(row.enabled),
				"state": _(state),
				"review_state": state,
				"reviewed_by": get_fullname(row.humane_reviewed_by) if row.humane_reviewed_by else None,
				"review_comment": row.humane_review_comment,
				"mine": mine,
				"next": _next_step(state, mine, reviewer),
				"may_submit": mine
				and state in (states.DRAFT, states.CHANGES)
				and frappe.has_permission("Email Template", "write", row.name),
			}
		)
	return {
		"templates": out,
		"where": _("CRM's Settings → Email Templates")
		if form_scripts.class_api()
		else _("CRM's Email Templates page (in the sidebar)"),
	}


def _next_step(state: str, mine: bool, reviewer: bool) -> str:
	from humane_crm.template_review import states

	if state in states.USABLE:
		return _("Can be enabled and picked in a reply. Changing its subject or body sends it back to Draft.")
	if state == states.IN_REVIEW:
		if reviewer and not mine:
			return _("Waiting for a reviewer: you may review it in the desk.")
		return _("Waiting for a Template Reviewer who did not write it.")
	if state == states.CHANGES:
		return _("Changes requested: edit it, then submit it for review again.")
	return _("Draft: submit it for review; it cannot be enabled before it is approved.")
