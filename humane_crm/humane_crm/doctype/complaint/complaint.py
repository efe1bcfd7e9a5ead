# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from humane_crm.actions import by_action
from humane_crm.exceptions import ComplaintError


class Complaint(Document):
	"""A complaint on a CRM lead or deal: a human confirmed it, a checklist gates the first reply,
	and a human follow-up is owed."""

	def validate(self):
		self.only_crm_records()
		self.status_moves_only_by_actions()
		if not self.complaint_owner:
			from humane_crm import people

			self.complaint_owner = people.record_owner(self.reference_doctype, self.reference_name)

	def on_change(self):
		from humane_crm import complaints

		# Now, and again once committed: another request may have counted in between.
		complaints.clear_cache()
		frappe.db.after_commit.add(complaints.clear_cache)

	def on_trash(self):
		self.on_change()

	def only_crm_records(self):
		if self.reference_doctype not in ("CRM Lead", "CRM Deal"):
			frappe.throw(
				_("A complaint belongs to a CRM Lead or a CRM Deal."),
				exc=ComplaintError,
				title=_("Not a CRM record"),
			)

	def status_moves_only_by_actions(self):
		if by_action(self):
			return
		if self.is_new():
			if self.status not in (None, "", "Suggested"):
				frappe.throw(
					_("A new complaint starts as Suggested: confirm it to open it."),
					exc=ComplaintError,
					title=_("Confirm it"),
				)
			return
		before = self.get_doc_before_save()
		if before and before.status != self.status:
			frappe.throw(
				_("A complaint's status changes only through its actions (Confirm, Dismiss, Resolve)."),
				exc=ComplaintError,
				title=_("Use the actions"),
			)
