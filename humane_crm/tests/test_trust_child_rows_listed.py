"""A child table listed on its own shows only the rows of the parents the agent may read: a Sales
User restricted to her own lead gets, over HTTP, neither a colleague's customer's email address
(Contact Preference Key rows) nor the notes of a colleague's complaint checklist (Complaint
Checklist Answer rows) from `frappe.client.get_list(child, parent=...)`."""

import frappe

from humane_crm.complaints import actions
from humane_crm.tests.test_list_permissions import COLLEAGUE, ListPermissionTestCase
from humane_crm.tests.utils import make_user

NOTE = "Omar's customer cried on the phone"


class TestChildRowsListed(ListPermissionTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for side, agent in ((cls.mine, "rhea.own-leads@example.com"), (cls.theirs, COLLEAGUE)):
			frappe.set_user("Administrator")
			make_user(agent, "Sales User")
			frappe.set_user(agent)
			side.open_complaint = actions.open_complaint("CRM Lead", side.lead, "A broken lamp")["name"]
			actions.tick(side.open_complaint, 1, note=NOTE if side is cls.theirs else "heard her")
			cls.made.append(("Complaint", side.open_complaint))
		frappe.set_user("Administrator")
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		for side in (cls.mine, cls.theirs):
			frappe.db.delete("Complaint Checklist Answer", {"parent": side.open_complaint})
		frappe.db.commit()
		super().tearDownClass()

	def rows(self, doctype: str, parent: str, fields: list[str]) -> list[dict]:
		response = self.agent.call(
			"frappe.client.get_list", doctype=doctype, parent=parent, fields=fields, limit_page_length=0
		)
		self.assertEqual(response.status_code, 200, response.data)
		return response.json["message"]

	def test_a_persons_keys_listed_on_their_own_show_only_her_own_people(self):
		keys = self.rows("Contact Preference Key", "Contact Preference", ["identity", "parent"])
		parents = {row["parent"] for row in keys}
		self.assertIn(self.mine.person, parents)
		self.assertNotIn(self.theirs.person, parents)
		theirs = frappe.db.get_value("Contact Preference Key", {"parent": self.theirs.person}, "identity")
		self.assertNotIn(theirs, {row["identity"] for row in keys})

	def test_checklist_answers_listed_on_their_own_show_only_her_own_complaints(self):
		answers = self.rows("Complaint Checklist Answer", "Complaint", ["note", "parent"])
		parents = {row["parent"] for row in answers}
		self.assertIn(self.mine.open_complaint, parents)
		self.assertNotIn(self.theirs.open_complaint, parents)
		self.assertNotIn(NOTE, {row["note"] for row in answers})
