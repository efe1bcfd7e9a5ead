"""Each person's `phone_time_zones` (a new field): the zones of the phone numbers they hold, read
with them by every decision, so that a person reached by an address alone is decided where their
phone says (a mass check by address, or a lead that knows only the address, decided in the site's
zone). Written per group of people in the same zones: a few statements for a hundred thousand
people, not one per person; `modified` is left alone (nobody changed them)."""

import frappe

from humane_crm.policy.identity import phone_zones, zones_text

PEOPLE_A_STATEMENT = 1000


def execute():
	rows = frappe.db.sql(
		"""select parent, group_concat(identity separator ' ') from `tabContact Preference Key`
		where parenttype = 'Contact Preference' and identity not like '%%@%%' group by parent"""
	)
	by_zones: dict[str, list[str]] = {}
	for parent, phones in rows:
		text = zones_text(phone_zones(phones.split()))
		if text:
			by_zones.setdefault(text, []).append(parent)
	for text, people in by_zones.items():
		for start in range(0, len(people), PEOPLE_A_STATEMENT):
			frappe.db.sql(
				"update `tabContact Preference` set phone_time_zones = %s where name in %s",
				(text, tuple(people[start : start + PEOPLE_A_STATEMENT])),
			)
