"""Frappe's Data Import is one more write path for the fields a decision relies on: a manager who
may import (System Manager) cannot set a person's keys, who set their status or their pause, a
template's review fields, or a complaint's checklist ticks by importing a spreadsheet — neither
by updating the records nor by importing their child rows on their own. A Sales User may not start
an import at all. Each import is made over HTTP as the user (the Data Import document, the CSV
uploaded and attached), then run as Frappe's worker runs it: as that user, in its own job."""

import csv
import io

import frappe

from humane_crm.complaints import actions
from humane_crm.template_review import four_eyes
from humane_crm.tests.rest import RestUser
from humane_crm.tests.utils import HumaneTestCase, make_lead, make_user, new_email, set_preference

AGENT = "ivy.importer@example.com"  # a Sales User, restricted to her own leads
ADMIN = "max.importer@example.com"  # a manager who may import: System Manager and Sales Manager
FORGED = "mona.manager@example.com"


def restrict_to(user: str, lead: str) -> str:
	"""The User Permission that lets `user` read only her own leads (one per lead), made once."""
	allowed = {"user": user, "allow": "CRM Lead", "for_value": lead}
	return frappe.db.get_value("User Permission", allowed) or (
		frappe.get_doc({"doctype": "User Permission", **allowed}).insert(ignore_permissions=True).name
	)


