"""Where /crm shows the fields the app adds: CRM's side-panel layouts (CRM Fields Layout).

/crm draws a lead's and a deal's side panel from a CRM Fields Layout, not from the doctype's
form: a custom field is invisible there until a layout names it. The person's Time Zone goes into
its own section, once per record type, so that an admin who moves or removes it keeps their
layout; uninstall takes out exactly what the app put in.

Two shapes of layout exist: CRM up to 1.2x lists a section's `fields`; later CRM nests them in
`columns` (`[{"name": …, "fields": […]}]`), and its patch converts old layouts on upgrade. The app
writes the shape the site's CRM reads, and finds and removes its field in either.
"""

import json

import frappe

from humane_crm.constants import CRM_RECORDS
from humane_crm.people.identities import TIME_ZONE_FIELD
from humane_crm.setup import bookkeeping

SECTION = "humane_contact_hours"
DOCTYPES = CRM_RECORDS


def add_time_zone_to_side_panels() -> None:
	"""Put the Time Zone in each record type's side panel, once (CRM writes its layouts on install:
	a layout that does not exist yet gets the field after a later migrate)."""
	done = set(bookkeeping.recorded(bookkeeping.SIDE_PANELS))
	for doctype in DOCTYPES:
		if doctype in done:
			continue
		layout = _side_panel(doctype)
		if layout is None:
			continue
		sections = json.loads(layout.layout or "[]")
		if TIME_ZONE_FIELD not in _fields(sections):
			section = {"label": "Contact hours", "name": SECTION, "opened": True}
			if _columned(sections):
				section["columns"] = [{"name": f"{SECTION}_column", "fields": [TIME_ZONE_FIELD]}]
			else:
				section["fields"] = [TIME_ZONE_FIELD]
			sections.append(section)
			_save(layout.name, sections)
		done.add(doctype)
	bookkeeping.record(bookkeeping.SIDE_PANELS, done)


def remove_time_zone_from_side_panels() -> None:
	for doctype in DOCTYPES:
		layout = _side_panel(doctype)
		if layout is None:
			continue
		sections = json.loads(layout.layout or "[]")
		changed = False
		for holder in field_holders(sections):
			if TIME_ZONE_FIELD in holder["fields"]:
				holder["fields"] = [f for f in holder["fields"] if f != TIME_ZONE_FIELD]
				changed = True
		kept = [s for s in sections if s.get("name") != SECTION or _fields([s])]
		if changed or len(kept) != len(sections):
			_save(layout.name, kept)


def side_panel_fields(doctype: str) -> list[str]:
	"""Every field a record type's side panel names."""
	layout = _side_panel(doctype)
	return _fields(json.loads(layout.layout or "[]") if layout else [])


def field_holders(sections: list) -> list[dict]:
	"""Every dict in a layout that lists fields: sections (old shape) and their columns (new)."""
	found = []
	for section in sections:
		if isinstance(section.get("fields"), list):
			found.append(section)
		for column in section.get("columns") if isinstance(section.get("columns"), list) else []:
			if isinstance(column, dict) and isinstance(column.get("fields"), list):
				found.append(column)
	return found


def _fields(sections: list) -> list[str]:
	return [f for holder in field_holders(sections) for f in holder["fields"] if isinstance(f, str)]


def _columned(sections: list) -> bool:
	"""Does this site's CRM read sections with columns? Its own layouts say so; an empty layout
	asks whether CRM has the patch that introduced them."""
	if sections:
		return any(isinstance(s.get("columns"), list) for s in sections)
	try:
		import crm.patches.v1_0.update_layouts_to_new_format  # noqa: F401
	except ImportError:
		return False
	return True


def _side_panel(doctype: str):
	if not frappe.db.table_exists("CRM Fields Layout"):
		return None
	return frappe.db.get_value(
		"CRM Fields Layout", {"dt": doctype, "type": "Side Panel"}, ["name", "layout"], as_dict=True
	)


def _save(name: str, sections: list) -> None:
	# As CRM's own settings page saves it: the layout is one JSON text.
	frappe.db.set_value("CRM Fields Layout", name, "layout", json.dumps(sections))
