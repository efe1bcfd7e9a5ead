"""Who may see what the app keeps about a CRM record.

Since CRM 1.32 every desk user ("All") may read CRM Lead, so "may read the record" alone would let
any colleague with a desk login into a customer's held messages, complaints and contact history.
The app's answer is CRM's own: a **CRM user** — Administrator or someone with one of the roles
CRM lets into /crm — who may read that record.
"""

from __future__ import annotations

import frappe
from frappe import _

# The roles CRM itself lets into /crm (crm.api.check_app_permission).
CRM_ROLES = ("System Manager", "Sales Manager", "Sales User")


def is_crm_user(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(set(frappe.get_roles(user)) & set(CRM_ROLES))


def may_read_record(doctype: str, name: str, user: str | None = None) -> bool:
	"""A CRM user who may read this record."""
	user = user or frappe.session.user
	return is_crm_user(user) and bool(frappe.has_permission(doctype, "read", name, user=user))


def ensure_may_read_record(doctype: str, name: str) -> None:
	"""Refuse, as Frappe does, anyone but a CRM user who may read the record."""
	if not is_crm_user():
		frappe.throw(
			_("Only CRM users ({0}) may see contact details of {1} {2}.").format(
				", ".join(_(r) for r in CRM_ROLES), _(doctype), name
			),
			exc=frappe.PermissionError,
			title=_("Not a CRM user"),
		)
	frappe.has_permission(doctype, "read", name, throw=True)
