"""CRM Lead and CRM Deal: the person's time zone (which cadence rules' hours are read in), and the
complaints and held messages under Connections in the desk."""

import frappe
from frappe import _

from humane_crm.exceptions import InvalidTimeZoneError
from humane_crm.people.identities import TIME_ZONE_FIELD
from humane_crm.policy.cadence import is_zone


def validate(doc, method=None):
	zone = (doc.get(TIME_ZONE_FIELD) or "").strip()
	if zone and not is_zone(zone):
		frappe.throw(
			_(
				"{0} is not a time zone. Use a name like America/New_York, Europe/London or Asia/Kolkata."
			).format(frappe.bold(zone)),
			exc=InvalidTimeZoneError,
			title=_("Unknown time zone"),
		)
	if doc.get(TIME_ZONE_FIELD) is not None:
		doc.set(TIME_ZONE_FIELD, zone or None)


def lead_dashboard(data):
	return _dashboard(data, "CRM Lead")


def deal_dashboard(data):
	return _dashboard(data, "CRM Deal")


def _dashboard(data, doctype: str):
	"""Connections on CRM Lead and CRM Deal: their complaints and held messages."""
	data = frappe._dict(data or {})
	data.setdefault("non_standard_fieldnames", {}).update(
		{"Complaint": "reference_name", "Held Message": "reference_name"}
	)
	data.setdefault("dynamic_links", {})["reference_name"] = [doctype, "reference_doctype"]
	data.setdefault("transactions", []).append(
		{"label": _("Humane CRM"), "items": ["Complaint", "Held Message"]}
	)
	return data
