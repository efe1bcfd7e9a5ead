# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from humane_crm.constants import CRM_RECORDS
from humane_crm.exceptions import ComplaintError
from humane_crm.permissions import app_fields
from humane_crm.utils.actions import by_action

# Set only by the complaint's actions (confirm, tick, reply, resolve, dismiss) and by spotting; the
# status has its own guard below. The answers are what the gate on a reply reads.
APP_FIELDS = (
	"reference_doctype",
	"reference_name",
	"person",
	"inbound_communication",
	"score",
	"matched_phrases",
	"opened_by",
	"opened_on",
	"dismissed_reason",
	"checklist",
	"answers",
	"first_response_on",
	"first_response",
	"hours_to_first_response",
	"follow_up_task",
	"follow_up_due",
	"resolution_note",
	"resolved_on",
	"resolved_by",
)
# Empty on a new complaint: its actions fill them in.
SET_BY_ACTIONS = tuple(f for f in APP_FIELDS[6:] if f != "answers")


class Complaint(Document):
	"""A complaint on a CRM lead or deal: a human confirmed it, a checklist gates the first reply,
	and a human follow-up is owed."""

	def validate(self):
		self.only_crm_records()
		self.status_moves_only_by_actions()
		self.answers_only_by_actions()
		if not self.complaint_owner:
			from humane_crm.people import identities

			self.complaint_owner = identities.record_owner(self.reference_doctype, self.reference_name)

	def only_crm_records(self):
		if self.reference_doctype not in CRM_RECORDS:
			frappe.throw(
				_("A complaint belongs to a CRM Lead or a CRM Deal."),
				exc=ComplaintError,
				title=_("Not a CRM record"),
			)

	def answers_only_by_actions(self):
		"""Checklist ticks (who, when) and the rest of the complaint's history are written by its
		actions only: a direct write — REST, set_value on a row, an import — is refused."""
		if by_action(self):
			return
		hint = _("Tick the checklist with its Tick button (one item at a time, as yourself).")
		if not self.is_new():
			app_fields.refuse_changes(self, APP_FIELDS, hint, exc=ComplaintError)
			return
		if self.answers:
			frappe.throw(
				_("A new complaint has no checklist answers: confirm it, then work through its checklist.")
				+ " "
				+ hint,
				exc=ComplaintError,
				title=_("Set by the app"),
			)
		for field in SET_BY_ACTIONS:
			self.set(field, None)

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
