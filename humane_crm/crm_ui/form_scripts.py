"""The app's CRM Form Scripts: how /crm shows a lead's and a deal's contact state, Contact menu,
complaint and held messages (the JavaScript is in `scripts/`).

CRM has two Form Script APIs. Up to 1.2x a script defines `setupForm({doc, call, $dialog, …})`
returning header `actions`; later CRM loads classes (`class CRMLead { onLoad() {…} }` with
`this.actions`, `createDialog`, `toast`, `call`), and runs a `setupForm` script only once per page.
The shared part (`humane_core.js`) is wrapped for the API the site's CRM has.

Installed on install and on every migrate (created when missing, its code kept current; an admin
who disabled it keeps it disabled), removed on uninstall by name: an admin's own Form Scripts on the
same record types are never touched.
"""

from __future__ import annotations

import os

import frappe

DOCTYPE = "CRM Form Script"
SCRIPTS = {"CRM Lead": "Humane CRM – CRM Lead", "CRM Deal": "Humane CRM – CRM Deal"}
HERE = os.path.join(os.path.dirname(__file__), "scripts")
CLASS_API_SINCE = (1, 30)


def class_api() -> bool:
	"""Does this site's CRM load Form Script classes? Its frontend's script loader says so; without
	the frontend sources, its version does."""
	loader = frappe.get_app_path("crm", "..", "frontend", "src", "data", "script.js")
	if os.path.exists(loader):
		return True
	try:
		from crm import __version__
	except ImportError:
		return False
	return tuple(int(p) for p in __version__.split(".")[:2] if p.isdigit()) >= CLASS_API_SINCE


def script_for(doctype: str, classes: bool | None = None) -> str:
	classes = class_api() if classes is None else classes
	with open(os.path.join(HERE, "form_class.js" if classes else "form_setup.js")) as f:
		wrapper = f.read()
	with open(os.path.join(HERE, "humane_core.js")) as f:
		core = f.read()
	return (
		wrapper.replace("/*HUMANE_CORE*/", core)
		.replace("__CLASS__", doctype.replace(" ", ""))
		.replace("__DOCTYPE__", doctype)
	)


def install() -> None:
	if not frappe.db.table_exists(DOCTYPE):
		return
	for doctype, name in SCRIPTS.items():
		script = script_for(doctype)
		if frappe.db.exists(DOCTYPE, name):
			if frappe.db.get_value(DOCTYPE, name, "script") != script:
				frappe.db.set_value(DOCTYPE, name, {"script": script, "dt": doctype, "view": "Form"})
			continue
		doc = frappe.get_doc(
			{"doctype": DOCTYPE, "name": name, "dt": doctype, "view": "Form", "enabled": 1, "script": script}
		)
		doc.insert(ignore_permissions=True, set_name=name)


def remove() -> None:
	if not frappe.db.table_exists(DOCTYPE):
		return
	for name in SCRIPTS.values():
		frappe.db.delete(DOCTYPE, {"name": name})
