# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe

from humane_crm.exceptions import StopRequestError
from humane_crm.tests.utils import IntegrationTestCase


class TestStopRequest(IntegrationTestCase):
	def test_a_stop_request_is_made_only_from_a_customers_message(self):
		doc = frappe.get_doc(
			{"doctype": "Stop Request", "reference_doctype": "CRM Lead", "reference_name": "x"}
		)
		doc.flags.ignore_links = True
		with self.assertRaises(StopRequestError):
			doc.insert(ignore_permissions=True)
		frappe.db.rollback()
