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


class ContactLimitError(ContactRefused):
	"""A cadence rule's cap, minimum gap or cool-off would be broken."""


class OutsideContactHoursError(ContactRefused):
	"""It is outside the hours or days a rule allows, in the person's time zone."""


class ReasonRequiredError(ContactRefused):
	"""An "Allow with reason" rule would be broken and no reason was given."""


class InvalidRuleError(frappe.ValidationError):
	"""A Contact Cadence Rule that cannot work (no window, from == to hours, …)."""


class InvalidTimeZoneError(frappe.ValidationError):
	"""A time zone name that is not an IANA zone."""


class NoOverrideError(frappe.ValidationError):
	"""An override pass was asked for where none may be given."""


# Reviewed templates and held messages


class TemplateReviewError(frappe.ValidationError):
	"""A review action that does not fit the template's state (e.g. approving a Draft)."""


class SelfApprovalError(frappe.PermissionError):
	"""The author or last content editor of a template cannot approve it (four eyes)."""


class TemplateNotApprovedError(frappe.ValidationError):
	"""A template that is not Approved cannot be enabled or used."""


class UnfilledPlaceholderError(frappe.ValidationError):
	"""An outgoing message still holds placeholders nobody filled in."""


class PersonalNoteRequiredError(frappe.ValidationError):
	"""A template that requires a personal note was sent without enough of the sender's own words."""


class MessageHeld(frappe.ValidationError):
	"""An automated message to a CRM person was held for a human; nothing was sent."""


class HeldMessageError(frappe.ValidationError):
	"""A held message cannot be released or discarded as asked."""


# Complaints


class ChecklistConflictError(frappe.ValidationError):
	"""Only one Empathy Checklist may be active per record type."""


class ComplaintError(frappe.ValidationError):
	"""A complaint action that does not fit its state (e.g. resolving without a follow-up)."""


class ComplaintChecklistError(ContactRefused):
	"""A reply to an open complaint before every required checklist item is ticked."""


class TemplateOnlyReplyError(ContactRefused):
	"""A reply to an open complaint that is only a template, with nothing of the sender's own."""


# Bad input


class InvalidInputError(frappe.ValidationError):
	"""A caller sent an argument of the wrong kind (a dict where a name is expected, a date that is
	not one, malformed JSON); nothing was changed."""


class UnknownChannelError(InvalidInputError):
	"""A channel that is not Email, Call, SMS or WhatsApp."""


class TooManyRecipientsError(InvalidInputError):
	"""More recipients in one batch check than one call may ask about."""


# Written only by the app


class SetByTheAppError(frappe.ValidationError):
	"""A direct write (REST, set_value, a child row, an import) to a field a decision relies on,
	which only the app's own actions set: keys, who set a status and when, review authors and
	fingerprints, checklist ticks."""


# The customer's own voice


class StopRequestError(frappe.ValidationError):
	"""A stop request decided twice, edited directly, or dismissed without a reason."""
