"""Bad input over HTTP gets a clear 4xx, never a 500, and changes nothing (issue 11).

Every request goes through Frappe's own request handling, as an agent (Sales User) or a Cadence
Manager authenticated by an API key, with the arguments in a JSON body (so a caller can send any
JSON value: an object where a name belongs, a number where a channel belongs, `true`, null). Each
refusal is checked for what a caller notices: the status is 4xx, the message says what was wrong
and what is accepted, a value the caller sent is shown escaped, and the app's tables are exactly as
they were.
"""

import json

import frappe

from humane_crm.complaints import actions
from humane_crm.tests.rest import RestUser
from humane_crm.tests.utils import HumaneTestCase, make_lead, make_user, new_email, new_phone, set_preference

AGENT = "bad.input.agent@example.com"
CADENCE_MANAGER = "bad.input.cadence@example.com"
XSS = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
# What a refusal may change: none of these tables, by a single row or a single timestamp.
WATCHED = (
	"Contact Preference",
	"Contact Preference Key",
	"Contact Attempt",
	"Contact Override",
	"Contact Cadence Rule",
	"Complaint",
	"Complaint Checklist Answer",
	"Held Message",
	"Version",
	"Comment",
)


class Caller(RestUser):
	"""One user over HTTP (humane_crm.tests.rest), whose whitelisted calls send JSON: bad input
	arrives as the nested lists, dicts and numbers a caller really sends."""

	def call(self, method: str, **args):
		return self.post(f"/api/method/{method}", args)


def told(response) -> str:
	"""Everything the caller is told: the server messages, and the exception's own text."""
	body = response.json or {}
	said = [json.loads(m).get("message", "") for m in json.loads(body.get("_server_messages") or "[]")]
	return " ".join([*said, str(body.get("exception") or "")])


def snapshot() -> dict:
	frappe.db.commit()  # a fresh view of what the requests committed
	return {
		doctype: frappe.db.sql(f"select count(*), max(modified) from `tab{doctype}`")[0]
		for doctype in WATCHED
		if frappe.db.table_exists(doctype)
	}


