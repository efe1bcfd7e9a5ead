"""Walk-arounds tried over HTTP as an agent would try them: a Sales User restricted by User
Permissions to her own leads, calling the site through Frappe's own request handling with an API
key (humane_crm.tests.rest). Each test goes through a door a Python-level test cannot see:

- a guardrail's cache written behind the app's back (raw SQL, `db.set_value(update_modified=False)`)
  never lets the next send through;
- a refused email keeps the print it asked for, and its release sends it;
- a release the mail server never took is not "Sent", and the releaser is told;
- only a genuine report opens the reply window: a call the agent logs by hand, or a Twilio webhook
  forged without Twilio's signature, does not;
- the site's own mail is untouched: a portal customer's password reset, mail to a colleague, mail
  about another record to someone outside CRM.

Requests run in their own thread and database connection: what they need is committed here, and
removed again afterwards."""

import json
import random
import socket

import frappe

from humane_crm.tests.rest import Guest, RestUser, message_of
from humane_crm.tests.utils import (
	HumaneTestCase,
	make_lead,
	make_lead_card,
	make_user,
	new_email,
	set_preference,
)

AGENT = "tess.trust@example.com"  # a Sales User who may read only her own leads
COLLEAGUE = "cole.trust@example.com"
OUR_NUMBER = "+14155550199"
TWILIO_HANDLER = "/api/method/crm.integrations.twilio.api.twilio_incoming_call_handler"
MAKE = "/api/method/frappe.core.doctype.communication.email.make"


def new_phone() -> str:
	return f"+1 212 {random.randint(200, 989)} {random.randint(1000, 9999)}"


def closed_port() -> int:
	"""A local port nothing listens on: a mail server that is down."""
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


