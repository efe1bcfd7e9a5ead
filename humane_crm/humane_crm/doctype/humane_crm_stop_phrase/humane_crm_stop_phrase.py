# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

from frappe.model.document import Document


class HumaneCRMStopPhrase(Document):
	"""A phrase that asks us to stop (Humane CRM Settings → Stop Phrases)."""

	pass
