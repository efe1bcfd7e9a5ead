# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime

from humane_crm.constants import PREFERENCE_MANAGERS
from humane_crm.exceptions import InvalidPreferenceError, PreferenceLockedError
from humane_crm.people import identities
from humane_crm.permissions import app_fields
from humane_crm.policy import preferences as core
from humane_crm.policy.identity import phone_zones, zones_text
from humane_crm.policy.preferences import CHANNEL_FIELDS, CUSTOMER_SOURCES, STRICTNESS  # noqa: F401
from humane_crm.utils import clock

# Who may relax what the customer asked for themselves.
# Set only by the app: the keys (learnt from the person's records, `ledger.person_for`) and who set
# the status and when (stamped below).
APP_FIELDS = ("identities", "status_set_by", "status_set_on")
# What the person asked for: set through the app's action (Contact on a lead or deal, or
# humane_crm.api.set_contact_preference), which checks who may relax a customer's own choice.
WISH_FIELDS = (
	"status",
	"paused_until",
	"reason",
	"source",
	*CHANNEL_FIELDS,
	"reference_doctype",
	"reference_name",
)


class ContactPreference(Document):
	"""One person, the keys they are known by, and what they asked of us."""

	def validate(self):
		self.normalize_keys()
		app_fields.refuse_changes(
			self,
			APP_FIELDS,
			_(
				"A person's emails and phone numbers are learnt from their leads, deals and contacts; change those. To change what they asked for, use Contact on their lead or deal."
			),
		)
		app_fields.refuse_changes(
			self,
			WISH_FIELDS,
			_(
				"What a person asked for is changed from their lead or deal (Contact → Pause contact, Do Not Contact, Allow contact again), which records who and why."
			),
			exc=PreferenceLockedError,
		)
		self.validate_pause()
		self.keep_customer_choice()
		self.stamp_change()

	def normalize_keys(self):
		seen = set()
		for row in list(self.identities):
			key = normalized_key(row.identity, row.idx)
			if key in seen:
				self.remove(row)
				continue
			seen.add(key)
			row.identity, row.kind = key, "Email" if "@" in key else "Phone"
		# Derived from the keys, as `ledger` keeps it when it writes keys directly.
		self.phone_time_zones = zones_text(phone_zones(seen))

	def validate_pause(self):
		if self.status != "Paused":
			self.paused_until = None
			return
		if not self.paused_until:
			frappe.throw(
				_("A pause needs an end: set Paused Until."),
				exc=InvalidPreferenceError,
				title=_("Pause with no end"),
			)
		self.paused_until = self.pause_end()
		if self.has_value_changed("paused_until") and clock.aware(self.paused_until) <= clock.now():
			frappe.throw(
				_("Paused Until must be in the future; to allow contact now, set the status to Open."),
				exc=InvalidPreferenceError,
				title=_("Pause already over"),
			)

	def pause_end(self):
		"""Paused Until as a time, whatever form it was sent in ("20300201T000000" included)."""
		try:
			when = get_datetime(self.paused_until)
		except Exception:
			when = None
		if when is None:
			frappe.throw(
				_("Paused Until “{0}” is not a date and time; give it as YYYY-MM-DD HH:MM:SS.").format(
					frappe.utils.escape_html(str(self.paused_until))
				),
				exc=InvalidPreferenceError,
				title=_("Not a date"),
			)
		return clock.naive(when)

	def keep_customer_choice(self):
		"""A Do Not Contact, pause or opt-out the customer set themselves is relaxed only by a manager."""
		before = self.get_doc_before_save()
		if not before or before.source not in CUSTOMER_SOURCES or not relaxes(before, self):
			return
		if self.flags.by_the_customer or set(PREFERENCE_MANAGERS) & set(frappe.get_roles()):
			return
		frappe.throw(
			_(
				"{0} set “{1}” themselves (source: {2}, on {3}). Only a Sales Manager or Cadence Manager can relax it; ask one of them, with the customer's own request."
			).format(
				before.person_name or self.name,
				_(before.status),
				_(before.source),
				frappe.utils.format_datetime(before.status_set_on)
				if before.status_set_on
				else _("an earlier date"),
			),
			exc=PreferenceLockedError,
			title=_("The customer's own choice"),
		)

	def stamp_change(self):
		if self.is_new() or any(
			self.has_value_changed(f) for f in ("status", "paused_until", "source", *CHANNEL_FIELDS)
		):
			self.status_set_by = frappe.session.user
			self.status_set_on = clock.naive(clock.now())


def normalized_key(value: str | None, idx: int) -> str:
	"""A person's key as stored: an email address or phone number normalised; anything else refused
	(`idx`: the row, for the sentence). Also used by `ledger._new_person`, which inserts directly."""
	value = (value or "").strip()
	key = identities.email_key(value) or identities.phone_key(value)
	if not key:
		frappe.throw(
			_("Row {0}: “{1}” is neither an email address nor a phone number.").format(idx, value),
			exc=InvalidPreferenceError,
			title=_("Not an email or phone"),
		)
	return key


def relaxes(before, after) -> bool:
	"""Does `after` allow any contact that `before` refused?"""
	return core.relaxes(_facts(before), _facts(after))


def _facts(doc) -> dict:
	facts = {f: doc.get(f) for f in ("status", "source", *CHANNEL_FIELDS)}
	facts["paused_until"] = clock.naive(get_datetime(doc.paused_until)) if doc.paused_until else None
	return facts
