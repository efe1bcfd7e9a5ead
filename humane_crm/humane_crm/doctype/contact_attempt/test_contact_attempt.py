# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

from datetime import timedelta
from unittest.mock import patch

import frappe

from humane_crm.cadence import query
from humane_crm.humane_crm.doctype.contact_attempt.contact_attempt import (
	DECISION_INDEX,
	LedgerIsAppendOnlyError,
)
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

	def _plan(self, sql: str, **values) -> dict:
		values = {"persons": ("x", "y"), "since": "2026-01-01", **values}
		return frappe.db.sql("explain " + sql, values, as_dict=True)

	def test_a_decision_reads_one_index_range_per_person(self):
		[plan] = self._plan(query.LEDGER_QUERY)
		self.assertEqual(plan.key, DECISION_INDEX)
		# A range on (person, decides, timestamp), never `ref` on the person alone (their whole
		# history). (On a near-empty table the optimizer may scan the small index whole instead; what
		# is read as the history grows is asserted below, in rows.)
		self.assertIn(plan.type, ("range", "index"))
		self.assertIn("Using index", plan.Extra)  # no table row is read

	def test_what_a_decision_reads_does_not_grow_with_the_persons_history(self):
		row = frappe.get_all("Contact Attempt", {"source_name": self.sent["name"]}, ["name", "person"])[0]
		now = frappe.utils.now_datetime()
		# A script retried 40 times this week (refused), and a year of touches long ago.
		history = [(now - timedelta(hours=i + 1), "Blocked") for i in range(40)]
		history += [(now - timedelta(days=100 + i), "Allowed") for i in range(40)]
		for at, outcome in history:
			frappe.db.sql(
				"""insert into `tabContact Attempt` (name, person, `timestamp`, direction, channel, outcome,
				agent) values (%s, %s, %s, 'Outbound', 'Email', %s, 'Administrator')""",
				(frappe.generate_hash(length=12), row.person, at, outcome),
			)
		since = now - timedelta(days=8)
		for persons in ((row.person,), (row.person, "nobody-else")):  # one key, and an IN list
			read = frappe.db.sql(
				"analyze " + query.LEDGER_QUERY,
				{"persons": persons, "since": since},
				as_dict=True,
			)[0]
			self.assertEqual(float(read.r_rows), 1, persons)  # the one email that counts, nothing else
		# A check of one key reads its person and that same range in one SELECT.
		statement, values = query.one_statement(self.lead.email, since)
		plan = {r.table: r for r in frappe.db.sql("analyze " + statement, values, as_dict=True)}
		self.assertEqual((plan["k"].type, plan["p"].type), ("const", "const"))
		self.assertEqual(plan["a"].key, DECISION_INDEX)
		self.assertEqual(float(plan["a"].r_rows), 1)  # not the refusals, not the old year
		on_record = query.fetch_facts({self.lead.email}, since)
		self.assertEqual([r[0] for r in on_record[self.lead.email].ledger], [row.name])
		# and two keys (the few-keys UNION) read the same
		phone = "+14155550123"
		two = query.fetch_facts({self.lead.email, phone}, since)
		self.assertEqual(two[self.lead.email].ledger, on_record[self.lead.email].ledger)
		self.assertEqual(two[self.lead.email].name, on_record[self.lead.email].name)

	def test_the_decides_column_follows_the_outcomes_a_decision_reads(self):
		# MariaDB computes it: no writer sets it, and a refusal never has it.
		for outcome in ("Allowed", "Warned", "Overridden", "Received", "Conversation", "Blocked", "Exempt"):
			name = frappe.generate_hash(length=12)
			frappe.db.sql(
				"""insert into `tabContact Attempt` (name, person, `timestamp`, direction, channel, outcome)
				values (%s, 'nobody', now(), 'Outbound', 'Email', %s)""",
				(name, outcome),
			)
			decides = frappe.db.sql("select decides from `tabContact Attempt` where name = %s", name)[0][0]
			self.assertEqual(decides, int(outcome in query.DECIDING), outcome)

	def test_a_batch_whose_json_answer_is_cut_short_is_read_row_by_row(self):
		# MariaDB cuts JSON_ARRAYAGG at group_concat_max_len; a cut ledger would undercount.
		row = frappe.get_all("Contact Attempt", {"source_name": self.sent["name"]}, ["name", "person"])[0]
		since = frappe.utils.now_datetime() - timedelta(days=8)
		others = [new_email() for _ in range(3)]  # a batch, not one record's few people
		frappe.db.sql("set session group_concat_max_len = 64")
		try:
			with patch.object(query, "FEW", 0):
				on_record = query.fetch_facts({self.lead.email, *others}, since)
		finally:
			frappe.db.sql("set session group_concat_max_len = default")
		self.assertEqual([r[0] for r in on_record[self.lead.email].ledger], [row.name])
		self.assertEqual(on_record[self.lead.email].name, row.person)
		self.assertEqual(set(on_record), {self.lead.email})
