"""Fields Humane CRM adds to other apps' doctypes: installed and removed from this one dict."""

from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from humane_crm.people import TIME_ZONE_FIELD


def time_zone_field(insert_after: str) -> dict:
	return {
		"fieldname": TIME_ZONE_FIELD,
		"label": "Time Zone",
		"fieldtype": "Autocomplete",
		"options": "\n".join(sorted(_zones())),
		"insert_after": insert_after,
		"description": "The person's own time zone, for contact hours. Empty: from their phone number, else the site's.",
		"module": "Humane CRM",
	}


def _zones():
	from zoneinfo import available_timezones

	return {
		z
		for z in available_timezones()
		if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix/", "right/"))
	}


def custom_fields() -> dict:
	return {
		"CRM Lead": [time_zone_field("territory")],
		"CRM Deal": [time_zone_field("territory")],
	}


def install() -> None:
	create_custom_fields(custom_fields(), ignore_validate=True, update=True)


def uninstall() -> None:
	import frappe

	for doctype, fields in custom_fields().items():
		for f in fields:
			frappe.db.delete("Custom Field", {"dt": doctype, "fieldname": f["fieldname"]})
		frappe.clear_cache(doctype=doctype)
