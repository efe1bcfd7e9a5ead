# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class HumaneCRMSettings(Document):
	def validate(self):
		if self.default_region:
			self.default_region = self.default_region.strip().upper()
			if not frappe.db.exists("Country", {"code": self.default_region.lower()}):
				frappe.throw(
					_("{0} is not a two-letter country code (ISO 3166), e.g. US, GB, IN.").format(
						self.default_region
					),
					title=_("Unknown region"),
				)
