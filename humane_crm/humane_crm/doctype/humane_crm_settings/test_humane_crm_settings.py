# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

from unittest.mock import patch

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


class TestCueRowNames(HumaneTestCase):
	def test_a_new_cue_whose_random_name_is_taken_gets_another(self):
		# Frappe names a new child row with a tenth-of-a-second stamp and 30 random bits. A save that
		# writes the whole cue list anew (install, the cue patches, a restore) names a thousand rows
		# within a few tenths, so two of them can draw the same name: the row's doctype is named
		# "hash", which makes Frappe draw again instead of failing the save. Here two rows draw the
		# same name on purpose.
		from frappe.model import naming

		real = naming._generate_random_string
		draws = iter([2, 2])
		settings = frappe.get_single("Humane CRM Settings")
		before = len(settings.complaint_phrases)
		for phrase in ("chargeback fee", "billed twice"):
			settings.append(
				"complaint_phrases", {"language": "en", "kind": "Money", "phrase": phrase, "weight": 2}
			)
		with (
			patch.object(naming, "_get_timestamp_prefix", return_value="zzzz"),
			patch.object(
				naming,
				"_generate_random_string",
				lambda length=10: "q" * length if next(draws, None) else real(length),
			),
		):
			settings.save(ignore_permissions=True)
		saved = frappe.get_single("Humane CRM Settings").complaint_phrases
		self.assertEqual(len(saved), before + 2)
		added = [r for r in saved if r.phrase in ("chargeback fee", "billed twice")]
		self.assertEqual(len({r.name for r in added}), 2)
		self.assertIn("zzzzqqqqqq", {r.name for r in added})
