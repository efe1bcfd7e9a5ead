"""Do Not Contact and pauses, enforced on every path, for every record that is the same human."""

from datetime import timedelta

import frappe
from frappe.utils import add_days, now_datetime

from humane_crm.exceptions import ChannelOptedOutError, ContactPausedError, ContactRefused, DoNotContactError
from humane_crm.tests.utils import (
	AGENT,
	OTHER_AGENT,
	HumaneTestCase,
	attempts,
	make_call,
	make_lead,
	make_user,
	new_email,
	new_phone,
	person_of,
	receive_email,
	send_email,
	set_preference,
)


class TestDoNotContact(HumaneTestCase):
	def setUp(self):
		super().setUp()
		self.typed, self.other_format, self.phone_key = new_phone()
		self.email = new_email()
		self.lead = make_lead("Ana", email=self.email, mobile_no=self.typed)
		frappe.set_user(AGENT)
		set_preference(
			"CRM Lead", self.lead.name, "Do Not Contact", source="Customer", reason="Asked on the phone"
		)

	def test_email_through_the_crm_composer_is_refused_with_the_explanation(self):
		with self.assertRaises(DoNotContactError) as refused:
			send_email("CRM Lead", self.lead.name, self.email)
		message = str(refused.exception)
		self.assertIn("Do Not Contact", message)
		self.assertIn("set by Priya Agent", message)  # who set it
		self.assertIn("Asked on the phone", message)
		self.assertIn("No contact is allowed", message)
		self.assertFalse(
			frappe.db.exists("Communication", {"reference_name": self.lead.name, "sent_or_received": "Sent"})
		)

	def test_email_typed_into_any_record_reaches_the_same_check(self):
		# The address typed into To of an unrelated document, in capitals.
		with self.assertRaises(DoNotContactError):
			send_email("ToDo", None, f"Ana <{self.email.upper()}>")

	def test_outgoing_call_is_refused_before_it_connects(self):
		with self.assertRaises(DoNotContactError) as refused:
			make_call("CRM Lead", self.lead.name, self.other_format)
		self.assertIn("Do Not Contact", str(refused.exception))

	def test_a_deal_and_a_second_lead_sharing_the_phone_in_another_format_are_refused(self):
		frappe.set_user("Administrator")
		deal_email, second_email = new_email("deal"), new_email("second")
		# CRM takes a deal's email and phone from its contacts.
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Ana",
				"email_ids": [{"email_id": deal_email, "is_primary": 1}],
				"phone_nos": [{"phone": self.other_format, "is_primary_mobile_no": 1}],
			}
		).insert(ignore_permissions=True)
		deal = frappe.get_doc(
			{
				"doctype": "CRM Deal",
				"status": "Qualification",
				"contacts": [{"contact": contact.name, "is_primary": 1}],
			}
		).insert(ignore_permissions=True)
		self.assertEqual(deal.mobile_no, self.other_format)
		second = make_lead("Ana B.", email=second_email, mobile_no=self.phone_key)
		frappe.set_user(OTHER_AGENT)
		for doctype, name, address, number in (
			("CRM Deal", deal.name, deal_email, self.typed),
			("CRM Lead", second.name, second_email, self.other_format),
		):
			with self.subTest(doctype=doctype):
				with self.assertRaises(DoNotContactError):
					send_email(doctype, name, address)
				with self.assertRaises(DoNotContactError):
					make_call(doctype, name, number)

	def test_a_lead_converted_to_a_deal_stays_covered(self):
		from crm.fcrm.doctype.crm_lead.crm_lead import convert_to_deal

		frappe.set_user("Administrator")
		deal_name = convert_to_deal(self.lead.name)
		frappe.set_user(OTHER_AGENT)
		with self.assertRaises(DoNotContactError):
			send_email("CRM Deal", deal_name, self.email)
		from humane_crm.api import check_contact

		self.assertEqual(check_contact("CRM Deal", deal_name, "call")["outcome"], "block")

	def test_inbound_messages_are_never_blocked(self):
		comm = receive_email("CRM Lead", self.lead.name, self.email, "Please call me back about the loan.")
		self.assertTrue(frappe.db.exists("Communication", comm.name))
		log = make_call("CRM Lead", self.lead.name, self.typed, status="Ringing", type="Incoming")
		self.assertTrue(frappe.db.exists("CRM Call Log", log.name))
		self.assertEqual(
			[a.outcome for a in attempts(person=person_of(self.email), direction="Inbound")],
			["Received", "Received"],
		)

	def test_a_reply_inside_the_reply_window_goes_through_and_is_marked_exempt(self):
		with self.freeze(now_datetime() - timedelta(hours=1)):
			receive_email("CRM Lead", self.lead.name, self.email)
		result = send_email(
			"CRM Lead", self.lead.name, self.email, "Thank you for writing, here is the answer."
		)
		self.assertTrue(frappe.db.exists("Communication", result["name"]))
		row = attempts(source_name=result["name"])
		self.assertEqual([(r.outcome, r.direction, r.agent) for r in row], [("Exempt", "Outbound", AGENT)])
		# The window is per channel: they wrote, they did not ask to be called.
		with self.assertRaises(DoNotContactError):
			make_call("CRM Lead", self.lead.name, self.typed)

	def test_the_reply_window_closes(self):
		with self.freeze(now_datetime() - timedelta(hours=73)):
			receive_email("CRM Lead", self.lead.name, self.email)
		with self.assertRaises(DoNotContactError):
			send_email("CRM Lead", self.lead.name, self.email)

	def test_a_call_that_happened_is_recorded_not_refused(self):
		log = make_call("CRM Lead", self.lead.name, self.typed, status="Completed")
		self.assertTrue(frappe.db.exists("CRM Call Log", log.name))
		rows = {r.outcome: r for r in attempts(source_name=log.name)}
		# It counts as a touch, marked for managers, and as a conversation (it was completed).
		self.assertEqual(set(rows), {"Warned", "Conversation"})
		self.assertIn("would have been refused", rows["Warned"].reason)

	def test_an_agent_cannot_clear_the_customers_do_not_contact(self):
		from humane_crm.exceptions import PreferenceLockedError

		with self.assertRaises(PreferenceLockedError) as locked:
			set_preference("CRM Lead", self.lead.name, "Open", reason="they seemed keen")
		self.assertIn("Sales Manager or Cadence Manager", str(locked.exception))
		# Not through the desk form either.
		name = frappe.db.get_value("Contact Preference Key", {"identity": self.email}, "parent")
		doc = frappe.get_doc("Contact Preference", name)
		doc.status = "Open"
		with self.assertRaises(PreferenceLockedError):
			doc.save()
		# A Cadence Manager can, and then the email goes out.
		frappe.set_user("Administrator")
		frappe.set_user(make_user("lena.manager@example.com", "Sales User", "Cadence Manager"))
		set_preference("CRM Lead", self.lead.name, "Open", reason="Customer called to resume")
		frappe.set_user(AGENT)
		self.assertTrue(send_email("CRM Lead", self.lead.name, self.email)["name"])

	def freeze(self, when):
		"""Freeze the clock at `when`, a time on the site's clock."""
		from freezegun import freeze_time

		from humane_crm.utils import clock

		return freeze_time(clock.aware(when))


