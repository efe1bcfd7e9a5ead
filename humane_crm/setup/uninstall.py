"""Uninstall leaves Frappe CRM as it was: Frappe drops our doctypes, module, workspace and
module-linked records; we remove what Frappe keeps (fixture roles, their assignments, and the
change history and comments recorded against our doctypes)."""

import click
import frappe

from humane_crm.crm_ui import form_scripts
from humane_crm.setup import bookkeeping, custom_fields, indexes, layouts
from humane_crm.setup.install import ROLES


def before_uninstall():
	ours = frappe.get_all("DocType", filters={"module": "Humane CRM"}, pluck="name")
	remove_template_permissions()
	layouts.remove_time_zone_from_side_panels()
	form_scripts.remove()
	custom_fields.uninstall()
	indexes.remove_user_email_index()
	remove_records_about(ours)
	remove_settings(ours)
	remove_roles()


def remove_records_about(doctypes):
	if not doctypes:
		return
	click.secho("* Removing history, comments and shares of Humane CRM records")
	for doctype, field in (
		("Version", "ref_doctype"),
		("Comment", "reference_doctype"),
		("DocShare", "share_doctype"),
		("ToDo", "reference_type"),
		("Deleted Document", "deleted_doctype"),
		("Access Log", "export_from"),
		("Notification Log", "document_type"),
		("CRM Notification", "notification_type_doctype"),
	):
		frappe.db.delete(doctype, {field: ("in", doctypes)})


def remove_template_permissions():
	"""Email Template's permissions as they were: the rows the app added removed, and Frappe's
	standard permissions back when what is left is just the copy of them Frappe made when the app
	added its first row. An admin's own rows, from before or after install, stay."""
	from frappe.permissions import rights

	frappe.db.delete(
		"Custom DocPerm",
		{"parent": "Email Template", "role": ("in", bookkeeping.recorded(bookkeeping.TEMPLATE_PERMISSIONS))},
	)
	if bookkeeping.done(bookkeeping.TEMPLATE_PERMISSIONS_WERE_STANDARD):
		fields = ["role", "permlevel", "if_owner", *rights]
		left = frappe.get_all("Custom DocPerm", {"parent": "Email Template"}, fields, as_list=True)
		standard = frappe.get_all("DocPerm", {"parent": "Email Template"}, fields, as_list=True)
		if sorted(map(tuple, left)) == sorted(map(tuple, standard)):
			frappe.db.delete("Custom DocPerm", {"parent": "Email Template"})
	frappe.clear_cache(doctype="Email Template")


def remove_settings(doctypes):
	# Frappe drops single doctypes but keeps their values in tabSingles.
	frappe.db.delete("Singles", {"doctype": ("in", doctypes)})
	frappe.db.delete("DefaultValue", {"parent": ("in", doctypes)})


def remove_roles():
	for role in ROLES:
		frappe.db.delete("Has Role", {"role": role})
		frappe.db.delete("Custom DocPerm", {"role": role})
		frappe.db.delete("DocPerm", {"role": role})
		if frappe.db.exists("Role", role):
			frappe.delete_doc("Role", role, ignore_permissions=True, force=True)
			click.secho(f"* Removed role {role}")
