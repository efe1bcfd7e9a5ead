"""The ledger's decision index becomes one range per person: (person, decides, timestamp, ...) over
a virtual column `decides` (1 when the outcome is one a decision reads), in place of (person,
outcome, timestamp, ...), which a decision read as one range per outcome that counts — five per
person, what a mass check of 10 000 recipients spent most of its database time on.

Adding a virtual column and its index is an online index build; no row is rewritten."""

import frappe

from humane_crm.humane_crm.doctype.contact_attempt.contact_attempt import on_doctype_update


def execute():
	on_doctype_update()  # the column and the new index (install and migrate run it too)
	if frappe.db.has_index("tabContact Attempt", "person_decision_index"):
		frappe.db.sql_ddl("alter table `tabContact Attempt` drop index `person_decision_index`")
