# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe

from humane_crm.exceptions import HeldMessageError
from humane_crm.tests.test_held_messages import HeldTestCase


class TestHeldMessage(HeldTestCase):
	"""The document itself: while held, its words can be edited; where it came from cannot."""

	def held(self):
		frappe.set_user("Administrator")
		doc = frappe.get_doc(
			{
				"doctype": "Held Message",
				"status": "Held",
				"held_because": "Background job test",
				"source": "Background job test",
				"recipients": "ana@example.com",
				"subject": "Hello",
				"content": "<p>Hello</p>",
			}
		)
		doc.insert(ignore_permissions=True)
		return doc

	def test_the_message_can_be_edited_while_it_is_held(self):
		doc = self.held()
		doc.subject = "Hello Ana"
		doc.content = "<p>Hello Ana, it was good to meet you.</p>"
		doc.save()
		self.assertEqual(frappe.db.get_value("Held Message", doc.name, "subject"), "Hello Ana")

	def test_where_it_came_from_cannot_be_edited(self):
		doc = self.held()
		doc.held_because = "Nothing to see"
		with self.assertRaises(HeldMessageError) as refused:
			doc.save()
		self.assertIn("Held Because", str(refused.exception))
