"""The decision API and the REST path, as a logged-in agent would use them."""

import json
import os
import subprocess

import frappe
from frappe.utils import get_bench_path, get_test_client

from humane_crm.tests.utils import (
	AGENT,
	HumaneTestCase,
	IntegrationTestCase,
	make_lead,
	make_user,
	new_email,
	new_phone,
	set_preference,
)
from humane_crm.utils import cache

REST_AGENT = "rest.agent@example.com"


class TestCheckContact(HumaneTestCase):
	def test_open_person_is_allowed_and_the_answer_names_their_keys(self):
		from humane_crm.api import check_contact

		typed, _, key = new_phone()
		lead = make_lead("Ana", email=new_email(), mobile_no=typed)
		frappe.set_user(AGENT)
		result = check_contact("CRM Lead", lead.name, "email")
		self.assertEqual((result["allowed"], result["outcome"], result["channel"]), (True, "allow", "Email"))
		self.assertEqual(result["summary"], "You can reach Ana Ruiz now.")
		self.assertEqual(result["keys"], sorted([key, lead.email]))
		self.assertEqual(result["reasons"], [])

	def test_paused_answer_has_reasons_and_next_allowed_time_in_both_zones(self):
		from humane_crm.api import check_contact

		lead = make_lead("Ana", email=new_email())
		frappe.set_user(AGENT)
		result = set_preference(
			"CRM Lead", lead.name, "Paused", paused_until="2099-01-01 09:00:00", reason="Travel"
		)
		self.assertEqual(result["outcome"], "block")
		self.assertEqual([r["kind"] for r in result["reasons"]], ["paused"])
		self.assertIn("Travel", result["reasons"][0]["message"])
		self.assertTrue(result["next_allowed_at"]["site"].startswith("2099-01-01T09:00:00"))
		self.assertIsNotNone(result["next_allowed_at"]["agent"])
		self.assertEqual(check_contact("CRM Lead", lead.name, "Call")["outcome"], "block")

	def test_a_user_who_cannot_read_the_lead_gets_no_answer(self):
		from humane_crm.api import check_contact

		lead = make_lead("Ana", email=new_email())
		frappe.set_user(make_user("outsider@example.com", "Blogger"))
		with self.assertRaises(frappe.PermissionError):
			check_contact("CRM Lead", lead.name, "Email")

	def test_bad_input_gets_a_clear_error(self):
		from humane_crm.api import check_contact

		lead = make_lead("Ana", email=new_email())
		with self.assertRaisesRegex(frappe.ValidationError, "Unknown channel"):
			check_contact("CRM Lead", lead.name, "pigeon")
		with self.assertRaisesRegex(frappe.DoesNotExistError, "not found"):
			check_contact("CRM Lead", "CRM-LEAD-NOPE", "Email")
		with self.assertRaisesRegex(frappe.ValidationError, "not one of them"):
			check_contact("ToDo", "x", "Email")
		with self.assertRaisesRegex(frappe.ValidationError, "Unknown status"):
			set_preference("CRM Lead", lead.name, "Maybe")
		nobody = make_lead("Nobody")
		with self.assertRaisesRegex(frappe.ValidationError, "no email address or phone number"):
			set_preference("CRM Lead", nobody.name, "Do Not Contact")


