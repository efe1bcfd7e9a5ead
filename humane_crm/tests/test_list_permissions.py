"""Lists, reports, exports and link searches show exactly what opening the record would: an agent who
may read only their own leads sees nothing the app keeps about a colleague's lead, over HTTP, on
every door Frappe has for many records at once."""

import frappe
from frappe.utils import now_datetime

from humane_crm.people import ledger
from humane_crm.permissions import access, doctypes
from humane_crm.tests.rest import RestUser
from humane_crm.tests.utils import HumaneTestCase, make_lead, make_user, new_email

OWN = "rhea.own-leads@example.com"  # a Sales User restricted by a User Permission to her own lead
COLLEAGUE = "omar.colleague@example.com"
MANAGER = "mona.manager@example.com"
SECRET = "Quarterly pricing for Omar's customer"


class ListPermissionTestCase(HumaneTestCase):
	"""Two agents' leads, each with a held message, a complaint, ledger rows and a person; the
	records are committed (requests run on their own connection) and removed afterwards."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		make_user(OWN, "Sales User")
		make_user(COLLEAGUE, "Sales User")
		make_user(MANAGER, "Sales Manager")
		cls.made = []
		cls.mine = cls.about(make_lead("Rhea", email=new_email("rhea"), lead_owner=OWN), "Mine")
		cls.theirs = cls.about(make_lead("Omar", email=new_email("omar"), lead_owner=COLLEAGUE), SECRET)
		cls.restriction = frappe.get_doc(
			{"doctype": "User Permission", "user": OWN, "allow": "CRM Lead", "for_value": cls.mine.lead}
		).insert(ignore_permissions=True)
		cls.agent = RestUser(OWN)
		cls.manager = RestUser(MANAGER)
		frappe.db.commit()

	@classmethod
	def about(cls, lead, subject: str) -> frappe._dict:
		"""What the app keeps about one lead: a held message, a complaint, a ledger row, a person."""
		cls.made.append(("CRM Lead", lead.name))
		reference = {"reference_doctype": "CRM Lead", "reference_name": lead.name}
		held = frappe.get_doc(
			{
				"doctype": "Held Message",
				"status": "Held",
				"recipients": lead.email,
				"subject": subject,
				"content": f"<p>{subject}: the body</p>",
				**reference,
			}
		).insert(ignore_permissions=True)
		complaint = frappe.get_doc({"doctype": "Complaint", "summary": subject, **reference}).insert(
			ignore_permissions=True
		)
		person = ledger.person_for(frozenset({lead.email}), subject)
		attempt = frappe.get_doc(
			{
				"doctype": "Contact Attempt",
				"person": person,
				"person_key": lead.email,
				"timestamp": now_datetime(),
				"direction": "Outbound",
				"channel": "Email",
				"outcome": "Allowed",
				"reason": subject,
				**reference,
			}
		).insert(ignore_permissions=True)
		cls.made += [
			("Held Message", held.name),
			("Complaint", complaint.name),
			("Contact Attempt", attempt.name),
			("Contact Preference", person),
		]
		return frappe._dict(
			lead=lead.name, held=held.name, complaint=complaint.name, attempt=attempt.name, person=person
		)

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		frappe.delete_doc("User Permission", cls.restriction.name, force=True, ignore_permissions=True)
		for doctype, name in reversed(cls.made):
			frappe.db.delete(doctype, name)
		frappe.db.delete("Contact Preference Key", {"parent": ("in", [cls.mine.person, cls.theirs.person])})
		frappe.db.commit()
		super().tearDownClass()

	def names_in(self, response) -> set[str]:
		self.assertEqual(response.status_code, 200, response.data)
		rows = response.json.get("data", response.json.get("message"))
		if isinstance(rows, dict) and "keys" in rows:  # reportview.get: keys and values
			at = rows["keys"].index("name")
			return {row[at] for row in rows["values"]}
		return {row["name"] for row in rows}


class TestHeldMessagesListed(ListPermissionTestCase):
	def test_rest_list_with_every_field_shows_only_her_own_leads_messages(self):
		response = self.agent.get("/api/resource/Held Message", fields=["*"], limit_page_length=0)
		names = self.names_in(response)
		self.assertIn(self.mine.held, names)
		self.assertNotIn(self.theirs.held, names)
		self.assertNotIn(SECRET, response.get_data(as_text=True))

	def test_get_list_and_the_report_view_show_only_her_own(self):
		for method in ("frappe.client.get_list", "frappe.desk.reportview.get"):
			response = self.agent.call(
				method, doctype="Held Message", fields=["name", "subject", "content"], limit_page_length=0
			)
			names = self.names_in(response)
			self.assertIn(self.mine.held, names, method)
			self.assertNotIn(self.theirs.held, names, method)
			self.assertNotIn(SECRET, response.get_data(as_text=True), method)

	def test_get_value_of_a_colleagues_message_tells_nothing(self):
		response = self.agent.call(
			"frappe.client.get_value",
			doctype="Held Message",
			filters={"name": self.theirs.held},
			fieldname=["subject", "content"],
		)
		self.assertNotIn(SECRET, response.get_data(as_text=True))
		mine = self.agent.call(
			"frappe.client.get_value",
			doctype="Held Message",
			filters={"name": self.mine.held},
			fieldname="subject",
		)
		self.assertEqual(mine.json["message"]["subject"], "Mine")

	def test_csv_export_holds_only_her_own(self):
		response = self.agent.call(
			"frappe.desk.reportview.export_query",
			doctype="Held Message",
			file_format_type="CSV",
			title="Held",
			fields=["`tabHeld Message`.`name`", "`tabHeld Message`.`subject`"],
		)
		self.assertEqual(response.status_code, 200, response.data)
		csv = response.get_data(as_text=True)
		self.assertIn(self.mine.held, csv)
		self.assertNotIn(self.theirs.held, csv)
		self.assertNotIn(SECRET, csv)

	def test_a_manager_sees_both_with_no_condition_at_all(self):
		self.assertEqual(doctypes.held_message_conditions(MANAGER), "")
		names = self.names_in(
			self.manager.get("/api/resource/Held Message", fields=["name"], limit_page_length=0)
		)
		self.assertLessEqual({self.mine.held, self.theirs.held}, names)


class TestComplaintsListed(ListPermissionTestCase):
	def test_opening_a_colleagues_complaint_is_refused(self):
		self.assertEqual(self.agent.get(f"/api/resource/Complaint/{self.theirs.complaint}").status_code, 403)
		self.assertEqual(self.agent.get(f"/api/resource/Complaint/{self.mine.complaint}").status_code, 200)

	def test_lists_and_link_search_show_only_her_own(self):
		names = self.names_in(self.agent.get("/api/resource/Complaint", fields=["*"], limit_page_length=0))
		self.assertIn(self.mine.complaint, names)
		self.assertNotIn(self.theirs.complaint, names)
		found = self.agent.call(
			"frappe.desk.search.search_link", doctype="Complaint", txt="", page_length=100
		)
		self.assertEqual(found.status_code, 200, found.data)
		self.assertIn(self.mine.complaint, found.get_data(as_text=True))
		self.assertNotIn(self.theirs.complaint, found.get_data(as_text=True))


class TestLedgerAndPeopleListed(ListPermissionTestCase):
	def test_the_ledger_lists_only_attempts_on_her_own_leads(self):
		response = self.agent.get("/api/resource/Contact Attempt", fields=["*"], limit_page_length=0)
		names = self.names_in(response)
		self.assertIn(self.mine.attempt, names)
		self.assertNotIn(self.theirs.attempt, names)
		self.assertEqual(
			self.agent.get(f"/api/resource/Contact Attempt/{self.theirs.attempt}").status_code, 403
		)

	def test_people_are_listed_only_through_her_own_leads(self):
		response = self.agent.call(
			"frappe.client.get_list", doctype="Contact Preference", fields=["name"], limit_page_length=0
		)
		names = self.names_in(response)
		self.assertIn(self.mine.person, names)
		self.assertNotIn(self.theirs.person, names)
		self.assertEqual(
			self.agent.get(f"/api/resource/Contact Preference/{self.theirs.person}").status_code, 403
		)

	def test_single_record_and_list_agree(self):
		# The same rule, in Python for one record and in SQL for a list.
		frappe.set_user(OWN)
		for doctype in ("Held Message", "Complaint", "Contact Attempt", "Contact Preference"):
			listed = set(frappe.get_list(doctype, pluck="name", limit_page_length=0))
			for side in (self.mine, self.theirs):
				name = {
					"Held Message": side.held,
					"Complaint": side.complaint,
					"Contact Attempt": side.attempt,
					"Contact Preference": side.person,
				}[doctype]
				self.assertEqual(name in listed, bool(frappe.has_permission(doctype, "read", name)), doctype)
		self.assertTrue(access.may_read_record("CRM Lead", self.mine.lead, OWN))
		self.assertFalse(access.may_read_record("CRM Lead", self.theirs.lead, OWN))
