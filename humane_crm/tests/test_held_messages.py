"""No automated message to a customer without a human: held, then released or discarded.

Sends are real (send_email=1 through Frappe's Email Queue); the person's ledger shows what counted.
"""

import frappe
from frappe.utils import add_to_date, now_datetime

from humane_crm.exceptions import DoNotContactError, HeldMessageError, MessageHeld
from humane_crm.held import release
from humane_crm.tests.utils import (
	AGENT,
	HumaneTestCase,
	attempts,
	make_lead,
	make_user,
	person_of,
	send_email,
	set_preference,
)
from humane_crm.utils import cache

OUTSIDER = "olga.outsider@example.com"


def new_email(tag: str) -> str:
	return f"{tag}.{frappe.generate_hash(length=8)}@example.com"


def held_for(lead) -> list[frappe._dict]:
	return frappe.get_all(
		"Held Message",
		filters={
			"reference_doctype": "CRM Lead",
			"reference_name": lead.name,
			"recipients": ("like", f"%{lead.email}%"),
		},
		fields=["name", "status", "subject", "content", "recipients", "held_because", "record_owner"],
	)


def sent_emails(lead_name: str) -> list[frappe._dict]:
	return frappe.get_all(
		"Communication",
		filters={"reference_doctype": "CRM Lead", "reference_name": lead_name, "sent_or_received": "Sent"},
		fields=["name", "sender", "communication_type", "subject"],
	)


