"""Where the app's boundary lies: every email to a CRM person is decided where mail leaves, only a
genuinely inbound message opens the reply window, and nothing outside CRM outreach is touched.

The door tests go through Frappe's own request handling as a Sales User with an API key: the
requests run in their own thread and database connection, so what they need is committed here and
removed again afterwards."""

import frappe
from frappe.core.doctype.communication.email import make

from humane_crm.exceptions import DoNotContactError
from humane_crm.tests.utils import (
	IntegrationTestCase,
	make_lead,
	make_lead_card,
	make_user,
	send_email,
	set_preference,
)

AGENT = "door.agent@example.com"
ADMIN_HUMAN = "sys.admin.person@example.com"  # a person with System Manager, not the Administrator

# email.make shapes that Frappe sends (send_email=1) though they are not "an outbound email"
OTHER_SHAPES = (
	{"sent_or_received": "Received"},
	{"communication_medium": "Phone"},
	{"communication_medium": ""},
	{"communication_type": "Notification"},
	{"communication_type": "Comment"},
	{"communication_type": "Feedback"},
	{"communication_type": "Chat"},
)


def new_email(tag: str) -> str:
	return f"{tag}.{frappe.generate_hash(length=8)}@example.com"


def queued_to(address: str) -> int:
	return frappe.db.count("Email Queue Recipient", {"recipient": address})


def ledger(address: str, outcome: str | None = None) -> list[dict]:
	person = frappe.db.get_value("Contact Preference Key", {"identity": address}, "parent")
	if not person:
		return []
	filters = {"person": person, **({"outcome": outcome} if outcome else {})}
	return frappe.get_all("Contact Attempt", filters, ["outcome", "direction", "source_doctype"])


