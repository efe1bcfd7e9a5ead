# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe

from humane_crm.tests.utils import HumaneTestCase


class TestHumaneCRMSettings(HumaneTestCase):
	def test_installed_defaults(self):
		self.assertEqual(frappe.db.get_single_value("Humane CRM Settings", "reply_window_hours"), 72)

	def test_region_is_validated_and_used_for_national_numbers(self):
		from humane_crm.people import identities

		settings = frappe.get_single("Humane CRM Settings")
		settings.default_region = "zz"
		with self.assertRaisesRegex(frappe.ValidationError, "ZZ is not a two-letter country code"):
			settings.save()
		settings = frappe.get_single("Humane CRM Settings")
		settings.default_region = "gb"
		settings.save()
		self.assertEqual(identities.phone_key("020 7946 0018"), "+442079460018")
		settings.default_region = "US"
		settings.save()
		self.assertEqual(identities.phone_key("(415) 555-0100"), "+14155550100")
