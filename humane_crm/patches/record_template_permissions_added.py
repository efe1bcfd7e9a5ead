"""Sites installed before the app remembered which Email Template permission rows it added: until
then it added a row for each of its roles that had none, so every such row is taken to be ours
(uninstall removed them all before, too)."""

import frappe

from humane_crm.setup.install import TEMPLATE_PERMISSIONS


def execute():
	if frappe.db.get_single_value("Humane CRM Settings", "template_permissions_added"):
		return
	roles = frappe.get_all(
		"Custom DocPerm",
		{"parent": "Email Template", "role": ("in", list(TEMPLATE_PERMISSIONS)), "permlevel": 0},
		pluck="role",
	)
	frappe.db.set_single_value(
		"Humane CRM Settings", "template_permissions_added", "\n".join(sorted(set(roles)))
	)
