# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe

from humane_crm.exceptions import SetByTheAppError
from humane_crm.tests.utils import IntegrationTestCase


class TestCustomerLink(IntegrationTestCase):
	def test_a_link_is_made_only_by_the_app(self):
		doc = frappe.get_doc(
			{"doctype": "Customer Link", "person": "x", "token_hash": "0" * 64, "token_secret": "x"}
		)
		doc.flags.ignore_links = True
		with self.assertRaises(SetByTheAppError):
			doc.insert(ignore_permissions=True)
		frappe.db.rollback()
