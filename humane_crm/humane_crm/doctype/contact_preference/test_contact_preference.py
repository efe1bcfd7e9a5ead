# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe

from humane_crm.exceptions import InvalidPreferenceError
from humane_crm.tests.utils import HumaneTestCase, new_email


class TestContactPreference(HumaneTestCase):
	def new(self, *identities, **fields):
		return frappe.get_doc(
			{"doctype": "Contact Preference", "identities": [{"identity": i} for i in identities], **fields}
		)

	def test_identities_are_normalised_deduplicated_and_typed(self):
		email = new_email()
		doc = self.new(f"  {email.upper()} ", "(415) 555-0177", "+1 415 555 0177", email).insert()
		self.assertEqual(
			[(r.identity, r.kind) for r in doc.identities], [(email, "Email"), ("+14155550177", "Phone")]
		)
		self.assertEqual((doc.status_set_by, bool(doc.status_set_on)), ("Administrator", True))

	def test_garbage_identity_is_refused_by_name(self):
		with self.assertRaisesRegex(
			InvalidPreferenceError, "“call me maybe” is neither an email address nor a phone"
		):
			self.new("call me maybe").insert()

	def test_one_identity_belongs_to_one_person(self):
		email = new_email()
		self.new(email).insert()
		with self.assertRaises(frappe.UniqueValidationError):
			self.new(email.upper()).insert()

	def test_every_change_is_in_the_history(self):
		doc = self.new(new_email()).insert()
		doc.status, doc.reason, doc.source = "Do Not Contact", "Asked us to stop", "Customer"
		doc.flags.humane_crm_app_write = True  # as the app's own action saves it
		doc.save(ignore_version=False)  # Frappe's test runner skips versions unless asked
		versions = frappe.get_all(
			"Version", {"ref_doctype": "Contact Preference", "docname": doc.name}, pluck="data"
		)
		self.assertTrue(any('"Do Not Contact"' in v for v in versions))

	def test_leaving_pause_clears_its_end(self):
		doc = self.new(new_email(), status="Paused", paused_until="2099-01-01 00:00:00").insert()
		doc.status = "Open"
		doc.flags.humane_crm_app_write = True  # as the app's own action saves it
		doc.save()
		self.assertIsNone(doc.paused_until)

	def test_a_wish_changed_outside_the_apps_action_is_refused(self):
		from humane_crm.exceptions import PreferenceLockedError

		doc = self.new(new_email(), status="Do Not Contact", reason="Asked by phone").insert()
		for field, value in (("status", "Open"), ("opt_out_email", 1), ("source", "Customer")):
			with self.subTest(field=field):
				doc.reload()
				doc.set(field, value)
				with self.assertRaises(PreferenceLockedError) as refused:
					doc.save()
				self.assertIn("Contact", str(refused.exception))

	def test_agents_may_not_delete_a_person(self):
		from humane_crm.tests.utils import AGENT, make_user

		doc = self.new(new_email()).insert()
		make_user(AGENT, "Sales User")
		frappe.set_user(AGENT)
		with self.assertRaises(frappe.PermissionError):
			frappe.delete_doc("Contact Preference", doc.name)

	def test_the_zones_of_their_phones_follow_their_numbers_and_nothing_else(self):
		# Every decision reads them: a zone typed here would move a person's night to daytime.
		doc = self.new(new_email(), "(212) 555-0123", "+81 3-5555-1234").insert()
		self.assertEqual(doc.phone_time_zones, "America/New_York\nAsia/Tokyo")
		doc.phone_time_zones = "Pacific/Kiritimati"
		doc.save()
		self.assertEqual(
			frappe.db.get_value("Contact Preference", doc.name, "phone_time_zones"),
			"America/New_York\nAsia/Tokyo",
		)
		self.assertIsNone(self.new(new_email()).insert().phone_time_zones)

	def test_people_from_before_the_zones_were_kept_get_them_on_migrate(self):
		from humane_crm.patches import people_phone_time_zones as patch

		ny = self.new(new_email(), "(212) 555-0124").insert()
		both = self.new("(212) 555-0125", "+81 3-5555-1235").insert()
		address = self.new(new_email()).insert()
		people = (ny.name, both.name, address.name)
		frappe.db.sql("update `tabContact Preference` set phone_time_zones = null where name in %s", [people])
		patch.execute()
		self.assertEqual(
			[frappe.db.get_value("Contact Preference", p, "phone_time_zones") for p in people],
			["America/New_York", "America/New_York\nAsia/Tokyo", None],
		)
