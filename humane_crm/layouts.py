"""Where /crm shows the fields the app adds: CRM's side-panel layouts (CRM Fields Layout).

/crm draws a lead's and a deal's side panel from a CRM Fields Layout, not from the doctype's
form: a custom field is invisible there until a layout names it. The person's Time Zone goes into
its own section, once per record type, so that an admin who moves or removes it keeps their
layout; uninstall takes out exactly what the app put in.
"""

import json

import frappe

from humane_crm.people import TIME_ZONE_FIELD

SECTION = "humane_contact_hours"
DOCTYPES = ("CRM Lead", "CRM Deal")


def add_time_zone_to_side_panels() -> None:
	"""Put the Time Zone in each record type's side panel, once (CRM writes its layouts on install:
	a layout that does not exist yet gets the field after a later migrate)."""
	from humane_crm.install import record, recorded

	done = set(recorded("side_panels_seeded"))
	for doctype in DOCTYPES:
		if doctype in done:
			continue
		layout = _side_panel(doctype)
		if layout is None:
			continue
		sections = json.loads(layout.layout or "[]")
		if not any(TIME_ZONE_FIELD in (s.get("fields") or []) for s in sections):
			sections.append(
				{"label": "Contact hours", "name": SECTION, "opened": True, "fields": [TIME_ZONE_FIELD]}
			)
			_save(layout.name, sections)
		done.add(doctype)
	record("side_panels_seeded", done)


def remove_time_zone_from_side_panels() -> None:
	for doctype in DOCTYPES:
		layout = _side_panel(doctype)
		if layout is None:
			continue
		sections = json.loads(layout.layout or "[]")
		changed = False
		for section in sections:
			if TIME_ZONE_FIELD in (section.get("fields") or []):
				section["fields"] = [f for f in section["fields"] if f != TIME_ZONE_FIELD]
				changed = True
		kept = [s for s in sections if s.get("name") != SECTION or s.get("fields")]
		if changed or len(kept) != len(sections):
			_save(layout.name, kept)


def side_panel_fields(doctype: str) -> list[str]:
	"""Every field a record type's side panel names."""
	layout = _side_panel(doctype)
	sections = json.loads(layout.layout or "[]") if layout else []
	return [f for s in sections for f in (s.get("fields") or []) if isinstance(f, str)]


def _side_panel(doctype: str):
	if not frappe.db.table_exists("CRM Fields Layout"):
		return None
	return frappe.db.get_value(
		"CRM Fields Layout", {"dt": doctype, "type": "Side Panel"}, ["name", "layout"], as_dict=True
	)


def _save(name: str, sections: list) -> None:
	# As CRM's own settings page saves it: the layout is one JSON text.
	frappe.db.set_value("CRM Fields Layout", name, "layout", json.dumps(sections))