class OverHTTP(IntegrationTestCase):
	"""A Sales User with an API key (humane_crm.tests.rest), and a lead whose person asked not to be
	contacted."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		from humane_crm.tests.rest import RestUser

		frappe.set_user("Administrator")
		cls.agent = RestUser(make_user(AGENT, "Sales User"))
		cls.email = new_email("dnc.door")
		cls.lead = make_lead("Dora", email=cls.email, lead_owner=AGENT)
		frappe.set_user(AGENT)
		set_preference(
			"CRM Lead", cls.lead.name, "Do Not Contact", source="Customer", reason="Asked by phone"
		)
		frappe.set_user("Administrator")
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		for name in frappe.get_all("Contact Preference Key", {"identity": cls.email}, pluck="parent"):
			frappe.delete_doc("Contact Preference", name, force=True, ignore_permissions=True)
		frappe.db.delete("Held Message", {"reference_name": cls.lead.name})
		frappe.db.delete("Communication", {"reference_name": cls.lead.name})
		frappe.delete_doc("CRM Lead", cls.lead.name, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def make(self, **fields):
		return self.agent.post(
			"/api/method/frappe.core.doctype.communication.email.make",
			{
				"doctype": "CRM Lead",
				"name": self.lead.name,
				"recipients": self.email,
				"subject": "A quick question",
				"content": "Dora, do you still want the catalogue?",
				"send_email": 1,
				**fields,
			},
		)


class TestEveryDoorOverHTTP(OverHTTP):
	def test_every_shape_of_email_make_to_a_do_not_contact_person_is_refused_where_mail_leaves(self):
		for shape in OTHER_SHAPES:
			with self.subTest(**shape):
				blocked_before = len(ledger(self.email, "Blocked"))
				response = self.make(**shape)
				frappe.db.rollback()  # see what the request committed
				self.assertEqual(response.status_code, 417, response.text[:300])
				self.assertIn("DoNotContactError", response.text)
				self.assertEqual(queued_to(self.email), 0, "an email to a Do-Not-Contact person was queued")
				self.assertEqual(len(ledger(self.email, "Blocked")), blocked_before + 1)

	def test_a_received_row_an_agent_types_in_does_not_open_the_reply_window(self):
		forged = self.make(sender=self.email, sent_or_received="Received", send_email=0)
		frappe.db.rollback()
		self.assertEqual(forged.status_code, 200, forged.text[:300])  # kept, as a note
		self.assertFalse(ledger(self.email, "Received"))

		response = self.make()  # the usual reply, right after
		frappe.db.rollback()
		self.assertEqual(response.status_code, 417, response.text[:300])
		self.assertIn("DoNotContactError", response.text)
		self.assertEqual(queued_to(self.email), 0)


class TestAnsweringSomeoneWhoAskedNotToBeContacted(OverHTTP):
	def test_the_answer_says_their_wish_first_and_to_answer_only_what_they_asked(self):
		from humane_crm.tests.utils import receive_email

		receive_email("CRM Lead", self.lead.name, self.email, "Could you resend last month's invoice?")
		frappe.db.commit()
		response = self.agent.get(
			"/api/method/humane_crm.api.check_contact", doctype="CRM Lead", name=self.lead.name
		)
		self.assertEqual(response.status_code, 200, response.text[:300])
		answer = response.json["message"]
		self.assertEqual(answer["outcome"], "exempt")
		sentences = [r["message"] for r in answer["reasons"]]
		self.assertIn("asked not to be contacted", sentences[0])
		self.assertIn("only that: reply to what they asked", sentences[1])


class TestOnlyCRMOutreach(IntegrationTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		make_user(AGENT, "Sales User")
		make_user(ADMIN_HUMAN, "System Manager", "Sales Manager")
		self.email = new_email("dnc.scope")
		self.lead = make_lead("Sara", email=self.email, lead_owner=AGENT)
		frappe.set_user(AGENT)
		set_preference("CRM Lead", self.lead.name, "Do Not Contact", reason="Asked by phone")
		self.todo = frappe.get_doc({"doctype": "ToDo", "description": "Renew the lease"}).insert(
			ignore_permissions=True
		)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_crms_own_mail_to_a_colleague_about_a_lead_is_sent_not_held(self):
		frappe.set_user("Administrator")  # no person behind it: would be held if it were outreach
		before = queued_to(AGENT)  # CRM itself already mailed them about the assignment
		frappe.sendmail(
			recipients=[AGENT],
			subject="A lead was assigned to you",
			message="Sara Ruiz is yours now.",
			reference_doctype="CRM Lead",
			reference_name=self.lead.name,
		)
		self.assertEqual(queued_to(AGENT), before + 1)
		self.assertFalse(frappe.db.exists("Held Message", {"recipients": ("like", f"%{AGENT}%")}))

	def test_a_lead_with_a_portal_login_is_still_governed(self):
		frappe.set_user("Administrator")
		frappe.get_doc(  # the customer of an ERPNext or Helpdesk portal: a Website User, not a colleague
			{
				"doctype": "User",
				"email": self.email,
				"first_name": "Sara",
				"user_type": "Website User",
				"send_welcome_email": 0,
			}
		).insert(ignore_permissions=True)
		frappe.set_user(AGENT)
		with self.assertRaises(DoNotContactError):
			send_email("CRM Lead", self.lead.name, self.email, "Sara, a quick hello.", subject="Hello")

	def test_which_recipients_are_colleagues_is_read_by_an_index_not_a_scan_of_every_user(self):
		# Asked on every send; Frappe has no index on User's email, and a portal site has tens of
		# thousands of Website Users. (A table of a few users is scanned whatever its indexes: what
		# MariaDB may use is what is asserted.)
		from humane_crm.people import identities, scope

		by_email = {
			r.Key_name
			for r in frappe.db.sql(
				"show index from `tabUser` where Column_name = 'email' and Seq_in_index = 1", as_dict=True
			)
		}
		self.assertTrue(by_email)
		addresses = (AGENT, self.email)
		send = identities._send_statement("CRM Lead", self.lead.name, addresses, [self.email], None)
		for statement, values in ((scope.COLLEAGUES, [addresses]), send[:2]):
			plan = frappe.db.sql(f"explain {statement}", values, as_dict=True)
			[users] = [row for row in plan if row.table == "u"]
			self.assertTrue(by_email & set((users.possible_keys or "").split(",")), users)

	def test_mail_about_other_records_to_people_outside_crm_is_untouched(self):
		outsider = new_email("tenant")
		frappe.set_user("Administrator")
		frappe.sendmail(
			recipients=[outsider],
			subject="Your lease",
			message="Please renew.",
			reference_doctype="ToDo",
			reference_name=self.todo.name,
		)
		frappe.set_user(ADMIN_HUMAN)
		send_email("ToDo", self.todo.name, outsider, "A reminder.", subject="Your lease", send=True)
		self.assertEqual(queued_to(outsider), 2)
		self.assertFalse(frappe.db.exists("Held Message", {"recipients": ("like", f"%{outsider}%")}))
		self.assertFalse(frappe.db.exists("Contact Preference Key", {"identity": outsider}))

	def test_mail_about_another_record_to_a_crm_person_is_still_governed(self):
		frappe.set_user(ADMIN_HUMAN)
		with self.assertRaises(DoNotContactError):
			send_email("ToDo", self.todo.name, self.email, "A reminder.", subject="Your lease", send=True)

	def test_the_ledger_never_stops_a_communication_being_deleted(self):
		frappe.set_user("Administrator")
		any_hour(self)  # put back explicitly: deleting a Communication runs a job that commits
		open_email = new_email("open.scope")
		lead = make_lead("Olga", email=open_email, lead_owner=AGENT)
		frappe.set_user(AGENT)
		comm = make(
			doctype="CRM Lead",
			name=lead.name,
			recipients=open_email,
			subject="Hello",
			content="Olga, here is the quote you asked for.",
			send_email=False,
		)["name"]
		self.assertEqual([r.source_doctype for r in ledger(open_email)], ["Communication"])

		frappe.set_user("Administrator")
		frappe.delete_doc("Communication", comm)

		self.assertFalse(frappe.db.exists("Communication", comm))
		self.assertEqual(len(ledger(open_email)), 1)  # it counted, and it still counts


class TestCountThePersonNotTheRecord(IntegrationTestCase):
	def setUp(self):
		from crm.fcrm.doctype.crm_lead.crm_lead import convert_to_deal

		frappe.set_user("Administrator")
		make_user(AGENT, "Sales User")
		self.email = new_email("two.deals")
		self.lead = make_lead("Tomas", email=self.email, lead_owner=AGENT)
		self.deals = [convert_to_deal(self.lead.name)]
		second = make_lead("Tomas", email=self.email, lead_owner=AGENT)
		self.deals.append(convert_to_deal(second.name))
		self.contact = frappe.db.get_value("Contact Email", {"email_id": self.email}, "parent")
		frappe.set_user(AGENT)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def touch(self, deal: str, days_ago: float):
		from frappe.utils import add_to_date, now_datetime

		from humane_crm.people import ledger
		from humane_crm.people.identities import keys_of

		ledger.record(
			keys_of([self.email]),
			"Email",
			"Outbound",
			"Allowed",
			reference=("CRM Deal", deal),
			agent=AGENT,
			at=add_to_date(now_datetime(), days=-days_ago),
		)

	def test_three_touches_on_two_deals_cap_an_email_filed_on_the_persons_contact(self):
		from humane_crm import api
		from humane_crm.exceptions import ContactLimitError

		self.touch(self.deals[0], 5)
		self.touch(self.deals[1], 3)
		self.touch(self.deals[0], 2)

		answer = api.check_contact("Contact", self.contact)
		self.assertEqual(answer["outcome"], "block", answer)
		with self.assertRaises(ContactLimitError):
			send_email(
				"Contact",
				self.contact,
				self.email,
				"Tomas, one more thing about the quote.",
				subject="One more thing",
			)

	def test_a_rule_for_deals_in_a_status_speaks_when_the_email_is_filed_on_the_lead(self):
		from humane_crm.exceptions import ContactLimitError

		frappe.set_user("Administrator")
		frappe.db.set_value("CRM Deal", self.deals[0], "status", "Negotiation")
		frappe.get_doc(
			{
				"doctype": "Contact Cadence Rule",
				"rule_name": "Negotiating: one touch a week",
				"enabled": 1,
				"applies_to": "CRM Deal",
				"statuses": "Negotiation",
				"channel": "Any",
				"max_attempts": 1,
				"window_length": 7,
				"window_unit": "Days",
				"enforcement": "Block",
			}
		).insert()
		self.touch(self.deals[1], 2)
		frappe.set_user(AGENT)
		with self.assertRaises(ContactLimitError) as refused:
			send_email(
				"CRM Lead",
				self.lead.name,
				self.email,
				"Tomas, checking in about the quote.",
				subject="Checking in",
			)
		self.assertIn("Negotiating: one touch a week", str(refused.exception))


class TestGuardrailCachesFailClosed(IntegrationTestCase):
	"""A write that no doc event sees (a direct insert, another process, a migration) must not leave
	a guardrail looking at a stale, looser picture."""

	def setUp(self):
		from humane_crm.complaints import reply_gate
		from humane_crm.template_review import message_check

		frappe.set_user("Administrator")
		make_user(AGENT, "Sales User")
		self.email = new_email("stale")
		self.lead = make_lead("Nora", email=self.email, lead_owner=AGENT)
		message_check.known_templates()  # both gates have looked once: whatever they cache is warm
		reply_gate.any_open()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def send(self, content: str):
		frappe.set_user(AGENT)
		return send_email("CRM Lead", self.lead.name, self.email, content, subject="Spring")

	def test_a_template_written_behind_the_apps_back_is_still_known(self):
		from frappe.utils import now_datetime

		from humane_crm.exceptions import TemplateNotApprovedError

		template = frappe.get_doc(
			{
				"doctype": "Email Template",
				"name": f"Spring sale {frappe.generate_hash(length=5)}",
				"subject": "Spring",
				"response": "Our spring sale ends on Friday: every coat is half price until then.",
				"humane_review_state": "Draft",
			}
		)
		template.creation = template.modified = now_datetime()
		template.db_insert()  # no doc event: nothing clears a cache

		with self.assertRaises(TemplateNotApprovedError):
			self.send("Our spring sale ends on Friday: every coat is half price until then.")

	def test_a_complaint_opened_behind_the_apps_back_still_gates_the_reply(self):
		from frappe.utils import now_datetime

		from humane_crm.exceptions import ComplaintChecklistError

		complaint = frappe.get_doc(
			{
				"doctype": "Complaint",
				"summary": "Charged twice",
				"status": "Open",
				"reference_doctype": "CRM Lead",
				"reference_name": self.lead.name,
				"answers": [{"prompt": "Acknowledge the frustration in their own words", "required": 1}],
			}
		)
		complaint.name = f"COMPLAINT-{frappe.generate_hash(length=6)}"
		complaint.creation = complaint.modified = now_datetime()
		complaint.db_insert()
		for row in complaint.answers:
			row.parent, row.parenttype, row.parentfield = complaint.name, "Complaint", "answers"
			row.name = frappe.generate_hash(length=10)
			row.db_insert()

		with self.assertRaises(ComplaintChecklistError):
			self.send("Nora, I am so sorry about the double charge; here is what happens next.")


class TestNobodyFlooded(IntegrationTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		make_user(AGENT, "Sales User")
		self.email = new_email("flood")
		self.lead = make_lead("Fia", email=self.email, lead_owner=AGENT)
		frappe.set_user(AGENT)
		set_preference("CRM Lead", self.lead.name, "Do Not Contact", reason="Asked by phone")
		frappe.db.commit()  # refusals roll back to here, then keep their drafts

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.delete("Held Message", {"reference_name": self.lead.name})
		frappe.db.delete("CRM Notification", {"reference_name": self.lead.name})
		frappe.db.delete("Notification Log", {"for_user": AGENT, "document_type": "Held Message"})
		for name in frappe.get_all("Contact Preference Key", {"identity": self.email}, pluck="parent"):
			frappe.delete_doc("Contact Preference", name, force=True, ignore_permissions=True)
		frappe.delete_doc("CRM Lead", self.lead.name, force=True, ignore_permissions=True)
		frappe.db.commit()

	def refuse(self, content: str, times: int):
		for _ in range(times):
			frappe.set_user(AGENT)
			with self.assertRaises(DoNotContactError):
				send_email("CRM Lead", self.lead.name, self.email, content, subject="Still interested?")
			frappe.db.rollback()  # what Frappe does with a refused request

	def test_the_same_draft_refused_again_and_again_is_one_draft_and_one_notification(self):
		self.refuse("Fia, are you still interested in the blue coat?", 25)
		self.refuse("Fia, one more try: the blue coat is back.", 5)
		mine = {
			"reference_name": self.lead.name,
			"recipients": ("like", f"%{self.email}%"),
		}  # names are reused
		held = frappe.get_all("Held Message", mine, pluck="name")
		self.assertEqual(len(held), 2)  # two different drafts, each kept once
		ours = {"notification_type_doctype": "Held Message", "notification_type_doc": ("in", held)}
		self.assertEqual(frappe.db.count("CRM Notification", ours), 1)  # CRM's own are not counted
		self.assertEqual(
			frappe.db.count(
				"Notification Log",
				{
					"for_user": AGENT,
					"document_type": "Held Message",
					"document_name": ("in", held),
				},
			),
			1,
		)


def any_hour(case: IntegrationTestCase) -> None:
	"""Let this test's sends go out whatever the hour (the daytime rule off; put back after)."""
	daytime = frappe.get_doc("Contact Cadence Rule", "Daytime, Monday to Saturday")
	daytime.enabled = 0
	daytime.save()

	def put_back():  # committed: a test that commits midway must not leave the rule off
		frappe.set_user("Administrator")
		frappe.get_doc(daytime.doctype, daytime.name).update({"enabled": 1}).save()
		frappe.db.commit()

	case.addCleanup(put_back)


