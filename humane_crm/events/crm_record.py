"""CRM Lead and CRM Deal: the person's time zone, which cadence rules' hours are read in."""

import frappe
from frappe import _

from humane_crm.exceptions import InvalidTimeZoneError
from humane_crm.people import TIME_ZONE_FIELD
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
