# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

from frappe.model.document import Document


class ContactOverride(Document):
	"""A single 15-minute pass past the cadence rules, granted by humane_crm.api.override_next_contact."""