class TestRest(IntegrationTestCase):
	"""POST /api/resource/Communication and the whitelisted methods over HTTP, as an agent.

	The requests run in their own thread and database connection, so the records they need are
	committed here and removed again afterwards."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		# An agent with a mailbox (Inbox User may create Communications over REST).
		user = frappe.get_doc("User", make_user(REST_AGENT, "Sales User", "Inbox User"))
		cls.api_key, cls.api_secret = (
			user.api_key or frappe.generate_hash(length=15),
			frappe.generate_hash(length=15),
		)
		user.api_key, user.api_secret = cls.api_key, cls.api_secret
		user.save(ignore_permissions=True)
		cls.email = new_email("rest")
		cls.lead = make_lead("Rita", email=cls.email, mobile_no=new_phone()[0])
		frappe.set_user(AGENT)
		set_preference(
			"CRM Lead", cls.lead.name, "Do Not Contact", source="Customer", reason="Asked by email"
		)
		frappe.set_user("Administrator")
		frappe.db.commit()
		cls.client = get_test_client()

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		for name in frappe.get_all("Contact Preference Key", {"identity": cls.email}, pluck="parent"):
			frappe.delete_doc("Contact Preference", name, force=True, ignore_permissions=True)
		frappe.delete_doc("CRM Lead", cls.lead.name, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def request(self, method, path, payload=None):
		from frappe.tests.test_api import make_request

		headers = {"Authorization": f"token {self.api_key}:{self.api_secret}"}
		return make_request(
			target=getattr(self.client, method), args=(path,), kwargs={"json": payload, "headers": headers}
		)

	def test_rest_insert_of_an_email_to_a_do_not_contact_person_is_refused_with_the_explanation(self):
		response = self.request(
			"post",
			"/api/resource/Communication",
			{
				"communication_medium": "Email",
				"sent_or_received": "Sent",
				"subject": "Special offer",
				"content": "Hello Rita, one more offer.",
				"recipients": self.email,
				"reference_doctype": "CRM Lead",
				"reference_name": self.lead.name,
			},
		)
		self.assertEqual(response.status_code, 417)
		body = response.json
		self.assertEqual(body["exc_type"], "DoNotContactError")
		messages = " ".join(json.loads(m)["message"] for m in json.loads(body["_server_messages"]))
		self.assertIn("Do Not Contact", messages)
		self.assertIn("Asked by email", messages)
		self.assertFalse(
			frappe.db.exists("Communication", {"subject": "Special offer", "recipients": self.email})
		)

	def test_email_make_over_http_with_a_placeholder_left_in_is_refused_naming_it(self):
		response = self.request(
			"post",
			"/api/method/frappe.core.doctype.communication.email.make",
			{
				"doctype": "CRM Lead",
				"name": self.lead.name,
				"recipients": self.email,
				"subject": "Hello",
				"content": "<p>Dear %FIRST_NAME%, thank you for your visit.</p>",
				"send_email": 0,
			},
		)
		self.assertEqual(response.status_code, 417)
		self.assertEqual(response.json["exc_type"], "UnfilledPlaceholderError")
		self.assertIn("%FIRST_NAME%", response.json["_server_messages"])

	def test_rest_send_from_a_template_that_asks_for_a_personal_note_is_refused_without_one(self):
		from humane_crm.template_review import four_eyes
		from humane_crm.tests.test_template_review import REVIEWER, THANKS, make_template, rendered

		name = f"Note {frappe.generate_hash(length=6)}"
		make_user(REVIEWER, "Sales User", "Template Reviewer")
		make_template(name, THANKS, humane_requires_personal_note=1)  # written by Administrator
		four_eyes.submit_for_review(name)
		frappe.set_user(REVIEWER)
		four_eyes.approve(name)
		frappe.set_user("Administrator")
		frappe.db.commit()  # the request runs on its own connection
		try:
			response = self.request(
				"post",
				"/api/method/frappe.core.doctype.communication.email.make",
				{
					"doctype": "CRM Lead",
					"name": self.lead.name,
					"recipients": self.email,
					"subject": "Thank you",
					"content": rendered("Rita Ruiz") + "<p>Bye!</p>",
					"send_email": 0,
				},
			)
			self.assertEqual(response.status_code, 417)
			self.assertEqual(response.json["exc_type"], "PersonalNoteRequiredError")
			self.assertIn("at least 40 characters of your own", response.json["_server_messages"])
		finally:
			frappe.delete_doc("Email Template", name, force=True, ignore_permissions=True)
			cache.forget()
			frappe.db.commit()

	def test_check_contact_over_http(self):
		response = self.request(
			"get",
			f"/api/method/humane_crm.api.check_contact?doctype=CRM%20Lead&name={self.lead.name}&channel=call",
		)
		self.assertEqual(response.status_code, 200)
		self.assertEqual(response.json["message"]["outcome"], "block")


class TestBenchCommand(IntegrationTestCase):
	def test_check_prints_the_decision_for_a_person(self):
		frappe.set_user("Administrator")
		email = new_email("cli")
		lead = make_lead("Cleo", email=email)
		set_preference("CRM Lead", lead.name, "Do Not Contact", reason="Asked at the shop")
		frappe.db.commit()
		try:
			bench = get_bench_path()
			out = subprocess.run(
				[
					os.path.join(bench, "env", "bin", "python"),
					"-m",
					"frappe.utils.bench_helper",
					"frappe",
					"--site",
					frappe.local.site,
					"humane-crm",
					"check",
					"CRM Lead",
					lead.name,
					"--channel",
					"call",
				],
				cwd=os.path.join(bench, "sites"),
				capture_output=True,
				text=True,
				timeout=120,
				check=False,
			)
			self.assertEqual(out.returncode, 0, out.stderr)
			self.assertIn(f"CRM Lead {lead.name} · Call: REFUSED", out.stdout)
			self.assertIn("Cleo Ruiz", out.stdout)
			self.assertIn("Asked at the shop", out.stdout)
		finally:
			for name in frappe.get_all("Contact Preference Key", {"identity": email}, pluck="parent"):
				frappe.delete_doc("Contact Preference", name, force=True)
			frappe.delete_doc("CRM Lead", lead.name, force=True)
			frappe.db.commit()


class TestWhatsApp(HumaneTestCase):
	"""frappe_whatsapp is not part of this bench; its doc events are called with the same fields."""

	def test_outgoing_whatsapp_to_a_do_not_contact_number_is_refused(self):
		from humane_crm.events import whatsapp
		from humane_crm.exceptions import DoNotContactError

		typed, other_format, _ = new_phone()
		lead = make_lead("Wes", mobile_no=typed)
		set_preference("CRM Lead", lead.name, "Do Not Contact", reason="no")
		message = frappe._dict(
			doctype="WhatsApp Message",
			type="Outgoing",
			to=other_format,
			reference_doctype="CRM Lead",
			reference_name=lead.name,
			flags=frappe._dict(),
		)
		message.is_new = lambda: True
		with self.assertRaises(DoNotContactError):
			whatsapp.validate(message)
		message.type = "Incoming"
		whatsapp.validate(message)  # inbound is never blocked
