"""Install and migrate: idempotent `add_default_*()` steps (as CRM's own install.py)."""

import click
import frappe

ROLES = ("Cadence Manager", "Template Reviewer")


def before_install():
	# DocPerms of our doctypes name these roles: they must exist before the doctypes sync.
	add_roles()


def after_install():
	add_roles()
	add_default_settings()
	frappe.db.commit()


def after_migrate():
	add_roles()
	add_default_settings()


def add_roles():
	for role in ROLES:
		if frappe.db.exists("Role", role):
			continue
		frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
			ignore_permissions=True
		)
		click.secho(f"* Added role {role}")


def add_default_settings():
	settings = frappe.get_single("Humane CRM Settings")
	if settings.reply_window_hours is None or not frappe.db.exists(
		"Singles", {"doctype": "Humane CRM Settings", "field": "reply_window_hours"}
	):
		settings.reply_window_hours = 72
		settings.flags.ignore_permissions = True
		settings.save()
