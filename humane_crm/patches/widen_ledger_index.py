"""The ledger's (person, timestamp) index became (person, timestamp, channel, direction, outcome)."""

import frappe

from humane_crm.humane_crm.doctype.contact_attempt.contact_attempt import on_doctype_update


def execute():
	on_doctype_update()  # adds the wider index (migrate runs it too; it skips what exists)
	if frappe.db.has_index("tabContact Attempt", "person_timestamp_index"):
		frappe.db.sql_ddl("alter table `tabContact Attempt` drop index `person_timestamp_index`")