class TrustTestCase(HumaneTestCase):
	"""The restricted agent, her own leads (each one a User Permission), and a site whose outgoing
	mail goes to a server that is down (nothing leaves this machine)."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()  # cadence rules off: these tests do not depend on the time of day
		frappe.set_user("Administrator")
		make_user(AGENT, "Sales User")
		make_user(COLLEAGUE, "Sales User")
		cls.agent = RestUser(AGENT)
		cls.leads, cls.made = [], []
		cls.defaults_were = frappe.get_all("Email Account", {"default_outgoing": 1}, pluck="name")
		for name in cls.defaults_were:
			frappe.db.set_value("Email Account", name, "default_outgoing", 0)
		account = frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": f"Trust {frappe.generate_hash(length=6)}",
				"email_id": f"sales.{frappe.generate_hash(length=6)}@example.com",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "127.0.0.1",
				"smtp_port": closed_port(),
				"use_tls": 0,
				"use_ssl": 0,
				"no_smtp_authentication": 1,
				"awaiting_password": 0,
			}
		)
		account.flags.ignore_validate = True
		account.insert(ignore_permissions=True)
		cls.account = account.name
		frappe.db.commit()

	@classmethod
	def own_lead(cls, first_name: str, **fields):
		from humane_crm.tests.test_trust_data_import import restrict_to

		lead = make_lead(first_name, lead_owner=AGENT, **fields)
		restrict_to(AGENT, lead.name)
		cls.leads.append(lead)
		return lead

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		for lead in cls.leads:
			forget(lead)
		for doctype, name in reversed(cls.made):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		frappe.db.delete("Notification Log", {"for_user": AGENT})
		forget_mail_to(COLLEAGUE)
		frappe.db.delete("Email Account", cls.account)
		for name in cls.defaults_were:
			frappe.db.set_value("Email Account", name, "default_outgoing", 1)
		frappe.db.commit()
		super().tearDownClass()

	def send(self, lead, content: str, **fields):
		"""The agent's email from CRM's composer, over HTTP."""
		return self.agent.post(
			MAKE,
			{
				"doctype": "CRM Lead",
				"name": lead.name,
				"recipients": lead.email,
				"subject": "About your order",
				"content": content,
				"send_email": 1,
				**fields,
			},
		)

	def assertSent(self, response):
		self.assertEqual(response.status_code, 200, message_of(response) or response.text[:300])
		frappe.db.rollback()  # read what the request committed

	def assertRefused(self, response, exc: str):
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertEqual(response.json.get("exc_type"), exc, message_of(response))
		frappe.db.rollback()

	def held_for(self, address: str) -> list[str]:
		return frappe.get_all(
			"Held Message", {"recipients": ("like", f"%{address}%")}, pluck="name", order_by="creation"
		)


def forget(lead) -> None:
	"""Everything the tests and the app wrote about one lead, and its person."""
	name = lead.name
	keys = [k for k in (lead.email, lead.mobile_no) if k]
	from humane_crm.people import identities

	keys = [identities.email_key(k) or identities.phone_key(k) for k in keys]
	persons = frappe.get_all("Contact Preference Key", {"identity": ("in", keys)}, pluck="parent")
	held = frappe.get_all("Held Message", {"reference_name": name}, pluck="name")
	if held:
		frappe.db.delete("File", {"attached_to_doctype": "Held Message", "attached_to_name": ("in", held)})
		frappe.db.delete("Held Message", {"name": ("in", held)})
	for address in filter(None, [lead.email]):
		forget_mail_to(address)
	frappe.db.delete("Communication", {"reference_name": name})
	complaints = frappe.get_all("Complaint", {"reference_name": name}, pluck="name")
	frappe.db.delete("Complaint Checklist Answer", {"parent": ("in", complaints or [""])})
	frappe.db.delete("Complaint", {"reference_name": name})
	frappe.db.delete("CRM Notification", {"reference_name": name})
	for number in filter(None, [lead.mobile_no]):
		frappe.db.delete("CRM Call Log", {"from": number})
		frappe.db.delete("CRM Call Log", {"to": number})
	frappe.db.delete("CRM Call Log", {"reference_docname": name})
	frappe.db.delete("Contact Attempt", {"reference_name": name})
	if persons:
		frappe.db.delete("Contact Attempt", {"person": ("in", persons)})
		frappe.db.delete("Contact Preference Key", {"parent": ("in", persons)})
		frappe.db.delete("Contact Preference", {"name": ("in", persons)})
	frappe.db.delete("User Permission", {"user": AGENT, "allow": "CRM Lead", "for_value": name})
	frappe.delete_doc("CRM Lead", name, force=True, ignore_permissions=True)


def forget_user(name: str) -> None:
	"""Remove a portal user and the Contact Frappe made for them (without User's own on_trash checks)."""
	frappe.db.rollback()
	contacts = frappe.get_all("Contact", {"user": name}, pluck="name")
	for child in ("Contact Email", "Contact Phone", "Dynamic Link"):
		frappe.db.delete(child, {"parenttype": "Contact", "parent": ("in", contacts or [""])})
	frappe.db.delete("Contact", {"name": ("in", contacts or [""])})
	frappe.db.delete("Has Role", {"parent": name, "parenttype": "User"})
	frappe.db.delete("User", name)
	frappe.db.commit()


def forget_mail_to(address: str) -> None:
	queued = frappe.get_all("Email Queue Recipient", {"recipient": address}, pluck="parent")
	if queued:
		frappe.db.delete("Email Queue Recipient", {"parent": ("in", queued)})
		frappe.db.delete("Email Queue", {"name": ("in", queued)})


class TestGuardrailCachesFailClosedOverHTTP(TrustTestCase):
	"""Each gate has looked once (its cache is warm), then a write no doc event sees changes what it
	relies on: the agent's very next send over HTTP meets the stricter gate."""

	WORDS = "Our winter sale ends on Friday: every coat is half price until then."

	def setUp(self):
		super().setUp()
		self.lead = self.own_lead("Nell", email=new_email("nell"))
		template = frappe.get_doc(
			{
				"doctype": "Email Template",
				"name": f"Winter sale {frappe.generate_hash(length=6)}",
				"subject": "Winter",
				"response": self.WORDS,
			}
		).insert()
		frappe.db.set_value("Email Template", template.name, "humane_review_state", "Approved")
		self.template = template.name
		self.addCleanup(
			lambda: (
				frappe.db.rollback(),
				frappe.delete_doc("Email Template", template.name, force=True),
				frappe.db.commit(),
			)
		)
		frappe.db.commit()
		self.assertSent(self.send(self.lead, self.WORDS))  # approved: it goes out, and the cache is warm

	def test_a_template_unapproved_by_raw_sql_is_refused_at_the_next_send(self):
		frappe.db.sql(
			"update `tabEmail Template` set humane_review_state = 'Draft' where name = %s", self.template
		)
		frappe.db.commit()
		self.assertRefused(self.send(self.lead, self.WORDS), "TemplateNotApprovedError")
		self.assertTrue(self.held_for(self.lead.email))  # her draft is kept

	def test_a_personal_note_asked_for_without_a_doc_event_is_asked_at_the_next_send(self):
		frappe.db.set_value(
			"Email Template", self.template, "humane_requires_personal_note", 1, update_modified=False
		)
		frappe.db.commit()
		self.assertRefused(self.send(self.lead, self.WORDS), "PersonalNoteRequiredError")

	def test_a_complaint_reopened_without_a_doc_event_gates_the_next_reply(self):
		from humane_crm.complaints import actions

		frappe.set_user(AGENT)
		complaint = actions.open_complaint("CRM Lead", self.lead.name, "The coat arrived torn")["name"]
		frappe.set_user("Administrator")
		actions.dismiss(complaint, "A question, not a complaint")
		frappe.db.commit()
		reply = "Nell, thank you for writing: the coat is on its way again today."
		self.assertSent(self.send(self.lead, reply))  # dismissed: no checklist, and the gate has looked

		frappe.db.set_value("Complaint", complaint, "status", "Open", update_modified=False)
		frappe.db.commit()
		self.assertRefused(self.send(self.lead, reply + " Sorry!"), "ComplaintChecklistError")


class TestNothingLostOverHTTP(TrustTestCase):
	def setUp(self):
		super().setUp()
		self.lead = self.own_lead("Lia", email=new_email("lia"))
		frappe.db.commit()

	def held(self) -> dict:
		[name] = self.held_for(self.lead.email)
		response = self.agent.get(f"/api/resource/Held Message/{name}")
		self.assertEqual(response.status_code, 200, response.text[:300])
		return response.json["data"]

	def release(self, name: str):
		"""The Held Message form's Release button (frm.call), over HTTP."""
		return self.agent.post(
			"/api/method/run_doc_method", {"dt": "Held Message", "dn": name, "method": "release"}
		)

	def test_a_refused_email_with_a_print_keeps_it_and_its_release_sends_it(self):
		card = make_lead_card()
		self.made.append(("Print Format", card.name))
		frappe.db.commit()

		refused = self.send(
			self.lead,
			"Hi {{ first_name }}, your quote is attached.",
			print_format=card.name,
			print_letterhead=0,
		)
		self.assertRefused(refused, "UnfilledPlaceholderError")
		draft = self.held()
		self.assertEqual((draft["print_format"], draft["print_letterhead"]), (card.name, 0))

		edited = self.agent.put(
			f"/api/resource/Held Message/{draft['name']}", {"content": "Hi Lia, your quote is attached."}
		)
		self.assertEqual(edited.status_code, 200, message_of(edited))
		released = self.release(draft["name"])
		self.assertSent(released)
		sent = frappe.db.get_value("Held Message", draft["name"], "communication")
		[attachments] = frappe.get_all("Email Queue", {"communication": sent}, pluck="attachments")
		prints = [a for a in json.loads(attachments or "[]") if a.get("print_format_attachment")]
		self.assertEqual(
			[(a["print_format"], a["doctype"], a["name"]) for a in prints],
			[(card.name, "CRM Lead", self.lead.name)],
		)

	def test_a_release_the_mail_server_never_took_is_not_sent_and_the_releaser_is_told(self):
		from frappe.email.doctype.email_queue.email_queue import get_email_retry_limit

		from humane_crm.exceptions import MessageHeld

		with self.assertRaises(MessageHeld):  # an automated email (the Administrator session): held
			frappe.get_doc(
				{
					"doctype": "Communication",
					"communication_medium": "Email",
					"sent_or_received": "Sent",
					"subject": "Our news",
					"content": "Lia, the spring collection is in.",
					"recipients": self.lead.email,
					"reference_doctype": "CRM Lead",
					"reference_name": self.lead.name,
				}
			).insert()
		frappe.db.rollback()
		draft = self.held()

		released = self.release(draft["name"])
		self.assertSent(released)
		self.assertEqual(self.held()["status"], "Released")  # queued, not sent

		[queued] = frappe.get_all(
			"Email Queue", {"communication": self.held()["communication"]}, pluck="name"
		)
		frappe.flags.testing_email = True  # really talk SMTP, to a server that is down
		self.addCleanup(lambda: setattr(frappe.flags, "testing_email", False))
		for _attempt in range(get_email_retry_limit() + 1):  # the queue retries, then gives up
			try:  # as Frappe's queue (frappe.email.queue.flush) sends: a failure is logged, not raised
				frappe.get_doc("Email Queue", queued).send()
			except Exception:
				frappe.db.rollback()
			if frappe.db.get_value("Email Queue", queued, "status") == "Error":
				break
			self.assertNotEqual(self.held()["status"], "Sent")
		self.assertEqual(frappe.db.get_value("Email Queue", queued, "status"), "Error")

		after = self.held()
		self.assertEqual((after["status"], after["held_because"]), ("Held", "Release failed: not delivered"))
		told = self.agent.get(
			"/api/resource/Notification Log",
			filters=[["document_name", "=", draft["name"]]],
			fields=["subject"],
		)
		self.assertEqual(told.status_code, 200, told.text[:300])
		self.assertTrue(any("did not take" in row["subject"] for row in told.json["data"]), told.json)


class TestOnlyTheRealPersonOpensTheReplyWindowOverHTTP(TrustTestCase):
	"""A person who asked not to be contacted may be answered when they call us. Only their real
	call opens that window: not one the agent logs, nor one she reports through CRM's Twilio webhook
	without Twilio's signature."""

	def setUp(self):
		super().setUp()
		self.phone = new_phone()
		self.lead = self.own_lead("Cal", mobile_no=self.phone)
		frappe.set_user(AGENT)
		set_preference("CRM Lead", self.lead.name, "Do Not Contact", reason="Asked by phone")
		frappe.set_user("Administrator")
		frappe.db.commit()

	def call_log(self, **fields):
		return self.agent.call(
			"frappe.client.insert",
			doc={
				"doctype": "CRM Call Log",
				"id": frappe.generate_hash(length=12),
				"reference_doctype": "CRM Lead",
				"reference_docname": self.lead.name,
				**fields,
			},
		)

	def call_them(self):
		"""The agent's outgoing call, as CRM writes its log before connecting it."""
		return self.call_log(type="Outgoing", status="Initiated", **{"from": OUR_NUMBER, "to": self.phone})

	def received(self) -> list:
		from humane_crm.people import identities

		person = frappe.db.get_value(
			"Contact Preference Key", {"identity": identities.phone_key(self.phone)}, "parent"
		)
		return frappe.get_all("Contact Attempt", {"person": person, "outcome": "Received"}, pluck="name")

	def twilio_reports_a_call(self, signature=None):
		"""CRM's Twilio webhook, called as Twilio calls it (as Guest); `signature(form)` signs it."""
		form = {
			"CallSid": f"CA{frappe.generate_hash(length=20)}",
			"From": self.phone,
			"To": OUR_NUMBER,
			"Caller": self.phone,
			"CallStatus": "ringing",
		}
		headers = {"X-Twilio-Signature": signature(form)} if signature else {}
		Guest().post_form(TWILIO_HANDLER, form, headers)
		frappe.db.rollback()

	def test_an_incoming_call_the_agent_logs_by_hand_does_not_open_it(self):
		logged = self.call_log(  # as /crm's "Log a call" saves it (frappe.client.insert)
			telephony_medium="Manual",
			type="Incoming",
			status="Completed",
			**{"from": self.phone, "to": OUR_NUMBER},
		)
		self.assertSent(logged)  # kept, as a note
		self.assertFalse(self.received())
		self.assertRefused(self.call_them(), "DoNotContactError")

	def test_a_twilio_webhook_forged_without_twilios_signature_does_not_open_it(self):
		self.twilio_reports_a_call()
		self.assertTrue(frappe.db.exists("CRM Call Log", {"from": self.phone}))  # CRM kept its log
		self.assertFalse(self.received())
		self.assertRefused(self.call_them(), "DoNotContactError")

	def test_a_call_twilio_signed_opens_it(self):
		from frappe.utils.password import set_encrypted_password
		from twilio.request_validator import RequestValidator

		from humane_crm.permissions.webhooks import twilio_settings

		token = frappe.generate_hash(length=32)
		settings = twilio_settings()
		if frappe.db.exists("__Auth", {"doctype": settings}) or frappe.db.get_single_value(
			settings, "enabled"
		):
			self.skipTest("this site has Twilio set up: its credentials are not for a test to touch")
		was = frappe.db.get_single_value(settings, "account_sid")
		frappe.db.set_single_value(settings, {"enabled": 1, "account_sid": "AC" + "0" * 32})
		for field, secret in (("auth_token", token), ("api_secret", "not-used")):
			set_encrypted_password(settings, settings, secret, field)
		frappe.db.commit()
		self.addCleanup(
			lambda: (
				frappe.db.set_single_value(settings, {"enabled": 0, "account_sid": was}),
				frappe.db.delete("__Auth", {"doctype": settings}),
				frappe.db.commit(),
			)
		)

		def signed(form):
			url = f"http://localhost{TWILIO_HANDLER}"  # the address the request is made to
			return RequestValidator(token).compute_signature(url, form)

		self.twilio_reports_a_call(signature=lambda form: "bm90IHR3aWxpbydz")
		self.assertFalse(self.received())  # a wrong signature is no signature
		self.twilio_reports_a_call(signature=signed)
		self.assertTrue(self.received())
		self.assertSent(self.call_them())  # answering their call: allowed


class TestTheSitesOwnMailOverHTTP(TrustTestCase):
	"""Mail that is not CRM outreach is never governed, whoever asks for it. (Mail goes to a local
	SMTP sink here: Frappe sends a password reset at once.)"""

	def setUp(self):
		from humane_crm.tests.test_customer_voice import Sink

		super().setUp()
		self.sink = Sink()
		self.addCleanup(self.sink.stop)
		frappe.db.set_value("Email Account", self.account, "smtp_port", self.sink.port)
		frappe.clear_document_cache("Email Account", self.account)
		self.lead = self.own_lead("Pia", email=new_email("pia"))
		frappe.set_user(AGENT)
		set_preference("CRM Lead", self.lead.name, "Do Not Contact", reason="Asked by phone")
		frappe.set_user("Administrator")
		limit = frappe.db.get_single_value("System Settings", "password_reset_limit")
		frappe.db.set_single_value("System Settings", "password_reset_limit", 1000)  # tests run often
		self.addCleanup(
			lambda: (
				frappe.db.set_single_value("System Settings", "password_reset_limit", limit),
				frappe.db.commit(),
			)
		)
		frappe.db.commit()

	def queued_to(self, address: str) -> int:
		return frappe.db.count("Email Queue Recipient", {"recipient": address})

	def test_a_portal_customer_in_crm_gets_their_password_reset_and_nobody_else_reads_it(self):
		# A customer of an ERPNext or Helpdesk portal who is also a lead that asked not to be contacted
		portal = frappe.get_doc(
			{
				"doctype": "User",
				"email": self.lead.email,
				"first_name": "Pia",
				"user_type": "Website User",
				"send_welcome_email": 0,
			}
		).insert(ignore_permissions=True)
		self.addCleanup(forget_user, portal.name)
		frappe.db.commit()

		asked = Guest().post_form(
			"/api/method/frappe.core.doctype.user.user.reset_password", {"user": self.lead.email}
		)
		self.assertSent(asked)
		self.assertEqual(self.queued_to(self.lead.email), 1)
		self.assertFalse(self.held_for(self.lead.email))  # the reset link is kept for no agent
		self.assertIn("Password Reset", self.sink.messages()[self.lead.email]["subject"])

	def test_mail_to_a_colleague_about_her_own_lead_is_untouched(self):
		before = self.queued_to(COLLEAGUE)
		response = self.agent.post(
			MAKE,
			{
				"doctype": "CRM Lead",
				"name": self.lead.name,
				"recipients": COLLEAGUE,
				"subject": "Pia Ruiz",
				"content": "Cole, Pia asked not to be contacted; please do not call her.",
				"send_email": 1,
			},
		)
		self.assertSent(response)
		self.assertEqual(self.queued_to(COLLEAGUE), before + 1)
		self.assertFalse(frappe.db.exists("Contact Preference Key", {"identity": COLLEAGUE}))

	def test_mail_about_her_to_do_to_someone_outside_crm_is_untouched(self):
		todo = frappe.get_doc(
			{"doctype": "ToDo", "description": "Renew the lease", "allocated_to": AGENT, "owner": AGENT}
		).insert(ignore_permissions=True)
		self.made.append(("ToDo", todo.name))
		frappe.db.commit()
		landlord = new_email("landlord")
		response = self.agent.post(
			MAKE,
			{
				"doctype": "ToDo",
				"name": todo.name,
				"recipients": landlord,
				"subject": "The lease",
				"content": "Hello, we would like to renew the lease.",
				"send_email": 1,
			},
		)
		self.assertSent(response)
		self.assertEqual(self.queued_to(landlord), 1)
		self.assertFalse(self.held_for(landlord))
		self.assertFalse(frappe.db.exists("Contact Preference Key", {"identity": landlord}))
		forget_mail_to(landlord)
		frappe.db.delete("Communication", {"reference_name": todo.name})
		frappe.db.commit()

	def test_mail_about_her_to_do_to_the_person_who_asked_not_to_be_contacted_is_refused(self):
		todo = frappe.get_doc(
			{"doctype": "ToDo", "description": "Call back", "allocated_to": AGENT, "owner": AGENT}
		).insert(ignore_permissions=True)
		self.made.append(("ToDo", todo.name))
		frappe.db.commit()
		response = self.agent.post(
			MAKE,
			{
				"doctype": "ToDo",
				"name": todo.name,
				"recipients": self.lead.email,
				"subject": "Hello",
				"content": "Pia, a quick hello from the shop.",
				"send_email": 1,
			},
		)
		self.assertRefused(response, "DoNotContactError")
		self.assertEqual(self.queued_to(self.lead.email), 0)
		frappe.db.delete("Held Message", {"reference_name": todo.name})
		frappe.db.commit()


class TestTheSameMailboxWrittenAnotherWayOverHTTP(TrustTestCase):
	"""A Do Not Contact on dora.x@gmail.com is not walked around by a "+tag" or by Gmail's dots."""

	def setUp(self):
		super().setUp()
		self.local = f"dora.{frappe.generate_hash(length=6)}"
		self.lead = self.own_lead("Dora", email=f"{self.local}@gmail.com")
		frappe.set_user(AGENT)
		set_preference("CRM Lead", self.lead.name, "Do Not Contact", reason="Asked by phone")
		frappe.set_user("Administrator")
		frappe.db.commit()

	def test_the_same_mailbox_written_another_way_is_refused_on_her_lead_and_elsewhere(self):
		todo = frappe.get_doc(
			{"doctype": "ToDo", "description": "Follow up", "allocated_to": AGENT, "owner": AGENT}
		).insert(ignore_permissions=True)
		self.made.append(("ToDo", todo.name))
		frappe.db.commit()
		written = (
			f"{self.local}+news@gmail.com",
			f"{self.local.replace('.', '')}@gmail.com",
			f"{self.local.title()}+2@googlemail.com",
		)
		for address in written:
			for doctype, name in (("CRM Lead", self.lead.name), ("ToDo", todo.name)):
				with self.subTest(address=address, about=doctype):
					response = self.agent.post(
						MAKE,
						{
							"doctype": doctype,
							"name": name,
							"recipients": address,
							"subject": "Hello again",
							"content": "Dora, a quick hello from the shop.",
							"send_email": 1,
						},
					)
					self.assertRefused(response, "DoNotContactError")
					self.assertFalse(
						frappe.db.exists("Email Queue Recipient", {"recipient": address.lower()})
					)
		frappe.db.delete("Held Message", {"reference_name": todo.name})
		frappe.db.commit()

	def test_checking_the_mailbox_written_another_way_says_what_a_send_would(self):
		written = [f"{self.local}+news@gmail.com", f"{self.local.replace('.', '')}@googlemail.com"]
		response = self.agent.post(
			"/api/method/humane_crm.api.check_contacts", {"recipients": written, "channel": "Email"}
		)
		self.assertEqual(response.status_code, 200, message_of(response))
		answers = response.json["message"]
		self.assertEqual([a["allowed"] for a in answers], [False, False])
		self.assertEqual(
			[a["summary"] for a in answers], ["Do not contact Dora Ruiz (set by Tess Trust)."] * 2
		)
