"""Two agents clicking Send for the same person at the same instant must not both pass a cap."""

import multiprocessing
import os

import frappe

from humane_crm.people import ledger
from humane_crm.tests.concurrency import send_many
from humane_crm.tests.utils import AGENT, HumaneTestCase, make_lead, new_email, person_of
from humane_crm.utils import cache

PROCESSES, SENDS, CAP = 8, 20, 3


class TestRaceFree(HumaneTestCase):
	def setUp(self):
		super().setUp()
		self.email = new_email("race")
		self.lead = make_lead("Rae", email=self.email)
		frappe.delete_doc_if_exists("Contact Cadence Rule", "Race cap")  # from an interrupted run
		self.rule = frappe.get_doc(
			{
				"doctype": "Contact Cadence Rule",
				"rule_name": "Race cap",
				"enabled": 1,
				"max_attempts": CAP,
				"window_length": 7,
			}
		).insert()
		frappe.db.commit()  # the workers have their own connections
		cache.forget()

	def tearDown(self):
		frappe.set_user("Administrator")
		person = person_of(self.email)
		frappe.db.delete("Contact Attempt", {"person": person})
		frappe.db.delete("Communication", {"reference_name": self.lead.name, "subject": ("like", "Race %")})
		if person:
			frappe.delete_doc("Contact Preference", person, force=True)
		frappe.delete_doc("Contact Cadence Rule", self.rule.name, force=True)
		frappe.delete_doc("CRM Lead", self.lead.name, force=True)
		frappe.db.commit()
		cache.forget()
		super().tearDown()

	def test_simultaneous_sends_from_eight_processes_allow_exactly_the_cap(self):
		# Nobody is on record yet: the first sends race to create the person.
		self.assert_race_allows_exactly_the_cap()

	def test_simultaneous_sends_to_a_known_person_allow_exactly_the_cap(self):
		# The person is on record before anyone sends: each send locks and reads them in the
		# statement that reads its lead (`query.Ahead`), and still only the cap gets through.
		ledger.person_for(frozenset({self.email}), "Rae")
		frappe.db.commit()
		self.assert_race_allows_exactly_the_cap()

	def assert_race_allows_exactly_the_cap(self):
		ctx = multiprocessing.get_context("spawn")
		barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
		workers = [
			ctx.Process(
				target=send_many,
				args=(
					frappe.local.site,
					os.path.abspath(frappe.local.sites_path),
					AGENT,
					self.lead.name,
					self.email,
					SENDS,
					barrier,
					results,
				),
			)
			for _ in range(PROCESSES)
		]
		for w in workers:
			w.start()
		outcomes = [o for _ in workers for o in results.get(timeout=300)]
		for w in workers:
			w.join(timeout=60)
		errors = [o for o in outcomes if o.startswith("error")]
		self.assertEqual(errors, [])
		self.assertEqual(len(outcomes), PROCESSES * SENDS)
		self.assertEqual(outcomes.count("allowed"), CAP)
		self.assertEqual(outcomes.count("refused"), PROCESSES * SENDS - CAP)
		# The ledger agrees: three touches counted, every refusal kept.
		frappe.db.rollback()  # a fresh snapshot of what the workers committed
		person = person_of(self.email)
		allowed = frappe.db.count("Contact Attempt", {"person": person, "outcome": "Allowed"})
		blocked = frappe.db.count("Contact Attempt", {"person": person, "outcome": "Blocked"})
		sent = frappe.db.count(
			"Communication", {"reference_name": self.lead.name, "subject": ("like", "Race %")}
		)
		self.assertEqual((allowed, sent, blocked), (CAP, CAP, PROCESSES * SENDS - CAP))
