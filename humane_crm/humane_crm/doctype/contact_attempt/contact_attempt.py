# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

# A decision reads one person's rows that count (outcome), since the longest rule window looks back
# (timestamp), and what its explanation names (agent, record): one index range per outcome, every
# column in the index. The outcome before the time skips a person's refusals, however many.
# (direction, channel and outcome are varchar(20) so that the key fits InnoDB's 3072 bytes.)
DECISION_INDEX = "person_decision_index"
DECISION_COLUMNS = ["person", "outcome", "timestamp", "channel", "direction", "agent", "reference_name"]


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
	frappe.db.add_index("Contact Attempt", DECISION_COLUMNS, DECISION_INDEX)
	# Backfill skips sources already in the ledger.
	frappe.db.add_index("Contact Attempt", ["source_doctype", "source_name"], "source_index")
