"""Install's bookkeeping (what it seeded once, what it added to others' records) moves out of hidden
fields of Humane CRM Settings into `setup.bookkeeping`'s own rows; the old values, which Frappe
keeps in tabSingles after the fields left the model, are carried over and removed."""

import frappe

from humane_crm.setup import bookkeeping


def execute():
	old = frappe.db.sql(
		"select field, value from `tabSingles` where doctype = %s and field in %s",
		(bookkeeping.PARENT, bookkeeping.KEYS),
	)
	for key, value in old:
		if value and value != "0" and bookkeeping.value(key) is None:
			bookkeeping.write(key, value)
	frappe.db.delete("Singles", {"doctype": bookkeeping.PARENT, "field": ("in", bookkeeping.KEYS)})
