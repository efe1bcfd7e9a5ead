"""Sites installed before the app remembered which Email Template permission rows it added: until
then it added a row for each of its roles that had none, so every such row is taken to be ours
(uninstall removed them all before, too)."""

import frappe

from humane_crm.setup import bookkeeping
from humane_crm.setup.install import TEMPLATE_PERMISSIONS


def execute():
	old = frappe.db.get_value(  # (where it was written down before bookkeeping_out_of_settings)
		"Singles", {"doctype": "Humane CRM Settings", "field": "template_permissions_added"}, "value"
	)
	if old or bookkeeping.recorded(bookkeeping.TEMPLATE_PERMISSIONS):
		return
	roles = frappe.get_all(
		"Custom DocPerm",
		{"parent": "Email Template", "role": ("in", list(TEMPLATE_PERMISSIONS)), "permlevel": 0},
		pluck="role",
	)
	bookkeeping.record(bookkeeping.TEMPLATE_PERMISSIONS, roles)
