"""Fields Humane CRM adds to other apps' doctypes: installed and removed from this one dict."""

from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from humane_crm.people.identities import TIME_ZONE_FIELD


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


REVIEW_STATES = ("Draft", "In Review", "Changes Requested", "Approved", "Approved (grandfathered)")


def review_fields() -> list[dict]:
	"""Email Template's review state: who asked, who reviewed, and what exactly was approved."""
	ro = {"read_only": 1, "no_copy": 1, "module": "Humane CRM"}
	return [
		{
			"fieldname": "humane_review_section",
			"label": "Review",
			"fieldtype": "Section Break",
			"insert_after": "response_html",
			"collapsible": 0,
			"module": "Humane CRM",
		},
		{
			"fieldname": "humane_review_state",
			"label": "Review State",
			"fieldtype": "Select",
			"options": "\n".join(REVIEW_STATES),
			"default": "Draft",
			"insert_after": "humane_review_section",
			"in_list_view": 1,
			"in_standard_filter": 1,
			**ro,
		},
		{
			"fieldname": "humane_requires_personal_note",
			"label": "Requires a Personal Note",
			"fieldtype": "Check",
			"insert_after": "humane_review_state",
			"description": "A message made from this template must add some of the sender's own words (how many: Humane CRM Settings)",
			"module": "Humane CRM",
		},
		{
			"fieldname": "humane_requested_by",
			"label": "Review Requested By",
			"fieldtype": "Link",
			"options": "User",
			"insert_after": "humane_requires_personal_note",
			**ro,
		},
		{
			"fieldname": "humane_requested_on",
			"label": "Review Requested On",
			"fieldtype": "Datetime",
			"insert_after": "humane_requested_by",
			**ro,
		},
		{
			"fieldname": "humane_content_changed_by",
			"label": "Subject or Body Last Changed By",
			"fieldtype": "Link",
			"options": "User",
			"insert_after": "humane_requested_on",
			**ro,
		},
		{
			"fieldname": "humane_review_column",
			"fieldtype": "Column Break",
			"insert_after": "humane_content_changed_by",
			"module": "Humane CRM",
		},
		{
			"fieldname": "humane_reviewed_by",
			"label": "Reviewed By",
			"fieldtype": "Link",
			"options": "User",
			"insert_after": "humane_review_column",
			**ro,
		},
		{
			"fieldname": "humane_reviewed_on",
			"label": "Reviewed On",
			"fieldtype": "Datetime",
			"insert_after": "humane_reviewed_by",
			**ro,
		},
		{
			"fieldname": "humane_review_comment",
			"label": "Reviewer's Comment",
			"fieldtype": "Small Text",
			"insert_after": "humane_reviewed_on",
			**ro,
		},
		{
			"fieldname": "humane_fingerprint",
			"label": "Approved Fingerprint",
			"fieldtype": "Data",
			"insert_after": "humane_review_comment",
			"description": "Of the subject and body as approved: an edit that changes the words voids the approval",
			**ro,
		},
	]


def custom_fields() -> dict:
	return {
		"CRM Lead": [time_zone_field("territory")],
		"CRM Deal": [time_zone_field("territory")],
		"Email Template": review_fields(),
	}


def install() -> None:
	create_custom_fields(custom_fields(), ignore_validate=True, update=True)


def uninstall() -> None:
	import frappe

	for doctype, fields in custom_fields().items():
		for f in fields:
			frappe.db.delete("Custom Field", {"dt": doctype, "fieldname": f["fieldname"]})
		frappe.clear_cache(doctype=doctype)
