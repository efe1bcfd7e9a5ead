# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

from frappe.model.document import Document


class EmpathyChecklistItem(Document):
	pass
