"""The ledger's decision index: (person, outcome, timestamp, ...) covering every column a decision
reads, in place of (person, timestamp, channel, direction, outcome), which made a decision read
every refusal a person ever had in the window and fetch agent and record from the table rows.

On a large ledger this rebuilds the table once (direction, channel and outcome became varchar(20)
in the model sync before it) and builds the index online."""

import frappe

from humane_crm.humane_crm.doctype.contact_attempt.contact_attempt import on_doctype_update


def execute():
	on_doctype_update()  # adds the decision index (migrate runs it too; it skips what exists)
	for old in ("person_timeline_index", "person_timestamp_index"):
		if frappe.db.has_index("tabContact Attempt", old):
			frappe.db.sql_ddl(f"alter table `tabContact Attempt` drop index `{old}`")
