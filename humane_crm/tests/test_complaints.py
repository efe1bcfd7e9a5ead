"""Complaints on a real site: spotted, confirmed by a human, answered only after the empathy
checklist, and followed up by a human before they can be resolved."""

import frappe
from frappe.utils import add_days, getdate, nowdate

from humane_crm import complaints, review
from humane_crm.exceptions import (
	ComplaintChecklistError,
	ComplaintError,
	TemplateOnlyReplyError,
)
from humane_crm.tests import make_lead, make_user, receive_email, send_email
from humane_crm.tests.test_do_not_contact import AGENT, OTHER_AGENT, HumaneTestCase

FADED = "I'm really disappointed, the colour ran after one wash, I want a refund"
MANAGER = "mona.manager@example.com"
REPLY = (
	"<p>Dear Ana, I am so sorry the colour ran after one wash: that is not the quality we promise. "
	"I have sent a replacement today and refunded the first dress; I will call you on Friday. Priya</p>"
)


class ComplaintTestCase(HumaneTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(MANAGER, "Sales Manager")
		frappe.db.commit()

	def setUp(self):
		super().setUp()
		frappe.set_user(AGENT)
		self.email = f"ana.{frappe.generate_hash(length=6)}@example.com"
		self.lead = make_lead("Ana", email=self.email, lead_owner=AGENT)
		frappe.set_user("Administrator")

	def complaint(self, status=None) -> str:
		"""The faded-outfit email arrives; the suggested complaint it raised."""
		receive_email("CRM Lead", self.lead.name, self.email, FADED)
		name = frappe.db.get_value("Complaint", {"reference_name": self.lead.name})
		if status == "Open":
			frappe.set_user(AGENT)
			complaints.confirm(name)
		return name

	def tick_all(self, name):
		frappe.set_user(AGENT)
		for row in frappe.get_doc("Complaint", name).answers:
			complaints.tick(name, row.idx, "done with care")


class TestSpotting(ComplaintTestCase):
	def test_the_faded_outfit_email_is_suggested_as_a_complaint_with_its_phrases(self):
		name = self.complaint()
		doc = frappe.get_doc("Complaint", name)
		self.assertEqual(doc.status, "Suggested")
		self.assertEqual(doc.matched_phrases, "refund, disappointed")
		self.assertEqual(doc.score, 4.0)
		self.assertEqual(doc.complaint_owner, AGENT)
		self.assertTrue(doc.inbound_communication)
		self.assertTrue(
			frappe.db.exists(
				"Notification Log", {"for_user": AGENT, "document_type": "Complaint", "document_name": name}
			)
		)

	def test_a_friendly_email_raises_nothing(self):
		receive_email("CRM Lead", self.lead.name, self.email, "Does the coat come in blue?")
		self.assertFalse(frappe.db.exists("Complaint", {"reference_name": self.lead.name}))

	def test_a_suggestion_gates_nothing_until_a_human_confirms_it_and_a_dismissed_one_never(self):
		name = self.complaint()
		frappe.set_user(AGENT)
		send_email("CRM Lead", self.lead.name, self.email, "<p>Thanks, looking into it.</p>")  # Suggested
		complaints.dismiss(name, "They are joking with us; it is a regular customer.")
		self.assertEqual(frappe.db.get_value("Complaint", name, "status"), "Dismissed")
		send_email("CRM Lead", self.lead.name, self.email, "<p>Here is the new catalogue.</p>")
		with self.assertRaises(ComplaintError):
			complaints.dismiss(name, "again")


class TestTheGate(ComplaintTestCase):
	def test_the_first_reply_waits_for_the_checklist_then_a_follow_up_is_owed(self):
		name = self.complaint(status="Open")
		doc = frappe.get_doc("Complaint", name)
		self.assertEqual(len(doc.answers), 6)  # the installed default checklist
		frappe.set_user(AGENT)
		with self.assertRaises(ComplaintChecklistError) as refused:
			send_email("CRM Lead", self.lead.name, self.email, REPLY)
		message = str(refused.exception)
		self.assertIn("Acknowledge the frustration in their own words", message)
		self.assertIn("Plan a human follow-up", message)
		self.assertIn("kept as you wrote it", message)

		complaints.tick(name, 1, "She said the colour ran after one wash")
		with self.assertRaises(ComplaintChecklistError) as refused:
			send_email("CRM Lead", self.lead.name, self.email, REPLY)
		self.assertNotIn("Acknowledge the frustration", str(refused.exception))
		self.tick_all(name)
		doc.reload()
		self.assertEqual({r.ticked_by for r in doc.answers}, {AGENT})

		sent = send_email("CRM Lead", self.lead.name, self.email, REPLY)
		doc.reload()
		self.assertEqual(doc.status, "Responded")
		self.assertEqual(doc.first_response, sent["name"])
		self.assertIsNotNone(doc.hours_to_first_response)
		task = frappe.get_doc("CRM Task", doc.follow_up_task)
		self.assertEqual(task.title, "Follow up with Ana Ruiz about their complaint")
		self.assertEqual(task.assigned_to, AGENT)
		self.assertEqual(getdate(task.due_date), getdate(add_days(nowdate(), 3)))
		self.assertEqual((task.reference_doctype, task.reference_docname), ("CRM Lead", self.lead.name))
		with self.assertRaises(ComplaintError):
			complaints.tick(name, 1, ticked=0)  # no unticking after the reply
		send_email("CRM Lead", self.lead.name, self.email, "<p>One more thing: your tracking number.</p>")

	def test_the_gate_knows_at_once_that_a_complaint_was_opened(self):
		# Outgoing emails skip the complaint query while no complaint is open (a cached count).
		frappe.db.delete("Complaint", {"status": "Open"})
		complaints.clear_cache()
		self.assertFalse(complaints.any_open())
		self.complaint(status="Open")
		self.assertTrue(complaints.any_open())
		frappe.set_user(AGENT)
		with self.assertRaises(ComplaintChecklistError):
			send_email("CRM Lead", self.lead.name, self.email, REPLY)

	def tearDown(self):
		super().tearDown()
		complaints.clear_cache()  # the test's complaints were rolled back

	def test_a_reply_that_is_only_a_template_is_refused(self):
		from humane_crm.tests.test_template_review import REVIEWER, THANKS, make_template, rendered

		make_user(REVIEWER, "Sales User", "Template Reviewer")
		frappe.set_user(AGENT)
		make_template("Sorry template", THANKS)
		review.submit_for_review("Sorry template")
		frappe.set_user(REVIEWER)
		review.approve("Sorry template")
		name = self.complaint(status="Open")
		self.tick_all(name)
		with self.assertRaises(TemplateOnlyReplyError) as refused:
			send_email("CRM Lead", self.lead.name, self.email, rendered("Ana Ruiz"))
		self.assertIn("Sorry template", str(refused.exception))
		review.clear_cache()

	def test_resolved_needs_the_follow_up_done_a_note_and_the_owner_or_a_manager(self):
		name = self.complaint(status="Open")
		self.tick_all(name)
		send_email("CRM Lead", self.lead.name, self.email, REPLY)
		with self.assertRaises(ComplaintError) as refused:
			complaints.resolve(name, "Replacement arrived")
		self.assertIn("follow-up with the customer is not done", str(refused.exception))

		task = frappe.get_doc("CRM Task", frappe.db.get_value("Complaint", name, "follow_up_task"))
		task.status = "Done"
		task.save(ignore_permissions=True)
		frappe.set_user(OTHER_AGENT)
		with self.assertRaises(frappe.PermissionError):
			complaints.resolve(name, "Replacement arrived")
		frappe.set_user(AGENT)
		with self.assertRaises(ComplaintError):
			complaints.resolve(name, "  ")
		self.assertEqual(complaints.resolve(name, "Replacement arrived; she is happy.")["status"], "Resolved")

	def test_a_manager_may_resolve_and_a_due_follow_up_shows(self):
		name = self.complaint(status="Open")
		self.tick_all(name)
		send_email("CRM Lead", self.lead.name, self.email, REPLY)
		task = frappe.db.get_value("Complaint", name, "follow_up_task")
		frappe.db.set_value("CRM Task", task, "due_date", add_days(nowdate(), -1))
		complaints.mark_follow_ups_due()
		self.assertEqual(frappe.db.get_value("Complaint", name, "status"), "Follow-up Due")
		frappe.db.set_value("CRM Task", task, "status", "Done")
		frappe.set_user(MANAGER)
		self.assertEqual(complaints.resolve(name, "Called her; all good.")["status"], "Resolved")


class TestConnections(ComplaintTestCase):
	def test_the_lead_shows_its_complaints_under_connections(self):
		from frappe.desk.notifications import get_open_count

		self.complaint()
		counts = get_open_count("CRM Lead", self.lead.name)["count"]["external_links_found"]
		found = {c["doctype"]: c["count"] for c in counts}
		self.assertEqual(found.get("Complaint"), 1)