class TestNothingLost(IntegrationTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		make_user(AGENT, "Sales User")
		any_hour(self)
		self.email = new_email("lost")
		self.lead = make_lead("Lia", email=self.email, lead_owner=AGENT)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def held(self) -> "frappe.model.document.Document":
		mine = {
			"reference_name": self.lead.name,
			"recipients": ("like", f"%{self.email}%"),
		}  # names are reused
		[name] = frappe.get_all("Held Message", mine, pluck="name")
		return frappe.get_doc("Held Message", name)

	def test_a_refused_email_with_a_print_keeps_what_was_asked_for_and_sends_the_pdf_on_release(self):
		import json

		from humane_crm.exceptions import UnfilledPlaceholderError

		card = make_lead_card()
		frappe.db.commit()  # the refusal rolls back to here, then keeps the draft
		self.addCleanup(
			lambda: (frappe.delete_doc("Print Format", card.name, force=True), frappe.db.commit())
		)
		frappe.set_user(AGENT)
		with self.assertRaises(UnfilledPlaceholderError):
			send_email(
				"CRM Lead",
				self.lead.name,
				self.email,
				"Hi {{ first_name }}, your quote is attached.",
				subject="Your quote",
				send=True,
				print_format=card.name,
				print_letterhead=False,
			)
		frappe.db.rollback()
		draft = self.held()
		self.assertEqual((draft.print_format, draft.print_letterhead), (card.name, 0))

		draft.content = "Hi Lia, your quote is attached."
		draft.save()
		sent = draft.release()["communication"]
		# Frappe's queue renders a print when it sends the email: the queued entry asks for this one
		[attachments] = frappe.get_all("Email Queue", {"communication": sent}, pluck="attachments")
		prints = [a for a in json.loads(attachments or "[]") if a.get("print_format_attachment")]
		self.assertEqual(
			[(a["print_format"], a["doctype"], a["name"]) for a in prints],
			[(card.name, "CRM Lead", self.lead.name)],
		)
		frappe.db.delete("Held Message", {"reference_name": self.lead.name})
		frappe.db.commit()

	def released_by_the_agent(self) -> tuple:
		"""An automated email held, then released by the agent: (the held message, its queue entry)."""
		from humane_crm.exceptions import MessageHeld

		with self.assertRaises(MessageHeld):  # the Administrator session is nobody: held
			send_email(
				"CRM Lead",
				self.lead.name,
				self.email,
				"Lia, the spring collection is in.",
				subject="Our news",
				send=True,
			)
		frappe.set_user(AGENT)
		released = self.held()
		sent = released.release()["communication"]
		released.reload()
		self.assertEqual(released.status, "Released")  # queued: not yet "sent"
		[queued] = frappe.get_all("Email Queue", {"communication": sent}, pluck="name")
		return released, queued

	def test_a_release_the_mail_server_never_took_is_held_again_and_the_releaser_told(self):
		released, queued = self.released_by_the_agent()

		frappe.get_doc("Email Queue", queued).update_status(
			status="Error"
		)  # as the queue does when SMTP fails

		released.reload()
		self.assertEqual(released.status, "Held")
		self.assertEqual(released.held_because, "Release failed: not delivered")
		told = frappe.get_all(
			"Notification Log", {"for_user": AGENT, "document_name": released.name}, pluck="subject"
		)
		self.assertTrue(any("did not take" in t for t in told), told)

	def test_a_release_is_sent_once_the_mail_server_took_it(self):
		released, queued = self.released_by_the_agent()
		frappe.get_doc("Email Queue", queued).update_status(status="Sent")
		released.reload()
		self.assertEqual(released.status, "Sent")


class TestOnlyThePersonOpensTheReplyWindow(IntegrationTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		make_user(AGENT, "Sales User")
		self.phone = f"+1 212 555 {frappe.utils.cint(frappe.generate_hash(length=4), 16) % 9000 + 1000}"
		self.lead = make_lead("Cal", mobile_no=self.phone, lead_owner=AGENT)
		frappe.set_user(AGENT)
		set_preference("CRM Lead", self.lead.name, "Do Not Contact", reason="Asked by phone")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_an_incoming_call_an_agent_logs_by_hand_does_not_open_the_reply_window(self):
		from humane_crm.tests.utils import make_call

		log = frappe.get_doc(  # as /crm's "Log a call" saves it, in the agent's session
			{
				"doctype": "CRM Call Log",
				"id": frappe.generate_hash(length=12),
				"type": "Incoming",
				"status": "Completed",
				"from": self.phone,
				"to": "+14155550199",
				"reference_doctype": "CRM Lead",
				"reference_docname": self.lead.name,
			}
		).insert(ignore_permissions=True)
		self.assertTrue(frappe.db.exists("CRM Call Log", log.name))  # kept, as a note
		with self.assertRaises(DoNotContactError):
			make_call("CRM Lead", self.lead.name, self.phone)

		make_call("CRM Lead", self.lead.name, self.phone, status="Ringing", type="Incoming")  # the webhook
		self.assertTrue(make_call("CRM Lead", self.lead.name, self.phone).name)  # answering them: allowed


class TestFrappesOwnUnsubscribe(IntegrationTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.email = new_email("unsub")
		self.lead = make_lead("Uma", email=self.email)
		self.todo = frappe.get_doc({"doctype": "ToDo", "description": "Renew"}).insert(
			ignore_permissions=True
		)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def unsubscribe(self, email: str, **about):
		frappe.get_doc({"doctype": "Email Unsubscribe", "email": email, **about}).insert(
			ignore_permissions=True
		)

	def opted_out_of_email(self, email: str):
		person = frappe.db.get_value("Contact Preference Key", {"identity": email}, "parent")
		return person and frappe.db.get_value("Contact Preference", person, "opt_out_email")

	def test_an_unsubscribe_from_another_document_is_frappes_alone(self):
		outsider = new_email("tenant")
		self.unsubscribe(outsider, reference_doctype="ToDo", reference_name=self.todo.name)
		self.unsubscribe(self.email, reference_doctype="ToDo", reference_name=self.todo.name)
		self.assertFalse(frappe.db.exists("Contact Preference Key", {"identity": outsider}))  # nobody new
		self.assertFalse(self.opted_out_of_email(self.email))  # "not about this to-do" is not "no email"

	def test_a_global_unsubscribe_by_a_crm_person_opts_them_out_of_email(self):
		self.unsubscribe(self.email, global_unsubscribe=1)
		self.assertEqual(self.opted_out_of_email(self.email), 1)


class TestCountThePersonOverHTTP(IntegrationTestCase):
	"""Walk-around 5 as an agent would try it: the person's Contact, over HTTP."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		from crm.fcrm.doctype.crm_lead.crm_lead import convert_to_deal
		from frappe.utils import add_to_date, now_datetime

		from humane_crm.people import ledger
		from humane_crm.people.identities import keys_of
		from humane_crm.tests.rest import RestUser

		frappe.set_user("Administrator")
		cls.agent = RestUser(make_user(AGENT, "Sales User"))
		cls.email = new_email("two.deals.http")
		cls.leads = [make_lead("Tomas", email=cls.email, lead_owner=AGENT) for _ in range(2)]
		cls.deals = [convert_to_deal(lead.name) for lead in cls.leads]
		cls.contact = frappe.db.get_value("Contact Email", {"email_id": cls.email}, "parent")
		for deal, days_ago in ((cls.deals[0], 5), (cls.deals[1], 3), (cls.deals[0], 2)):
			ledger.record(
				keys_of([cls.email]),
				"Email",
				"Outbound",
				"Allowed",
				reference=("CRM Deal", deal),
				agent=AGENT,
				at=add_to_date(now_datetime(), days=-days_ago),
			)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		for person in frappe.get_all("Contact Preference Key", {"identity": cls.email}, pluck="parent"):
			frappe.db.delete("Contact Attempt", {"person": person})
			frappe.delete_doc("Contact Preference", person, force=True, ignore_permissions=True)
		frappe.db.delete("Held Message", {"recipients": ("like", f"%{cls.email}%")})
		for doctype, names in (("CRM Deal", cls.deals), ("CRM Lead", [lead.name for lead in cls.leads])):
			for name in names:
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def test_three_touches_on_two_deals_cap_what_is_filed_on_the_persons_contact(self):
		answer = self.agent.get(
			"/api/method/humane_crm.api.check_contact", doctype="Contact", name=self.contact
		)
		self.assertEqual(answer.status_code, 200, answer.text[:300])
		self.assertEqual(answer.json["message"]["outcome"], "block")
		self.assertEqual(len(answer.json["message"]["attempts"]), 3)

		sent = self.agent.post(
			"/api/method/frappe.core.doctype.communication.email.make",
			{
				"doctype": "Contact",
				"name": self.contact,
				"recipients": self.email,
				"subject": "One more thing",
				"content": "Tomas, one more thing about the quote.",
				"send_email": 1,
			},
		)
		self.assertEqual(sent.status_code, 417, sent.text[:300])
		self.assertIn("ContactLimitError", sent.text)


class TestNobodyFloodedOverHTTP(OverHTTP):
	"""A script that retries a refused send: the same draft is kept once, and the agent told once."""

	def test_a_loop_of_refused_sends_over_http_keeps_one_draft_and_tells_once(self):
		for _ in range(12):
			self.assertEqual(self.make(content="Dora, are you still there?").status_code, 417)
		for _ in range(3):
			self.assertEqual(self.make(content="Dora, one last try.").status_code, 417)
		frappe.db.rollback()  # read what the requests committed
		held = frappe.get_all("Held Message", {"recipients": ("like", f"%{self.email}%")}, pluck="name")
		self.assertEqual(len(held), 2)
		ours = {"notification_type_doctype": "Held Message", "notification_type_doc": ("in", held)}
		self.assertEqual(frappe.db.count("CRM Notification", ours), 1)
