# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CustomerLink(Document):
	"""One person's link to their contact choices: random, per person, found by its hash."""

	def validate(self):
		from humane_crm.voice import links

		links.refuse_edits(self)