class HeldTestCase(HumaneTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(OUTSIDER)  # a desk user who cannot read CRM leads
		if not frappe.db.exists("Email Account", {"default_outgoing": 1}):
			frappe.get_doc(
				{
					"doctype": "Email Account",
					"email_account_name": "Humane CRM tests",
					"email_id": "sales@humane-tests.example.com",
					"smtp_server": "127.0.0.1",
					"smtp_port": 2525,
					"enable_outgoing": 1,
					"default_outgoing": 1,
					"awaiting_password": 0,
					"no_smtp_authentication": 1,
					"use_tls": 0,
				}
			).insert(ignore_permissions=True)
		frappe.db.commit()

	def setUp(self):
		super().setUp()
		self.started = now_datetime()

	def tearDown(self):
		super().tearDown()  # rolls back: a message held in the test is written again, and committed
		cache.forget()  # settings saved in a test were rolled back; their cache was not
		frappe.db.delete("Held Message", {"creation": (">=", self.started)})
		frappe.db.commit()

	def agent_lead(self):
		frappe.set_user(AGENT)
		lead = make_lead("Ana", email=new_email("ana"), lead_owner=AGENT)
		frappe.set_user("Administrator")
		return lead


class TestNotificationsAreHeld(HeldTestCase):
	def setUp(self):
		super().setUp()
		self.notification = frappe.get_doc(
			{
				"doctype": "Notification",
				"name": f"Thank you {frappe.generate_hash(length=6)}",
				"document_type": "CRM Lead",
				"event": "New",
				"channel": "Email",
				"subject": "Thank you, {{ doc.first_name }}",
				"message": "<p>Dear {{ doc.first_name }}, thank you for your visit. Warm regards, Priya</p>",
				"recipients": [{"receiver_by_document_field": "email"}],
				"enabled": 1,
			}
		).insert(ignore_permissions=True)

	def tearDown(self):
		super().tearDown()
		frappe.cache.hdel("notifications", "CRM Lead")  # Frappe caches alerts past the rollback

	def test_a_notification_that_would_email_a_lead_is_held_then_released_as_the_agent(self):
		lead = self.agent_lead()  # an agent saves a lead; the Notification fires on its own
		[message] = held_for(lead)
		self.assertEqual(message.status, "Held")
		self.assertEqual(message.subject, "Thank you, Ana")
		self.assertIn("thank you for your visit", message.content)
		self.assertEqual(message.recipients, lead.email)
		self.assertIn("Automated message", message.held_because)
		self.assertEqual(message.record_owner, AGENT)
		self.assertEqual(sent_emails(lead.name), [])  # no Communication, no email
		self.assertFalse(frappe.db.exists("Email Queue", {"reference_name": lead.name}))
		self.assertTrue(
			frappe.db.exists(
				"Notification Log",
				{"for_user": AGENT, "document_type": "Held Message", "document_name": message.name},
			)
		)

		frappe.set_user(AGENT)
		doc = frappe.get_doc("Held Message", message.name)
		doc.content = message.content.replace("Warm regards, Priya", "It was lovely to meet you. Priya")
		doc.save()
		result = doc.release()

		[sent] = sent_emails(lead.name)
		self.assertEqual(result["communication"], sent.name)
		self.assertIn(AGENT, sent.sender)  # sent as the human who released it
		self.assertEqual(sent.communication_type, "Communication")
		self.assertTrue(frappe.db.exists("Email Queue", {"communication": sent.name}))
		self.assertIn("lovely to meet you", frappe.db.get_value("Communication", sent.name, "content"))
		[touch] = attempts(person=person_of(lead.email), direction="Outbound")
		self.assertEqual((touch.outcome, touch.agent, touch.source_name), ("Allowed", AGENT, sent.name))
		doc.reload()
		self.assertEqual((doc.status, doc.released_by, doc.communication), ("Released", AGENT, sent.name))
		with self.assertRaises(HeldMessageError):
			doc.release()  # once


class TestOtherAutomatedSends(HeldTestCase):
	def test_an_administrator_session_is_not_a_person(self):
		lead = self.agent_lead()
		with self.assertRaises(MessageHeld) as refused:
			send_email(
				"CRM Lead", lead.name, lead.email, "<p>News from the shop.</p>", subject="Our news", send=1
			)
		self.assertIn("Held for a human", str(refused.exception))
		[message] = held_for(lead)
		self.assertIn("Administrator session", message.held_because)

	def test_attachments_are_kept_with_the_held_message_and_sent_on_release(self):
		from frappe.core.doctype.communication.email import make

		lead = self.agent_lead()
		brochure = frappe.get_doc(
			{"doctype": "File", "file_name": "brochure.txt", "content": b"Spring collection", "is_private": 1}
		).insert(ignore_permissions=True)
		with self.assertRaises(MessageHeld):
			make(
				doctype="CRM Lead",
				name=lead.name,
				recipients=lead.email,
				subject="Our brochure",
				content="<p>Attached.</p>",
				attachments=[brochure.name, {"fname": "invoice.txt", "fcontent": b"Total: 10"}],
			)
		[message] = held_for(lead)
		kept = frappe.get_all(
			"File",
			{"attached_to_doctype": "Held Message", "attached_to_name": message.name},
			pluck="file_name",
		)
		self.assertEqual(sorted(kept), ["brochure.txt", "invoice.txt"])

		frappe.set_user(AGENT)
		sent = frappe.get_doc("Held Message", message.name).release()["communication"]
		frappe.set_user("Administrator")
		sent_files = frappe.get_all(
			"File", {"attached_to_doctype": "Communication", "attached_to_name": sent}, pluck="file_name"
		)
		self.assertEqual(sorted(sent_files), ["brochure.txt", "invoice.txt"])

	def test_a_background_job_send_is_held_kept_after_the_job_fails_then_released_and_counted(self):
		from frappe.utils.background_jobs import execute_job

		lead = self.agent_lead()
		frappe.db.commit()  # the job rolls back what it did (and the test's own work) when it fails
		try:
			with self.assertRaises(MessageHeld):
				execute_job(
					frappe.local.site,
					"frappe.core.doctype.communication.email.make",
					None,
					"humane-crm-test-send",
					{
						"doctype": "CRM Lead",
						"name": lead.name,
						"recipients": lead.email,
						"subject": "Your order",
						"content": "<p>Your order has shipped.</p>",
						"send_email": 1,
					},
					user=AGENT,
					is_async=False,
				)
			frappe.local.job = None
			[message] = held_for(lead)  # written again after the job's rollback
			self.assertIn("Background job", message.held_because)
			self.assertEqual(sent_emails(lead.name), [])

			frappe.set_user(AGENT)
			frappe.get_doc("Held Message", message.name).release()
			[touch] = attempts(person=person_of(lead.email), direction="Outbound")
			self.assertEqual((touch.outcome, touch.agent), ("Allowed", AGENT))
		finally:
			frappe.local.job = None
			frappe.set_user("Administrator")
			frappe.db.rollback()
			for name in frappe.get_all("Held Message", {"reference_name": lead.name}, pluck="name"):
				frappe.delete_doc("Held Message", name, force=True, ignore_permissions=True)
			frappe.delete_doc("CRM Lead", lead.name, force=True, ignore_permissions=True)
			frappe.db.commit()

	def test_mail_that_never_becomes_a_communication_is_held_at_the_email_queue(self):
		lead = self.agent_lead()
		with self.assertRaises(MessageHeld):
			frappe.sendmail(
				recipients=[lead.email],
				subject="Weekly offers",
				message="<p>This week only: 20% off.</p>",
				reference_doctype="CRM Lead",
				reference_name=lead.name,
				attachments=[{"fname": "offers.txt", "fcontent": b"20% off"}],
			)
		[message] = held_for(lead)
		self.assertEqual(message.subject, "Weekly offers")
		self.assertIn("20% off", message.content)
		self.assertEqual(
			frappe.get_all(
				"File",
				{"attached_to_doctype": "Held Message", "attached_to_name": message.name},
				pluck="file_name",
			),
			["offers.txt"],
		)
		self.assertFalse(frappe.db.exists("Email Queue", {"reference_name": lead.name}))

	def test_an_api_user_marked_as_automation_is_held(self):
		from humane_crm.tests.utils import send_email

		bot = make_user("shop.bot@example.com", "Sales User")
		settings = frappe.get_single("Humane CRM Settings")
		settings.append("automation_users", {"user": bot})
		settings.save()
		lead = self.agent_lead()
		frappe.set_user(bot)
		with self.assertRaises(MessageHeld):
			send_email("CRM Lead", lead.name, lead.email)
		frappe.set_user("Administrator")
		[message] = held_for(lead)
		self.assertIn("Automation user shop.bot@example.com", message.held_because)

	def test_a_person_sending_from_the_crm_is_not_held(self):
		from humane_crm.tests.utils import send_email

		lead = self.agent_lead()
		frappe.set_user(AGENT)
		send_email("CRM Lead", lead.name, lead.email)
		self.assertEqual(held_for(lead), [])
		self.assertEqual(len(sent_emails(lead.name)), 1)


class TestDiscardAndPermissions(HeldTestCase):
	def held_message(self):
		from frappe.core.doctype.communication.email import make

		lead = self.agent_lead()
		with self.assertRaises(MessageHeld):
			make(
				doctype="CRM Lead",
				name=lead.name,
				recipients=lead.email,
				subject="Automated",
				content="<p>An automated note.</p>",
			)
		return lead, frappe.get_doc("Held Message", held_for(lead)[0].name)

	def test_discard_needs_a_reason_and_keeps_the_record(self):
		lead, doc = self.held_message()
		frappe.set_user(AGENT)
		with self.assertRaises(HeldMessageError):
			doc.discard("  ")
		doc.discard("Sounds like a robot; I will call her myself.")
		doc.reload()
		self.assertEqual((doc.status, doc.discarded_by), ("Discarded", AGENT))
		self.assertIn("robot", doc.discard_reason)
		self.assertEqual(sent_emails(lead.name), [])
		with self.assertRaises(HeldMessageError):
			doc.release()
		doc.subject = "Changed"
		with self.assertRaises(HeldMessageError):
			doc.save()

	def test_only_someone_who_can_read_the_record_may_see_or_release_it(self):
		_lead, doc = self.held_message()
		frappe.set_user(OUTSIDER)
		self.assertFalse(frappe.has_permission("Held Message", "read", doc.name))
		with self.assertRaises(frappe.PermissionError):
			release.release(doc)
		frappe.set_user(AGENT)
		self.assertTrue(frappe.has_permission("Held Message", "read", doc.name))

	def test_owners_are_reminded_of_messages_waiting_over_a_day(self):
		_lead, doc = self.held_message()
		frappe.db.set_value("Held Message", doc.name, "held_on", add_to_date(now_datetime(), days=-2))
		release.remind_owners()
		self.assertTrue(
			frappe.db.exists(
				"Notification Log",
				{
					"for_user": AGENT,
					"document_type": "Held Message",
					"subject": ("like", "%waited over a day%"),
				},
			)
		)
		self.assertTrue(frappe.db.get_value("Held Message", doc.name, "reminded_on"))


class TestRefusedDraftsAreKept(HeldTestCase):
	"""CRM's composer closes and shows nothing when a send is refused: the draft is kept and its
	sender told in /crm (CRM Notification) and /app (Notification Log)."""

	def test_a_refused_email_is_kept_as_a_draft_the_agent_can_send_once_allowed(self):
		lead = self.agent_lead()
		frappe.set_user(AGENT)
		set_preference("CRM Lead", lead.name, "Do Not Contact", reason="Asked on the phone")
		frappe.db.commit()  # the refusal rolls back the request's transaction, as a real one does
		words = "<p>Ana, about the blue coat you liked: it is back in your size.</p>"
		try:
			with self.assertRaises(DoNotContactError):
				send_email("CRM Lead", lead.name, lead.email, words)
			frappe.db.rollback()  # what Frappe does with a refused request

			[draft] = held_for(lead)
			self.assertEqual(draft.content, words)
			# Both kinds of work after the rollback were done: the draft and the ledger's Blocked row.
			self.assertEqual([a.outcome for a in attempts(person=person_of(lead.email))], ["Blocked"])
			self.assertTrue(draft.held_because.startswith("Refused: Do not contact"))
			self.assertEqual(draft.record_owner, AGENT)
			self.assertTrue(
				frappe.db.exists(
					"CRM Notification",
					{"to_user": AGENT, "notification_type_doc": draft.name, "reference_name": lead.name},
				)
			)
			self.assertTrue(
				frappe.db.exists("Notification Log", {"for_user": AGENT, "document_name": draft.name})
			)

			set_preference("CRM Lead", lead.name, "Open", reason="She called to ask for news")
			doc = frappe.get_doc("Held Message", draft.name)
			result = doc.release()
			self.assertEqual(frappe.db.get_value("Communication", result["communication"], "content"), words)
		finally:
			frappe.set_user("Administrator")
			frappe.db.rollback()
			for name in frappe.get_all("Held Message", {"reference_name": lead.name}, pluck="name"):
				frappe.delete_doc("Held Message", name, force=True, ignore_permissions=True)
			frappe.db.delete("CRM Notification", {"reference_name": lead.name})
			frappe.delete_doc("CRM Lead", lead.name, force=True, ignore_permissions=True)
			frappe.db.commit()
