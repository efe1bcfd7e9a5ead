# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

from frappe.model.document import Document

from humane_crm.permissions import app_fields


class ContactPreferenceKey(Document):
	"""One email address or phone number a person is known by (normalised by the parent)."""

	def validate(self):
		app_fields.refuse_saving_a_row_alone(self)  # runs only for a row saved without its parent
