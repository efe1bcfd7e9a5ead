"""What a decision relies on is written only by the app: an agent over HTTP (REST PUT,
frappe.client.set_value on a row) cannot relax a customer's Do Not Contact by replacing their keys,
shorten their pause with a date in another form, forge who set it, pass four eyes by naming the
author as the last editor, or tick a complaint's checklist in a manager's name."""

import frappe
from frappe.utils import get_datetime, now_datetime

from humane_crm.complaints import actions
from humane_crm.exceptions import ComplaintChecklistError, DoNotContactError
from humane_crm.people import identities, ledger
from humane_crm.template_review import four_eyes
from humane_crm.tests.rest import RestUser, message_of
from humane_crm.tests.utils import HumaneTestCase, make_lead, make_user, new_email, send_email, set_preference

AGENT = "wade.walker@example.com"
REVIEWER = "rosa.reviewer@example.com"
MANAGER = "mona.manager@example.com"
PAUSED_UNTIL = get_datetime("2030-06-01 00:00:00")
SET_BY_THE_APP = "can be set only by Humane CRM"


class WrittenByTheAppTestCase(HumaneTestCase):
	made: list

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		make_user(AGENT, "Sales User")
		make_user(REVIEWER, "Sales User", "Template Reviewer")
		make_user(MANAGER, "Sales Manager")
		cls.made = []
		cls.agent = RestUser(AGENT)

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		for doctype, name in reversed(cls.made):
			if doctype == "Contact Preference":
				frappe.db.delete("Contact Preference Key", {"parent": name})
			frappe.db.delete("Comment", {"reference_doctype": doctype, "reference_name": name})
			frappe.db.delete(doctype, name)
		frappe.db.commit()
		super().tearDownClass()

	def refused(self, response):
		self.assertEqual(response.status_code, 417, response.data)
		self.assertIn(SET_BY_THE_APP, message_of(response))
		frappe.db.rollback()  # read what the request left committed


