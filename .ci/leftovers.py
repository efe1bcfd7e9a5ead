"""Check what Humane CRM leaves in a site's database: `absent` after uninstall, `present` after install.

Run from the bench's sites folder with the bench's Python:
	python .ci/leftovers.py SITE absent|present
"""

import sys

import frappe

ROLES = ("Cadence Manager", "Template Reviewer")


def leftovers() -> list[str]:
	found = []

	def check(what, rows):
		if rows:
			found.append(f"{what}: {rows}")

	ours = frappe.get_all("DocType", {"module": "Humane CRM"}, pluck="name")
	check("DocTypes", ours)
	check("Module Def", frappe.get_all("Module Def", {"app_name": "humane_crm"}, pluck="name"))
	check("Workspace", frappe.get_all("Workspace", {"module": "Humane CRM"}, pluck="name"))
	check("Roles", frappe.get_all("Role", {"name": ("in", ROLES)}, pluck="name"))
	check("Role assignments", frappe.get_all("Has Role", {"role": ("in", ROLES)}, pluck="parent"))
	check("DocPerms", frappe.get_all("DocPerm", {"role": ("in", ROLES)}, pluck="parent"))
	check("Custom Fields", frappe.get_all("Custom Field", {"module": "Humane CRM"}, pluck="name"))
	check("Property Setters", frappe.get_all("Property Setter", {"module": "Humane CRM"}, pluck="name"))
	check(
		"Email Template permissions",
		frappe.get_all("Custom DocPerm", {"parent": "Email Template"}, pluck="role"),
	)
	check(
		"CRM Notifications",
		frappe.get_all(
			"CRM Notification",
			{
				"notification_type_doctype": (
					"in",
					("Held Message", "Complaint", "Stop Request", "Contact Preference"),
				)
			},
			pluck="name",
		),
	)
	check(
		"Notification Logs",
		frappe.get_all(
			"Notification Log", {"document_type": ("in", ("Held Message", "Complaint"))}, pluck="name"
		),
	)
	check(
		"Side panel fields",
		frappe.get_all(
			"CRM Fields Layout",
			{"type": "Side Panel", "layout": ("like", "%humane_%")},
			pluck="name",
		),
	)
	check(
		"CRM Form Scripts",
		frappe.get_all("CRM Form Script", {"name": ("like", "Humane CRM%")}, pluck="name")
		if frappe.db.table_exists("CRM Form Script")
		else [],
	)
	tables = frappe.db.sql(
		"""select table_name from information_schema.tables where table_schema = database()
		and table_name in ('tabContact Preference', 'tabContact Preference Key', 'tabContact Attempt',
		'tabHeld Message', 'tabComplaint', 'tabEmpathy Checklist', 'tabStop Request', 'tabCustomer Link')"""
	)
	check("Tables", [t[0] for t in tables])
	check(
		"Singles",
		frappe.db.sql("select distinct doctype from tabSingles where doctype = 'Humane CRM Settings'"),
	)
	names = ("Contact Preference", "Contact Attempt", "Humane CRM Settings")
	check("Versions", frappe.get_all("Version", {"ref_doctype": ("in", names)}, pluck="name"))
	check("Installed app", [a for a in frappe.get_installed_apps() if a == "humane_crm"])
	check(
		"Index on User's email",
		[r[2] for r in frappe.db.sql("show index from `tabUser` where Key_name = 'humane_crm_email'")],
	)
	return found


def crm_still_works():
	"""A lead and an email on it, as CRM does them, then rolled back."""
	from frappe.core.doctype.communication.email import make

	lead = frappe.get_doc(
		{"doctype": "CRM Lead", "first_name": "After", "email": "after.uninstall@example.com"}
	)
	lead.insert(ignore_permissions=True)
	make(
		doctype="CRM Lead",
		name=lead.name,
		content="hi",
		subject="hi",
		recipients=lead.email,
		send_email=False,
	)
	frappe.db.rollback()


def main(site: str, expect: str):
	frappe.init(site=site)
	frappe.connect()
	try:
		found = leftovers()
		if expect == "absent":
			crm_still_works()
			if found:
				sys.exit("Uninstall left behind:\n  " + "\n  ".join(found))
			print("uninstall: nothing of humane_crm left; CRM creates leads and emails")
		else:
			missing = [
				w
				for w in (
					"DocTypes",
					"Roles",
					"Workspace",
					"Singles",
					"Side panel fields",
					"CRM Form Scripts",
					"Installed app",
					"Index on User's email",
				)
				if not any(f.startswith(w) for f in found)
			]
			if missing:
				sys.exit(f"Install is missing: {missing}")
			print(
				"install: doctypes, roles, workspace, settings, side-panel field, Form Scripts and the User email index in place"
			)
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main(sys.argv[1], sys.argv[2])
