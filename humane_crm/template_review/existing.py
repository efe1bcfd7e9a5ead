"""Install: templates that existed before the app get a review state, once."""

from __future__ import annotations

import frappe
from frappe import _

from humane_crm.template_review.states import DRAFT, GRANDFATHERED, fingerprint_of
from humane_crm.utils import cache


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
	cache.forget()
	return len(names)


def _has_enabled() -> bool:
	return frappe.get_meta("Email Template").has_field("enabled")
