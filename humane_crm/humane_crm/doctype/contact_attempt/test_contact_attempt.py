# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe

from humane_crm.humane_crm.doctype.contact_attempt.contact_attempt import LedgerIsAppendOnlyError
from humane_crm.tests.utils import (
	AGENT,
	HumaneTestCase,
	attempts,
	make_lead,
	make_user,
	new_email,
	send_email,
)


class TestContactAttempt(HumaneTestCase):
	def setUp(self):
		super().setUp()
		self.lead = make_lead("Ana", email=new_email())
		frappe.set_user(AGENT)
		self.sent = send_email("CRM Lead", self.lead.name, self.lead.email)
		frappe.set_user("Administrator")

	def test_an_allowed_email_writes_one_row_with_who_what_and_where(self):
		[row] = attempts(source_name=self.sent["name"])
		self.assertEqual(
			(row.channel, row.direction, row.outcome, row.agent, row.reference_name),
			("Email", "Outbound", "Allowed", AGENT, self.lead.name),
		)
		person = frappe.get_doc("Contact Preference", row.person)
		self.assertEqual(person.person_name, "Ana Ruiz")
		self.assertEqual([r.identity for r in person.identities], [self.lead.email])

	def test_rows_are_never_edited(self):
		name = frappe.get_all("Contact Attempt", {"source_name": self.sent["name"]}, pluck="name")[0]
		doc = frappe.get_doc("Contact Attempt", name)
		doc.outcome = "Blocked"
		with self.assertRaises(LedgerIsAppendOnlyError):
			doc.save()

	def test_only_a_system_manager_deletes_rows(self):
		name = frappe.get_all("Contact Attempt", {"source_name": self.sent["name"]}, pluck="name")[0]
		frappe.set_user(make_user("sales.boss@example.com", "Sales Manager", "Cadence Manager"))
		with self.assertRaises(frappe.PermissionError):
			frappe.delete_doc("Contact Attempt", name, ignore_permissions=True)
		frappe.set_user("Administrator")
		frappe.delete_doc("Contact Attempt", name)
		self.assertFalse(frappe.db.exists("Contact Attempt", name))

	def test_attempts_since_t_is_one_index_range(self):
		plan = frappe.db.sql(
			"explain select name from `tabContact Attempt` where person = %s and `timestamp` >= %s",
			("x", "2026-01-01"),
			as_dict=True,
		)
		self.assertEqual(plan[0].key, "person_timeline_index")

	def test_a_batch_reads_what_decides_from_the_index_alone(self):
		plan = frappe.db.sql(
			"""explain select name, `timestamp`, channel, direction, outcome from `tabContact Attempt`
			where person = %s and `timestamp` >= %s""",
			("x", "2026-01-01"),
			as_dict=True,
		)
		self.assertEqual(plan[0].key, "person_timeline_index")
		self.assertIn("Using index", plan[0].Extra)  # no table row is read
