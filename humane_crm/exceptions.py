"""One exception class per kind of refusal, as Frappe's own `frappe/exceptions.py` does.

Each subclasses `frappe.ValidationError` (HTTP 417), so every path — desk, CRM UI, REST, Python,
background jobs — rolls back the refused document and shows the message, which carries the whole
explanation (CRM's UI shows only the message of an error).
"""

import frappe


class ContactRefused(frappe.ValidationError):
	"""Contacting this person now is not allowed."""


class DoNotContactError(ContactRefused):
	"""The person asked not to be contacted at all."""


class ContactPausedError(ContactRefused):
	"""Contact with the person is paused until a date."""


class ChannelOptedOutError(ContactRefused):
	"""The person opted out of this channel."""


class PreferenceLockedError(frappe.PermissionError):
	"""Only a manager may relax a preference the customer set themselves."""


class InvalidPreferenceError(frappe.ValidationError):
	"""A preference that cannot be saved as given (e.g. a pause with no end)."""