class DataImportTestCase(HumaneTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		make_user(AGENT, "Sales User")
		make_user(ADMIN, "System Manager", "Sales Manager")
		make_user(FORGED, "Sales Manager")
		cls.agent, cls.admin = RestUser(AGENT), RestUser(ADMIN)
		cls.email = new_email("ida")
		cls.lead = make_lead("Ida", email=cls.email, lead_owner=AGENT)
		cls.restriction = restrict_to(AGENT, cls.lead.name)
		frappe.set_user(AGENT)
		set_preference(
			"CRM Lead", cls.lead.name, "Paused", paused_until="2030-06-01 00:00:00", source="Customer"
		)
		cls.complaint = actions.open_complaint("CRM Lead", cls.lead.name, "The lamp arrived broken")["name"]
		frappe.set_user("Administrator")
		cls.person = frappe.db.get_value("Contact Preference Key", {"identity": cls.email}, "parent")
		cls.imports = []
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		for name in cls.imports:
			frappe.db.delete("Data Import Log", {"data_import": name})
			frappe.db.delete("File", {"attached_to_doctype": "Data Import", "attached_to_name": name})
			frappe.db.delete("Data Import", name)
		frappe.db.delete("Complaint Checklist Answer", {"parent": cls.complaint})
		frappe.db.delete("Complaint", cls.complaint)
		frappe.db.delete("Contact Attempt", {"person": cls.person})
		frappe.db.delete("Contact Preference Key", {"parent": cls.person})
		frappe.db.delete("Contact Preference", cls.person)
		frappe.db.delete("User Permission", cls.restriction)
		frappe.delete_doc("CRM Lead", cls.lead.name, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def import_as(
		self, user: RestUser, doctype: str, rows: list[dict], import_type="Update Existing Records"
	):
		"""Make the Data Import over HTTP as `user`, attach the CSV, and run it as Frappe's worker
		would; answer its log (one message per refused row)."""
		meta = frappe.get_meta(doctype)
		header = ["ID" if f == "name" else f if " (" in f else meta.get_label(f) for f in rows[0]]
		out = io.StringIO()
		writer = csv.writer(out)
		writer.writerow(header)
		writer.writerows([list(row.values()) for row in rows])

		made = user.post(
			"/api/resource/Data Import", {"reference_doctype": doctype, "import_type": import_type}
		)
		self.assertEqual(made.status_code, 200, made.text[:300])
		name = made.json["data"]["name"]
		self.imports.append(name)
		uploaded = user.upload(
			"rows.csv", out.getvalue().encode(), doctype="Data Import", docname=name, fieldname="import_file"
		)
		self.assertEqual(uploaded.status_code, 200, uploaded.text[:300])
		attached = user.put(
			f"/api/resource/Data Import/{name}", {"import_file": uploaded.json["message"]["file_url"]}
		)
		self.assertEqual(attached.status_code, 200, attached.text[:300])

		from frappe.core.doctype.data_import.data_import import start_import

		frappe.db.rollback()  # see what the requests committed
		frappe.set_user(user.user)  # the job runs as whoever started the import
		try:
			start_import(name)
		finally:
			frappe.set_user("Administrator")
		frappe.db.commit()
		log = frappe.get_all("Data Import Log", {"data_import": name}, ["success", "messages", "exception"])
		self.assertTrue(log, "the import ran no row")
		self.assertFalse([row for row in log if row.success], "a row was imported")
		said = " ".join(f"{row.messages or ''} {row.exception or ''}" for row in log)
		return said


class TestDataImport(DataImportTestCase):
	def test_a_sales_user_cannot_start_an_import(self):
		response = self.agent.post(
			"/api/resource/Data Import",
			{"reference_doctype": "Contact Preference", "import_type": "Update Existing Records"},
		)
		self.assertEqual(response.status_code, 403, response.text[:300])

	def test_who_set_a_persons_status_and_their_pause_cannot_be_imported(self):
		before = frappe.get_doc("Contact Preference", self.person)
		log = self.import_as(
			self.admin,
			"Contact Preference",
			[{"name": self.person, "status_set_by": FORGED, "paused_until": "2030-02-01 00:00:00"}],
		)
		self.assertIn("can be set only by Humane CRM", log)
		after = frappe.get_doc("Contact Preference", self.person)
		self.assertEqual(
			(after.status_set_by, after.paused_until, after.status),
			(before.status_set_by, before.paused_until, before.status),
		)

	def test_what_the_person_asked_for_cannot_be_imported(self):
		log = self.import_as(self.admin, "Contact Preference", [{"name": self.person, "status": "Open"}])
		self.assertIn("is changed from their lead or deal", log)
		self.assertEqual(frappe.db.get_value("Contact Preference", self.person, "status"), "Paused")

	def test_a_persons_keys_cannot_be_imported_with_the_person(self):
		meta = frappe.get_meta("Contact Preference Key")
		table = frappe.get_meta("Contact Preference").get_label("identities")
		row = frappe.db.get_value("Contact Preference Key", {"parent": self.person}, "name")
		log = self.import_as(
			self.admin,
			"Contact Preference",
			[
				{
					"name": self.person,
					f"ID ({table})": row,
					f"{meta.get_label('identity')} ({table})": new_email("else"),
				}
			],
		)
		self.assertIn("can be set only by Humane CRM", log)
		self.assertEqual(
			frappe.get_all("Contact Preference Key", {"parent": self.person}, pluck="identity"), [self.email]
		)

	def test_a_persons_keys_cannot_be_imported_as_rows_of_their_own(self):
		row = frappe.db.get_value("Contact Preference Key", {"parent": self.person}, "name")
		log = self.import_as(
			self.admin, "Contact Preference Key", [{"name": row, "identity": new_email("else")}]
		)
		self.assertTrue(log.strip())
		self.assertEqual(
			frappe.get_all("Contact Preference Key", {"parent": self.person}, pluck="identity"), [self.email]
		)

	def test_a_templates_review_fields_cannot_be_imported(self):
		name = f"import-{frappe.generate_hash(length=6)}"
		frappe.set_user(AGENT)
		frappe.get_doc(
			{"doctype": "Email Template", "name": name, "subject": "Hi", "response": "<p>Hello.</p>"}
		).insert()
		four_eyes.submit_for_review(name)
		frappe.set_user("Administrator")
		self.addCleanup(lambda: (frappe.delete_doc("Email Template", name, force=True), frappe.db.commit()))
		frappe.db.commit()

		log = self.import_as(
			self.admin,
			"Email Template",
			[{"name": name, "humane_review_state": "Approved", "humane_content_changed_by": FORGED}],
		)
		self.assertIn("can be set only by Humane CRM", log)
		state = frappe.db.get_value(
			"Email Template", name, ["humane_review_state", "humane_content_changed_by"], as_dict=True
		)
		self.assertEqual((state.humane_review_state, state.humane_content_changed_by), ("In Review", AGENT))

	def test_a_complaints_checklist_cannot_be_ticked_by_import(self):
		rows = frappe.get_all("Complaint Checklist Answer", {"parent": self.complaint}, pluck="name")
		log = self.import_as(
			self.admin,
			"Complaint Checklist Answer",
			[{"name": row, "ticked": 1, "ticked_by": FORGED} for row in rows],
		)
		self.assertTrue(log.strip())
		ticks = frappe.get_all(
			"Complaint Checklist Answer", {"parent": self.complaint}, ["ticked", "ticked_by"]
		)
		self.assertFalse([t for t in ticks if t.ticked or t.ticked_by])


class TestRowsSavedAlone(DataImportTestCase):
	"""The same rows saved on their own over HTTP (`frappe.client.save` of a child row runs none of
	its parent's checks) by the agent who may edit her own lead's person and complaint."""

	def save_row(self, doctype: str, name: str, **changes):
		row = frappe.get_doc(doctype, name).as_dict(convert_dates_to_str=True)
		return self.agent.call("frappe.client.save", doc={**row, **changes})

	def refused(self, response):
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("can be set only by Humane CRM", response.json.get("_server_messages", ""))
		frappe.db.rollback()

	def test_a_persons_key_cannot_be_replaced_by_saving_its_row(self):
		row = frappe.db.get_value("Contact Preference Key", {"parent": self.person}, "name")
		self.refused(self.save_row("Contact Preference Key", row, identity=new_email("else")))
		self.assertEqual(
			frappe.get_all("Contact Preference Key", {"parent": self.person}, pluck="identity"), [self.email]
		)

	def test_a_checklist_answer_cannot_be_ticked_by_saving_its_row(self):
		row = frappe.get_all("Complaint Checklist Answer", {"parent": self.complaint}, pluck="name")[0]
		self.refused(self.save_row("Complaint Checklist Answer", row, ticked=1, ticked_by=FORGED))
		self.assertFalse(frappe.db.get_value("Complaint Checklist Answer", row, "ticked"))
