# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

TIMELINE_INDEX = "person_timeline_index"
TIMELINE_COLUMNS = ["person", "timestamp", "channel", "direction", "outcome"]


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
	# "This person's attempts since T" is one range read on this index, which also holds every
	# column a decision needs: a batch check reads the ledger without touching the table rows.
	frappe.db.add_index("Contact Attempt", TIMELINE_COLUMNS, TIMELINE_INDEX)
	# Backfill skips sources already in the ledger.
	frappe.db.add_index("Contact Attempt", ["source_doctype", "source_name"], "source_index")
