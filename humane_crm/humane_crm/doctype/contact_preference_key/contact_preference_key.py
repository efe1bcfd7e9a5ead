# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ContactPreferenceKey(Document):
	"""One email address or phone number a person is known by (normalised by the parent)."""
