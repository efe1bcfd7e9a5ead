# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

from frappe.model.document import Document

from humane_crm.permissions import app_fields


class ComplaintChecklistAnswer(Document):
	"""One item of a complaint's empathy checklist: ticked only by the Tick action, on the complaint."""

	def validate(self):
		app_fields.refuse_saving_a_row_alone(self)  # runs only for a row saved without its parent
