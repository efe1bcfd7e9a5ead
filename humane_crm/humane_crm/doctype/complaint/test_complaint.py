# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe

from humane_crm.exceptions import ComplaintError
from humane_crm.tests.test_complaints import ComplaintTestCase
from humane_crm.tests.utils import AGENT


class TestComplaint(ComplaintTestCase):
	def test_the_status_moves_only_through_the_actions(self):
		name = self.complaint()
		frappe.set_user(AGENT)
		doc = frappe.get_doc("Complaint", name)
		doc.status = "Resolved"
		with self.assertRaises(ComplaintError):
			doc.save()

	def test_a_complaint_belongs_to_a_lead_or_a_deal(self):
		with self.assertRaises(ComplaintError):
			frappe.get_doc(
				{"doctype": "Complaint", "summary": "x", "reference_doctype": "User", "reference_name": AGENT}
			).insert()