class TestThePersonsKeysAndStatus(WrittenByTheAppTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user(AGENT)
		cls.email = new_email("dina")
		cls.lead = make_lead("Dina", email=cls.email, lead_owner=AGENT)
		set_preference(
			"CRM Lead", cls.lead.name, "Do Not Contact", source="Customer", reason="Asked by phone"
		)
		cls.paused_email = new_email("paula")
		cls.paused = make_lead("Paula", email=cls.paused_email, lead_owner=AGENT)
		set_preference(
			"CRM Lead", cls.paused.name, "Paused", paused_until=str(PAUSED_UNTIL), source="Customer"
		)
		frappe.set_user("Administrator")
		cls.person = frappe.db.get_value("Contact Preference Key", {"identity": cls.email}, "parent")
		cls.paused_person = frappe.db.get_value(
			"Contact Preference Key", {"identity": cls.paused_email}, "parent"
		)
		cls.made += [
			("CRM Lead", cls.lead.name),
			("CRM Lead", cls.paused.name),
			("Contact Preference", cls.person),
			("Contact Preference", cls.paused_person),
		]
		frappe.db.commit()

	def keys(self, person) -> list[str]:
		return frappe.get_all("Contact Preference Key", {"parent": person}, pluck="identity", order_by="idx")

	def test_replacing_the_keys_by_put_is_refused_and_the_next_email_is_still_refused(self):
		response = self.agent.put(
			f"/api/resource/Contact Preference/{self.person}",
			{"identities": [{"identity": "someone.else@example.com"}]},
		)
		self.refused(response)
		self.assertEqual(self.keys(self.person), [self.email])
		frappe.set_user(AGENT)
		with self.assertRaises(DoNotContactError):
			send_email("CRM Lead", self.lead.name, self.email)

	def test_adding_or_editing_a_key_row_is_refused(self):
		row = frappe.db.get_value("Contact Preference Key", {"parent": self.person}, "name")
		self.refused(
			self.agent.call(
				"frappe.client.set_value",
				doctype="Contact Preference Key",
				name=row,
				fieldname="identity",
				value="someone.else@example.com",
			)
		)
		self.refused(
			self.agent.put(
				f"/api/resource/Contact Preference/{self.person}",
				{"identities": [{"name": row, "identity": self.email}, {"identity": new_email("extra")}]},
			)
		)
		self.assertEqual(self.keys(self.person), [self.email])

	def test_a_pause_written_in_another_form_cannot_shorten_the_customers_pause(self):
		response = self.agent.put(
			f"/api/resource/Contact Preference/{self.paused_person}", {"paused_until": "20300201T000000"}
		)
		self.assertIn(response.status_code, (403, 417), response.data)
		# what a person asked for changes only through the app's action, which checks who may relax it
		self.assertIn("is changed from their lead or deal", message_of(response))
		frappe.db.rollback()
		self.assertEqual(
			frappe.db.get_value("Contact Preference", self.paused_person, "paused_until"), PAUSED_UNTIL
		)

	def test_who_set_the_status_and_when_cannot_be_forged(self):
		before = frappe.db.get_value(
			"Contact Preference", self.person, ["status_set_by", "status_set_on"], as_dict=True
		)
		self.assertEqual(before.status_set_by, AGENT)
		self.refused(
			self.agent.put(
				f"/api/resource/Contact Preference/{self.person}",
				{"status_set_by": MANAGER, "status_set_on": "2020-01-01 00:00:00"},
			)
		)
		self.refused(
			self.agent.call(
				"frappe.client.set_value",
				doctype="Contact Preference",
				name=self.person,
				fieldname="status_set_by",
				value=MANAGER,
			)
		)
		after = frappe.db.get_value(
			"Contact Preference", self.person, ["status_set_by", "status_set_on"], as_dict=True
		)
		self.assertEqual(after, before)

	def test_the_zones_of_their_phones_cannot_be_written_over_http(self):
		# Every decision reads them: a zone written here would make a person's night look like day.
		frappe.set_user("Administrator")
		ny_lead = make_lead("Nadia", email=new_email("nadia"), mobile_no="(212) 555-0142", lead_owner=AGENT)
		[keys] = identities.record_people("CRM Lead", ny_lead.name)
		person = ledger.person_for(keys)
		self.made += [("CRM Lead", ny_lead.name), ("Contact Preference", person)]
		frappe.db.commit()
		self.agent.put(
			f"/api/resource/Contact Preference/{person}", {"phone_time_zones": "Pacific/Kiritimati"}
		)
		self.agent.call(
			"frappe.client.set_value",
			doctype="Contact Preference",
			name=person,
			fieldname="phone_time_zones",
			value="Pacific/Kiritimati",
		)
		frappe.db.rollback()  # read what the requests left committed
		self.assertEqual(
			frappe.db.get_value("Contact Preference", person, "phone_time_zones"), "America/New_York"
		)

	def test_the_apps_own_path_still_sets_them(self):
		frappe.set_user(AGENT)
		set_preference("CRM Lead", self.lead.name, "Do Not Contact", source="Customer", opt_out=["Call"])
		doc = frappe.get_doc("Contact Preference", self.person)
		self.assertEqual((doc.status_set_by, doc.opt_out_call), (AGENT, 1))
		self.assertEqual([k.identity for k in doc.identities], [self.email])


class TestTemplateAuthors(WrittenByTheAppTestCase):
	def test_a_reviewer_cannot_name_the_author_as_last_editor_of_her_own_words(self):
		name = f"walk-{frappe.generate_hash(length=6)}"
		frappe.set_user(AGENT)
		frappe.get_doc(
			{"doctype": "Email Template", "name": name, "subject": "Hello", "response": "<p>Kind words.</p>"}
		).insert()
		four_eyes.submit_for_review(name)
		frappe.set_user("Administrator")
		self.made.append(("Email Template", name))
		frappe.db.commit()
		reviewer = RestUser(REVIEWER)
		frappe.db.commit()

		rewritten = reviewer.put(f"/api/resource/Email Template/{name}", {"response": "<p>Buy now!</p>"})
		self.assertEqual(rewritten.status_code, 200, rewritten.data)
		self.refused(
			reviewer.put(f"/api/resource/Email Template/{name}", {"humane_content_changed_by": AGENT})
		)
		self.assertEqual(frappe.db.get_value("Email Template", name, "humane_content_changed_by"), REVIEWER)

		frappe.set_user(AGENT)
		four_eyes.submit_for_review(name)
		frappe.set_user("Administrator")
		frappe.db.commit()
		approved = reviewer.call("humane_crm.template_review.four_eyes.approve", name=name)
		self.assertIn(approved.status_code, (403, 417), approved.data)
		self.assertIn("last changed its subject or body", message_of(approved))


class TestChecklistTicks(WrittenByTheAppTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.email = new_email("carla")
		cls.lead = make_lead("Carla", email=cls.email, lead_owner=AGENT)
		frappe.set_user(AGENT)
		cls.complaint = actions.open_complaint("CRM Lead", cls.lead.name, "The sofa arrived torn")["name"]
		frappe.set_user("Administrator")
		cls.made += [("CRM Lead", cls.lead.name), ("Complaint", cls.complaint)]
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.db.delete("Complaint Checklist Answer", {"parent": cls.complaint})
		super().tearDownClass()

	def test_ticking_every_answer_in_a_managers_name_is_refused_and_the_reply_still_waits(self):
		doc = frappe.get_doc("Complaint", self.complaint)
		rows = [
			{
				"name": r.name,
				"ticked": 1,
				"ticked_by": MANAGER,
				"ticked_on": str(now_datetime()),
				"note": "ok",
			}
			for r in doc.answers
		]
		self.refused(self.agent.put(f"/api/resource/Complaint/{self.complaint}", {"answers": rows}))
		self.refused(
			self.agent.call(
				"frappe.client.set_value",
				doctype="Complaint Checklist Answer",
				name=doc.answers[0].name,
				fieldname={"ticked": 1, "ticked_by": MANAGER},
			)
		)
		doc.reload()
		self.assertNotIn(MANAGER, {r.ticked_by for r in doc.answers})
		self.assertFalse(all(r.ticked for r in doc.answers))
		frappe.set_user(AGENT)
		with self.assertRaises(ComplaintChecklistError):
			send_email("CRM Lead", self.lead.name, self.email, "<p>Dear Carla, we are so sorry.</p>")

	def test_moving_the_complaint_off_the_record_is_refused(self):
		other = make_lead("Otto", email=new_email("otto"), lead_owner=AGENT)
		frappe.set_user("Administrator")
		self.made.append(("CRM Lead", other.name))
		frappe.db.commit()
		self.refused(
			self.agent.put(f"/api/resource/Complaint/{self.complaint}", {"reference_name": other.name})
		)
		self.assertEqual(frappe.db.get_value("Complaint", self.complaint, "reference_name"), self.lead.name)

	def test_the_tick_action_still_ticks_as_the_agent(self):
		response = self.agent.call(
			"humane_crm.complaints.actions.tick", name=self.complaint, item=1, note="heard her"
		)
		self.assertEqual(response.status_code, 200, response.data)
		frappe.db.rollback()
		row = frappe.get_doc("Complaint", self.complaint).answers[0]
		self.assertEqual((row.ticked, row.ticked_by), (1, AGENT))
