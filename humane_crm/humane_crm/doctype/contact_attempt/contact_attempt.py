# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from humane_crm.policy import decision as core

# A decision reads one person's rows that count, since the longest rule window looks back
# (timestamp), and what its explanation names (agent, record): ONE index range per person, every
# column in the index. `decides` (1 when the outcome is one a decision reads: the core's COUNTED
# and CONVERSATIONS) before the time skips a person's refusals, however many. It is a virtual
# column: MariaDB computes it from `outcome`, so no writer sets it, no row stores it, and Frappe's
# model (which does not know it) leaves it alone. (direction, channel and outcome are varchar(20)
# so that the key fits InnoDB's 3072 bytes.)
DECIDING = core.DECIDING
DECIDES = "decides"
DECISION_INDEX = "person_decides_index"
DECISION_COLUMNS = [
	"person",
	DECIDES,
	"timestamp",
	"outcome",
	"channel",
	"direction",
	"agent",
	"reference_name",
]


class LedgerIsAppendOnlyError(frappe.ValidationError):
	pass


class ContactAttempt(Document):
	"""One touch, or one refusal, in the append-only contact ledger."""

	def validate(self):
		if not self.is_new():
			frappe.throw(
				_("Contact Attempts are a ledger: a row is never changed once written."),
				exc=LedgerIsAppendOnlyError,
				title=_("Append-only"),
			)

	def on_trash(self):
		if "System Manager" not in frappe.get_roles():
			frappe.throw(
				_("Only a System Manager may delete rows of the contact ledger."),
				exc=frappe.PermissionError,
				title=_("Append-only"),
			)


def on_doctype_update():
	# "This person's touches that count, since T" is a range read on this index, which also holds
	# every column a decision needs: a decision reads the ledger without touching the table rows.
	add_decides_column()
	frappe.db.add_index("Contact Attempt", DECISION_COLUMNS, DECISION_INDEX)
	# Backfill skips sources already in the ledger.
	frappe.db.add_index("Contact Attempt", ["source_doctype", "source_name"], "source_index")


def add_decides_column() -> None:
	"""The virtual `decides` column, as the core's outcomes define it (redefined if they changed)."""
	expression = f"`outcome` in ({', '.join(frappe.db.escape(o) for o in DECIDING)})"
	found = frappe.db.sql(
		"""select generation_expression from information_schema.columns
		where table_schema = database() and table_name = 'tabContact Attempt' and column_name = %s""",
		DECIDES,
	)
	if found and _outcomes(found[0][0]) == set(DECIDING):
		return
	if found:  # what decides changed: the index is rebuilt with the column
		if frappe.db.has_index("tabContact Attempt", DECISION_INDEX):
			frappe.db.sql_ddl(f"alter table `tabContact Attempt` drop index `{DECISION_INDEX}`")
		frappe.db.sql_ddl(f"alter table `tabContact Attempt` drop column `{DECIDES}`")
	frappe.db.sql_ddl(
		f"alter table `tabContact Attempt` add column `{DECIDES}` tinyint as ({expression}) virtual"
	)


def _outcomes(expression: str | None) -> set[str]:
	import re

	return set(re.findall(r"'([^']*)'", expression or ""))
