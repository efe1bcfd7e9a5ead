"""What the app keeps about a customer is for CRM users who may read the record.

Since CRM 1.32 every desk user ("All") may read CRM Lead. A colleague with a desk login but none of
the roles CRM lets into /crm must still get no contact history, held drafts or complaints."""

import uuid

import frappe

from humane_crm import api
from humane_crm.complaints import actions
from humane_crm.tests.utils import IntegrationTestCase, make_lead, make_user, set_preference

AGENT = "priya.agent@example.com"
COLLEAGUE = "desk.colleague@example.com"  # a desk user, no CRM role


class TestOnlyCRMUsers(IntegrationTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		make_user(AGENT, "Sales User")
		make_user(COLLEAGUE, "Blogger")
		self.lead = make_lead("Ines", email=f"ines.{uuid.uuid4().hex[:8]}@example.com", lead_owner=AGENT)
		frappe.set_user(AGENT)
		set_preference("CRM Lead", self.lead.name, "Do Not Contact", reason="Asked by phone")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_a_desk_user_without_a_crm_role_gets_no_contact_answer(self):
		frappe.set_user(COLLEAGUE)
		with self.assertRaises(frappe.PermissionError) as refused:
			api.check_contact("CRM Lead", self.lead.name)
		self.assertIn("Only CRM users", str(refused.exception))

		frappe.set_user(AGENT)  # the agent who owns the lead still gets the whole answer
		self.assertEqual(api.check_contact("CRM Lead", self.lead.name)["outcome"], "block")

	def test_a_desk_user_without_a_crm_role_cannot_open_held_messages_or_complaints(self):
		frappe.set_user(AGENT)
		complaint = actions.open_complaint("CRM Lead", self.lead.name, "Billed twice")
		held = frappe.get_doc(
			{
				"doctype": "Held Message",
				"status": "Held",
				"subject": "Your refund",
				"content": "Dear Ines, …",
				"recipients": self.lead.email,
				"reference_doctype": "CRM Lead",
				"reference_name": self.lead.name,
			}
		).insert(ignore_permissions=True)
		self.assertTrue(frappe.has_permission("Held Message", "read", held, user=AGENT))

		self.assertFalse(frappe.has_permission("Held Message", "read", held, user=COLLEAGUE))
		frappe.set_user(COLLEAGUE)
		with self.assertRaises(frappe.PermissionError):
			actions.tick(complaint["name"], 1)
		with self.assertRaises(frappe.PermissionError):
			actions.open_complaint("CRM Lead", self.lead.name, "Another one")
