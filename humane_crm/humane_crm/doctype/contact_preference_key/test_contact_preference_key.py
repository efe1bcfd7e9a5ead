# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe

from humane_crm.tests.utils import HumaneTestCase


class TestContactPreferenceKey(HumaneTestCase):
	def test_identity_lookup_is_an_index_read(self):
		# The decision finds people by identity: that must never be a scan.
		indexes = frappe.db.sql(
			"show index from `tabContact Preference Key` where Column_name = 'identity'", as_dict=True
		)
		self.assertTrue(indexes)
		self.assertTrue(all(i.Non_unique == 0 for i in indexes))
