# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe

from humane_crm.exceptions import ChecklistConflictError
from humane_crm.tests.test_complaints import ComplaintTestCase
from humane_crm.tests.utils import AGENT


class TestEmpathyChecklist(ComplaintTestCase):
	def test_only_one_active_checklist_per_record_type(self):
		with self.assertRaises(ChecklistConflictError) as refused:
			frappe.get_doc(
				{
					"doctype": "Empathy Checklist",
					"checklist_title": "Deals only",
					"active": 1,
					"applies_to": "CRM Deal",
					"items": [{"prompt": "Listen", "required": 1}],
				}
			).insert()
		self.assertIn("Before replying to a complaint", str(refused.exception))

	def test_agents_cannot_edit_the_checklist(self):
		frappe.set_user(AGENT)
		doc = frappe.get_doc("Empathy Checklist", "Before replying to a complaint")
		doc.items[0].required = 0
		with self.assertRaises(frappe.PermissionError):
			doc.save()
