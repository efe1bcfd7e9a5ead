# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

from frappe.model.document import Document


class StopRequest(Document):
	"""A customer asked us to stop: paused at once; a human confirms or dismisses."""

	def validate(self):
		from humane_crm.voice import stop

		stop.refuse_edits(self)
