# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from humane_crm.exceptions import ChecklistConflictError

COVERS = {
	"CRM Lead and CRM Deal": {"CRM Lead", "CRM Deal"},
	"CRM Lead": {"CRM Lead"},
	"CRM Deal": {"CRM Deal"},
}


class EmpathyChecklist(Document):
	"""The items an agent works through before the first reply to a complaint."""

	def validate(self):
		self.one_active_checklist_per_doctype()

	def one_active_checklist_per_doctype(self):
		if not self.active:
			return
		mine = COVERS[self.applies_to]
		for other in frappe.get_all(
			"Empathy Checklist",
			filters={"active": 1, "name": ("!=", self.name or "")},
			fields=["name", "applies_to"],
		):
			both = mine & COVERS.get(other.applies_to, set())
			if both:
				frappe.throw(
					_(
						"Checklist {0} is already active for {1}. Only one checklist can be active per record type: deactivate one of them first."
					).format(frappe.bold(other.name), _(" and ").join(sorted(both))),
					exc=ChecklistConflictError,
					title=_("Another checklist is active"),
				)


def active_for(doctype: str):
	"""The active checklist for leads or deals, or None."""
	for row in frappe.get_all("Empathy Checklist", filters={"active": 1}, fields=["name", "applies_to"]):
		if doctype in COVERS.get(row.applies_to, set()):
			return frappe.get_doc("Empathy Checklist", row.name)
	return None