class TestPausesAndOptOuts(HumaneTestCase):
	def setUp(self):
		super().setUp()
		self.typed, _, _ = new_phone()
		self.email = new_email("omar")
		self.lead = make_lead("Omar", email=self.email, mobile_no=self.typed)
		frappe.set_user(AGENT)

	def test_a_pause_refuses_until_its_end_and_says_when(self):
		until = add_days(now_datetime(), 30)
		set_preference("CRM Lead", self.lead.name, "Paused", paused_until=str(until), reason="Travelling")
		with self.assertRaises(ContactPausedError) as refused:
			send_email("CRM Lead", self.lead.name, self.email)
		message = str(refused.exception)
		self.assertIn("paused until", message)
		self.assertIn("Next contact allowed", message)
		self.assertIn(until.strftime("%a %Y-%m-%d %H:%M"), message)

	def test_a_pause_needs_a_future_end(self):
		from humane_crm.exceptions import InvalidPreferenceError

		with self.assertRaises(InvalidPreferenceError):
			set_preference("CRM Lead", self.lead.name, "Paused")
		with self.assertRaises(InvalidPreferenceError):
			set_preference(
				"CRM Lead", self.lead.name, "Paused", paused_until=str(add_days(now_datetime(), -1))
			)

	def test_opting_out_of_calls_leaves_email_open(self):
		set_preference("CRM Lead", self.lead.name, "Open", opt_out=["call"], source="Customer")
		with self.assertRaises(ChannelOptedOutError) as refused:
			make_call("CRM Lead", self.lead.name, self.typed)
		self.assertIn("opted out of Call", str(refused.exception))
		self.assertTrue(send_email("CRM Lead", self.lead.name, self.email)["name"])
		self.assertEqual(
			[a.outcome for a in attempts(person=person_of(self.email), outcome=("!=", "Blocked"))],
			["Allowed"],
		)

	def test_every_refusal_is_a_contact_refused(self):
		set_preference("CRM Lead", self.lead.name, "Do Not Contact", reason="x")
		for exc in (DoNotContactError, ContactPausedError, ChannelOptedOutError):
			self.assertTrue(issubclass(exc, ContactRefused) and issubclass(exc, frappe.ValidationError))
		with self.assertRaises(ContactRefused):
			send_email("CRM Lead", self.lead.name, self.email)

	def test_one_refused_recipient_refuses_the_whole_email_and_names_them(self):
		other = make_lead("Kim", email=new_email("kim"))
		set_preference("CRM Lead", other.name, "Do Not Contact", reason="Unsubscribed by phone")
		with self.assertRaises(DoNotContactError) as refused:
			send_email("CRM Lead", self.lead.name, f"{self.email}, {other.email}")
		self.assertIn(other.email, str(refused.exception))
		self.assertNotIn(self.email, str(refused.exception))