class TestBadInput(HumaneTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		make_user(AGENT, "Sales User")
		make_user(CADENCE_MANAGER, "Sales User", "Cadence Manager")
		cls.agent, cls.manager = Caller(AGENT), Caller(CADENCE_MANAGER)
		cls.email = new_email("bad")
		cls.lead = make_lead("Bea", email=cls.email, mobile_no=new_phone()[0], lead_owner=AGENT)
		frappe.set_user(AGENT)
		set_preference("CRM Lead", cls.lead.name, "Open", reason="Prefers calls", opt_out=["SMS"])
		frappe.set_user("Administrator")
		cls.preference = frappe.get_all(
			"Contact Preference Key", {"identity": cls.email}, pluck="parent", limit=1
		)[0]
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.set_user("Administrator")
		for name in frappe.get_all("Contact Preference Key", {"identity": cls.email}, pluck="parent"):
			frappe.delete_doc("Contact Preference", name, force=True, ignore_permissions=True)
		frappe.delete_doc("CRM Lead", cls.lead.name, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def assertRefused(self, response, *said, http=417):
		"""A 4xx (the given one), saying each of `said`, echoing nothing unescaped."""
		self.assertEqual(response.status_code, http, told(response))
		message = told(response)
		for words in said:
			self.assertIn(words, message)
		self.assertNotIn("<img", response.get_data(as_text=True))
		self.assertNotIn("Traceback", message)
		return message

	def refused(self, caller, method, said, http=417, **args):
		"""Call `method` with `args`; assert the refusal and that nothing changed."""
		before = snapshot()
		preference = frappe.get_doc("Contact Preference", self.preference).as_dict()
		response = caller.call(method, **args)
		message = self.assertRefused(response, *said, http=http)
		self.assertEqual(snapshot(), before, f"{method} changed the database: {message}")
		self.assertEqual(frappe.get_doc("Contact Preference", self.preference).as_dict(), preference)
		return message

	# check_contacts
	# --------------

	def test_check_contacts_refuses_what_is_not_a_list_of_addresses(self):
		method = "humane_crm.api.check_contacts"
		for recipients, said in (
			([["a@example.com"]], "item 1 is a list"),
			([self.email, 14155550100], "item 2 is a number"),
			({"a": "b@example.com"}, "an object was sent"),
			(5, "a number (5) was sent"),
			(True, "true was sent"),
			("[not json", "not valid JSON"),
		):
			with self.subTest(recipients=recipients):
				message = self.refused(self.agent, method, ["Recipients", said], recipients=recipients)
				self.assertIn('["ana@example.com", "+14155550100"]', message)  # what is accepted

	def test_check_contacts_refuses_an_unknown_channel_naming_the_known_ones(self):
		for channel in (5, None, ["Email"], XSS):
			with self.subTest(channel=channel):
				message = self.refused(
					self.agent,
					"humane_crm.api.check_contacts",
					["Unknown channel", "Email, Call, SMS, WhatsApp"],
					recipients=[self.email],
					channel=channel,
				)
		self.assertIn(ESCAPED, message)

	def test_check_contacts_checks_at_most_ten_thousand_recipients_a_call(self):
		recipients = [f"r{i}@example.com" for i in range(10_001)]
		self.refused(
			self.agent,
			"humane_crm.api.check_contacts",
			["10,001 recipients", "at most 10,000", "Split the list"],
			recipients=recipients,
		)

	def test_an_invalid_recipient_is_named_escaped_in_its_answer(self):
		response = self.agent.call("humane_crm.api.check_contacts", recipients=[XSS])
		self.assertEqual(response.status_code, 200)
		answer = response.json["message"][0]
		self.assertEqual((answer["recipient"], answer["outcome"]), (XSS, "invalid"))
		self.assertIn(ESCAPED, answer["summary"])

	def test_an_address_with_a_trailing_dot_is_the_same_person(self):
		response = self.agent.call(
			"humane_crm.api.check_contacts", recipients=[self.email + "."], channel="SMS"
		)
		self.assertEqual(response.status_code, 200, told(response))
		answer = response.json["message"][0]
		self.assertEqual(answer["keys"], [self.email])
		self.assertEqual(answer["outcome"], "block")  # they opted out of SMS

	# check_contact
	# -------------

	def test_check_contact_refuses_a_filter_or_a_number_where_a_name_belongs(self):
		for name, said in (({"name": ["like", "%"]}, "an object was sent"), (42, "a number (42)")):
			with self.subTest(name=name):
				self.refused(
					self.agent,
					"humane_crm.api.check_contact",
					["name must be the name of one CRM Lead", said, "filters are not accepted"],
					doctype="CRM Lead",
					name=name,
				)

	def test_check_contact_refuses_an_unknown_channel(self):
		self.refused(
			self.agent,
			"humane_crm.api.check_contact",
			["Unknown channel", "7", "Email, Call, SMS, WhatsApp"],
			doctype="CRM Lead",
			name=self.lead.name,
			channel=7,
		)

	def test_what_the_caller_sent_is_shown_escaped(self):
		for args, said, http in (
			(dict(doctype=XSS, name=self.lead.name), "is not one of them", 417),
			(dict(doctype="CRM Lead", name=XSS), "not found", 404),
			(dict(doctype="CRM Lead", name=self.lead.name, channel=XSS), "Unknown channel", 417),
		):
			with self.subTest(args=args):
				self.refused(self.agent, "humane_crm.api.check_contact", [said, ESCAPED], http=http, **args)

	def test_the_apps_escaping_is_frappes(self):
		# The sentences are escaped by the app's own `escape_html` (one pass of str.translate, for a
		# mass check's ten thousand names): it must say exactly what Frappe's says.
		from frappe.utils import escape_html as frappes

		from humane_crm.utils.escape import escape_html

		for text in (XSS, "O'Brien & Söhne <ops@x.de>", '"quoted" &amp; done', "", "plain", "🙂<>", None, 7):
			with self.subTest(text=text):
				self.assertEqual(escape_html(text), frappes(text))

	# set_contact_preference
	# ----------------------

	def set_preference(self, said, **args):
		return self.refused(
			self.agent,
			"humane_crm.api.set_contact_preference",
			said,
			**{"doctype": "CRM Lead", "name": self.lead.name, "status": "Paused", **args},
		)

	def test_a_pause_that_is_not_a_date_is_refused_saying_what_a_date_looks_like(self):
		for until in ("yesterday", "2020-13-45", 12345, {"date": "2030-01-01"}):
			with self.subTest(paused_until=until):
				self.set_preference(
					["Paused Until", "is not a date", "YYYY-MM-DD HH:MM:SS"], paused_until=until
				)

	def test_malformed_opt_out_is_refused(self):
		for opt_out, said in (
			('["Email"', "opt_out is not valid JSON"),
			('{"Email": ', "opt_out is not valid JSON"),
			([["Email"]], "item 1 is a list"),
			(5, "opt_out must be a list of text"),
			({"Email": "maybe"}, "must be 1 (opted out) or 0"),
			({"Pigeon": 1}, "Unknown channel"),
			(["Email", XSS], ESCAPED),
		):
			with self.subTest(opt_out=opt_out):
				self.set_preference([said], paused_until="2099-01-01", opt_out=opt_out)

	def test_an_unknown_status_or_source_is_refused_escaped(self):
		self.refused(
			self.agent,
			"humane_crm.api.set_contact_preference",
			["Unknown status", ESCAPED, "Open, Paused, Do Not Contact"],
			doctype="CRM Lead",
			name=self.lead.name,
			status=XSS,
		)
		self.set_preference(["Unknown source", ESCAPED, "Customer, Agent"], source=XSS, paused_until=None)
		self.set_preference(["The reason must be text"], reason=12345, paused_until="2099-01-01")

	def test_opt_out_as_an_object_sets_exactly_the_channels_it_names(self):
		# {"Email": 0} means "not opted out of email" — it used to opt the person out of email.
		frappe.set_user("Administrator")
		email = new_email("flags")
		lead = make_lead("Flo", email=email, lead_owner=AGENT)
		frappe.db.commit()
		try:
			response = self.agent.call(
				"humane_crm.api.set_contact_preference",
				doctype="CRM Lead",
				name=lead.name,
				status="Open",
				opt_out={"Email": 0, "Call": 1},
			)
			self.assertEqual(response.status_code, 200, told(response))
			self.assertEqual(response.json["message"]["outcome"], "allow")  # email is not opted out
			fields = ("opt_out_email", "opt_out_call", "opt_out_sms", "opt_out_whatsapp")
			name = frappe.db.get_value("Contact Preference Key", {"identity": email}, "parent")
			frappe.db.commit()
			self.assertEqual(frappe.db.get_value("Contact Preference", name, fields), (0, 1, 0, 0))
			# As form data (text), and naming one channel: the others stay as they were.
			response = self.agent.call(
				"humane_crm.api.set_contact_preference",
				doctype="CRM Lead",
				name=lead.name,
				status="Open",
				opt_out='{"SMS": "1"}',
			)
			self.assertEqual(response.status_code, 200, told(response))
			frappe.db.commit()
			self.assertEqual(frappe.db.get_value("Contact Preference", name, fields), (0, 1, 1, 0))
		finally:
			for name in frappe.get_all("Contact Preference Key", {"identity": email}, pluck="parent"):
				frappe.delete_doc("Contact Preference", name, force=True, ignore_permissions=True)
			frappe.delete_doc("CRM Lead", lead.name, force=True, ignore_permissions=True)
			frappe.db.commit()

	# override_next_contact
	# ---------------------

	def test_an_override_reason_that_is_not_text_is_refused(self):
		for reason, said in ((12345, "a number (12345)"), (["too", "busy"], "a list")):
			with self.subTest(reason=reason):
				self.refused(
					self.agent,
					"humane_crm.api.override_next_contact",
					["The reason must be text", said],
					doctype="CRM Lead",
					name=self.lead.name,
					channel="Email",
					reason=reason,
				)

	# Contact Cadence Rule
	# --------------------

	def new_rule(self, said, **fields):
		before = snapshot()
		response = self.manager.post(
			"/api/resource/Contact Cadence Rule",
			{"rule_name": f"Bad {frappe.generate_hash(length=6)}", "enabled": 1, **fields},
		)
		message = self.assertRefused(response, *said)
		self.assertEqual(response.json["exc_type"], "InvalidRuleError")
		self.assertEqual(snapshot(), before, message)

	def test_a_rule_with_numbers_no_duration_holds_is_refused_saying_the_limit(self):
		self.new_rule(
			["“Per Window Of” can be at most 3,650 days"],
			max_attempts=3,
			window_length=10**9,
			window_unit="Days",
		)
		self.new_rule(["“Minimum Gap (Hours)” can be at most 87,600 hours"], min_gap_hours=10**12)
		self.new_rule(["“Cool-off (Days)” can be at most 3,650 days"], cool_off_days=10**12)
		self.new_rule(["cannot be below zero"], min_gap_hours=-5)

	def test_a_rule_of_at_most_zero_is_refused_not_saved_without_its_cap(self):
		self.new_rule(
			["“At Most” must be at least 1 attempt", "leave both"],
			max_attempts=0,
			window_length=7,
			window_unit="Days",
			min_gap_hours=24,
		)

	def test_a_rule_echoes_what_was_typed_escaped(self):
		self.new_rule(["Unknown lead or deal status", ESCAPED], min_gap_hours=24, statuses=XSS)
		self.new_rule(["is not a time of day", ESCAPED], allowed_from=XSS, allowed_to="21:00")

	# Complaint checklist
	# -------------------

	def test_ticking_an_item_that_is_not_on_the_checklist_is_refused(self):
		frappe.set_user(AGENT)
		name = actions.open_complaint("CRM Lead", self.lead.name, "The colour ran after one wash")["name"]
		frappe.set_user("Administrator")
		frappe.db.commit()
		try:
			answers = [r.ticked for r in frappe.get_doc("Complaint", name).answers]
			method = "humane_crm.complaints.actions.tick"
			for item, said in (
				(99, ["Checklist item", "does not exist", "items 1 to 6"]),
				(None, ["The checklist item must be a whole number", "null"]),
				("first", ["The checklist item must be a whole number", "first"]),
				(XSS, ["must be a whole number", ESCAPED]),
				(1.5, ["must be a whole number", "1.5"]),
			):
				with self.subTest(item=item):
					self.refused(self.agent, method, said, name=name, item=item, note="done")
			self.refused(self.agent, method, ["There is no complaint", ESCAPED], http=404, name=XSS, item=1)
			self.refused(self.agent, method, ["The complaint must be text"], name={"a": 1}, item=1)
			frappe.db.commit()
			self.assertEqual([r.ticked for r in frappe.get_doc("Complaint", name).answers], answers)
		finally:
			frappe.delete_doc("Complaint", name, force=True, ignore_permissions=True)
			frappe.db.commit()
