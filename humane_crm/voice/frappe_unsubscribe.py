"""Frappe's own unsubscribe and the person's preference say the same thing, both ways.

- The preference refuses email for good (Do Not Contact, or opted out of email) ⇔
  `Contact.unsubscribed` on each Contact with one of their addresses; email allowed again ⇒ that
  flag cleared and Frappe's *Email Unsubscribe* rows for their addresses removed, so an old click on
  Frappe's link does not silently keep dropping what the customer allowed again. The app does not
  write a global Email Unsubscribe itself: Frappe would then drop the mail silently before the app's
  gate could refuse it with its explanation (and keep the draft, and tell the sender), and an answer
  to the person's own message in the reply window could never go. A pause is temporary, and Frappe
  has no such thing: it is not mirrored.
- Frappe's unsubscribe link (an *Email Unsubscribe*, global or for one record) or a Contact marked
  Unsubscribed ⇒ the person opts out of email (source Unsubscribe). Deleting the last Email
  Unsubscribe for an address, or unticking Unsubscribed, lets email through again — through the
  app's one write, so a customer's own choice is still relaxed only by a manager.

Each side's write is flagged so the other's handler does not echo it back.
"""

from __future__ import annotations

import frappe
from frappe import _

from humane_crm.people import identities, ledger, scope
from humane_crm.people.preferences import save_preference

_MIRRORING = "humane_crm_mirroring_unsubscribe"
_CONTACTS_ONLY = "contacts only"  # a change that came from an Email Unsubscribe: mirror to Contacts only


def _mirroring():
	return frappe.flags.get(_MIRRORING)


def _set_mirroring(value) -> None:
	frappe.flags[_MIRRORING] = value


def refuses_email(doc) -> bool:
	return doc.status == "Do Not Contact" or bool(doc.opt_out_email)


# The preference → Frappe
# ------------------


def preference_changed(doc, method=None) -> None:
	"""Contact Preference on_update."""
	mirroring = _mirroring()
	if mirroring and mirroring != _CONTACTS_ONLY:
		return
	emails = [row.identity for row in doc.identities if row.identity and "@" in row.identity]
	if not emails:
		return
	refuse = refuses_email(doc)
	_set_mirroring(True)
	try:
		for email in emails:
			if mirroring != _CONTACTS_ONLY and not refuse:
				for name in frappe.get_all("Email Unsubscribe", {"email": email}, pluck="name"):
					frappe.delete_doc("Email Unsubscribe", name, ignore_permissions=True, force=True)
			for contact in frappe.get_all(
				"Contact Email", {"email_id": email, "parenttype": "Contact"}, pluck="parent"
			):
				frappe.db.set_value("Contact", contact, "unsubscribed", int(refuse), update_modified=False)
	finally:
		_set_mirroring(mirroring)


# Frappe → the preference
# ------------------


def speaks_for_the_person(doc) -> bool:
	"""Does this Email Unsubscribe say something about contacting a CRM person? A global one, or
	one about a governed record, for an address in CRM. (One about another document — "no more mail
	about this invoice" — is Frappe's alone, and nobody outside CRM becomes a person.)"""
	if not (doc.global_unsubscribe or scope.is_governed_record(doc.reference_doctype, doc.reference_name)):
		return False
	key = identities.email_key(doc.email)
	return bool(key) and (
		bool(scope.crm_addresses([key]))
		or scope.is_governed_record(doc.reference_doctype, doc.reference_name)
	)


def unsubscribed(doc, method=None) -> None:
	"""Email Unsubscribe after_insert: Frappe's link was clicked (or an admin added one)."""
	if not _mirroring() and speaks_for_the_person(doc):
		_set_email(identities.email_key(doc.email), True, _("Frappe's unsubscribe link"), _CONTACTS_ONLY)


def unsubscribe_removed(doc, method=None) -> None:
	"""Email Unsubscribe on_trash: the last one for an address lets email through again."""
	if _mirroring() or not speaks_for_the_person(doc):
		return
	others = frappe.get_all("Email Unsubscribe", {"email": doc.email, "name": ("!=", doc.name)}, limit=1)
	if not others:
		_set_email(
			identities.email_key(doc.email),
			False,
			_("Email Unsubscribe {0} removed").format(doc.name),
			_CONTACTS_ONLY,
		)


def contact_changed(doc, method=None) -> None:
	"""Contact on_update: Unsubscribed ticked or unticked on a Contact."""
	if _mirroring() or not doc.has_value_changed("unsubscribed"):
		return
	for row in doc.get("email_ids") or []:
		_set_email(
			identities.email_key(row.email_id),
			bool(doc.unsubscribed),
			_("Contact {0} marked Unsubscribed").format(doc.name)
			if doc.unsubscribed
			else _("Contact {0} no longer Unsubscribed").format(doc.name),
		)


def _set_email(key: str | None, refuse: bool, why: str, mirror=None) -> None:
	"""Opt the person with this address out of email (or back in), when it changes anything."""
	if not key:
		return
	person = ledger.persons_holding({key}).get(key)
	if not person:
		if not refuse:
			return
		person = ledger.person_for(frozenset({key}))
	doc = frappe.get_doc("Contact Preference", person)
	if bool(doc.opt_out_email) == refuse:
		return
	values = {"opt_out_email": int(refuse), "reason": why}
	if refuse:
		values["source"] = "Unsubscribe"
	elif doc.source == "Unsubscribe":
		values["source"] = "Agent"
	# Tightening needs nobody's permission (Frappe's link is clicked by a guest); relaxing is the
	# user's own change, checked as any other.
	doc.flags.ignore_permissions = refuse
	_set_mirroring(mirror)
	try:
		save_preference(doc, values)
	finally:
		_set_mirroring(None)
