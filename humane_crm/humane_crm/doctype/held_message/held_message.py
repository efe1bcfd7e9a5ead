# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model import no_value_fields
from frappe.model.document import Document

from humane_crm.exceptions import HeldMessageError
from humane_crm.utils.actions import by_action

EDITABLE_WHILE_HELD = ("recipients", "cc", "bcc", "subject", "content")


class HeldMessage(Document):
	"""An automated email to a CRM person, kept until a human releases or discards it."""

	def validate(self):
		self.keep_the_outcome()

	def keep_the_outcome(self):
		"""A released or discarded message is history: nothing in it changes any more."""
		if self.is_new() or by_action(self):
			return
		before = self.get_doc_before_save()
		if before and before.status != "Held":
			frappe.throw(
				_("This message was already {0}; it cannot be changed.").format(_(before.status).lower()),
				exc=HeldMessageError,
				title=_("Already {0}").format(_(before.status)),
			)
		changed = [
			f.fieldname
			for f in self.meta.fields
			if f.fieldname not in EDITABLE_WHILE_HELD
			and f.fieldtype not in no_value_fields
			and before
			and (before.get(f.fieldname) or None) != (self.get(f.fieldname) or None)
		]
		if changed:
			frappe.throw(
				_(
					"Only the recipients, subject and message of a held message can be edited; not {0}."
				).format(", ".join(self.meta.get_label(f) for f in changed)),
				exc=HeldMessageError,
				title=_("Not editable"),
			)

	@frappe.whitelist()
	def release(self):
		from humane_crm.held import release

		return release.release(self)

	@frappe.whitelist()
	def discard(self, reason: str):
		from humane_crm.held import release

		return release.discard(self, reason)


def has_permission(doc, ptype=None, user=None):
	"""Agents see and act on held messages only for records they can read."""
	from humane_crm.held import release

	return release.may_access(doc, user)
