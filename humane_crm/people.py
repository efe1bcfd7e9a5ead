"""Who a record or a message reaches: identity keys gathered from CRM records.

A person is the set of keys one human is known by. A lead is one person; a deal is its own person
plus each of its contacts; a Contact is one person. A recipient address or number that belongs to
one of the record's people stands for all of that person's keys, so a deal whose phone is written
in another format reaches the same Contact Preference as the lead it came from.
"""

from __future__ import annotations

import frappe

from humane_crm.policy.identity import normalize_email, normalize_phone, person_keys

Person = frozenset  # of identity keys


def default_region() -> str | None:
	"""The region for phone numbers written without a country code."""
	if "humane_crm_region" not in frappe.local.cache:
		region = frappe.db.get_single_value("Humane CRM Settings", "default_region")
		if not region:
			country = frappe.db.get_single_value("System Settings", "country")
			region = frappe.db.get_value("Country", country, "code") if country else None
		frappe.local.cache["humane_crm_region"] = (region or "").upper() or None
	return frappe.local.cache["humane_crm_region"]


def email_key(value: str | None) -> str | None:
	return normalize_email(value)


def phone_key(value: str | None) -> str | None:
	return normalize_phone(value, default_region())


def keys_of(emails=(), phones=()) -> Person:
	return person_keys(emails, phones, default_region())


def record_people(doctype: str | None, name: str | None) -> list[Person]:
	"""The people a CRM record stands for (empty for any other record)."""
	if not (doctype and name):
		return []
	gather = _GATHERERS.get(doctype)
	if not gather:
		return []
	return [p for p in gather(name) if p]


def _lead(name: str) -> list[Person]:
	row = frappe.db.get_value("CRM Lead", name, ["email", "mobile_no", "phone"], as_dict=True)
	return [keys_of([row.email], [row.mobile_no, row.phone])] if row else []


def _deal(name: str) -> list[Person]:
	row = frappe.db.get_value("CRM Deal", name, ["email", "mobile_no", "phone", "lead"], as_dict=True)
	if not row:
		return []
	# The lead a deal was converted from is the same human as the deal's own person.
	own = keys_of([row.email], [row.mobile_no, row.phone]).union(*(_lead(row.lead) if row.lead else []))
	people = [own]
	for contact in frappe.get_all(
		"CRM Contacts", filters={"parent": name, "parenttype": "CRM Deal"}, pluck="contact"
	):
		people.extend(_contact(contact))
	return people


def _contact(name: str) -> list[Person]:
	if not name:
		return []
	emails = frappe.get_all(
		"Contact Email", filters={"parent": name, "parenttype": "Contact"}, pluck="email_id"
	)
	phones = frappe.get_all("Contact Phone", filters={"parent": name, "parenttype": "Contact"}, pluck="phone")
	return [keys_of(emails, phones)]


_GATHERERS = {"CRM Lead": _lead, "CRM Deal": _deal, "Contact": _contact}


def reached(contact_keys: list[str], people: list[Person]) -> list[Person]:
	"""The people reached by these addresses or numbers, given the record's people.

	An address that belongs to one of the record's people stands for all of that person's keys;
	any other address is a person of its own.
	"""
	out: list[Person] = []
	for key in contact_keys:
		match = [p for p in people if key in p]
		person = frozenset().union(*match) if match else frozenset({key})
		if person not in out:
			out.append(person)
	return out


def display_name(doctype: str | None, name: str | None) -> str | None:
	if not (doctype and name) or doctype not in _GATHERERS:
		return None
	title_field = {"CRM Lead": "lead_name", "CRM Deal": "lead_name", "Contact": "full_name"}[doctype]
	return frappe.db.get_value(doctype, name, title_field) or name
