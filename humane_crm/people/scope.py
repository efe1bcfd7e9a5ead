"""What the app governs: CRM outreach, and nothing else.

A recipient is governed when the message is about a governed record (default CRM Lead and CRM
Deal; Humane CRM Settings), or a Contact linked to one, or when the address belongs to someone in
CRM: a person the app already knows, a lead, or a contact of a deal. Never governed: the site's own
users (colleagues get CRM's assignment mail, password resets and notifications untouched), mail
about their own account to any user of the site (a portal customer's password reset), and mail
about other records to people who are not in CRM — a site that also runs ERPNext or Helpdesk sees
no difference there.

Every lookup here is an indexed read: users by their unique email, people by their unique key,
leads by their indexed email, deal contacts through CRM Contacts by parent.
"""

from __future__ import annotations

import frappe

from humane_crm.constants import CRM_RECORDS
from humane_crm.policy.identity import mailbox
from humane_crm.utils import cache


def record_types() -> tuple[str, ...]:
	"""The governed record types (kept until the settings change: `utils.cache`)."""
	return cache.kept(cache.GOVERNED_RECORD_TYPES, _read_record_types)


def _read_record_types() -> tuple[str, ...]:
	text = frappe.db.get_single_value("Humane CRM Settings", "governed_record_types") or ""
	types = tuple(line.strip() for line in text.splitlines() if line.strip())
	return types or CRM_RECORDS  # unset or emptied: fail closed, to the defaults


def is_governed_record(doctype: str | None, name: str | None) -> bool:
	if not (doctype and name):
		return False
	if doctype in record_types():
		return True
	return doctype == "Contact" and _contact_in_crm(name)


def _contact_in_crm(contact: str) -> bool:
	return bool(
		frappe.db.sql(
			"select 1 from `tabCRM Contacts` where contact = %s and parenttype in %s limit 1",
			(contact, record_types() or ("",)),
		)
	)


def colleagues(addresses) -> set[str]:
	"""The addresses that are the site's own people: desk users. (A Website User — a customer with a
	portal login, on a site that also runs ERPNext or Helpdesk — is not a colleague.)"""
	addresses = {a for a in addresses if a and "@" in a}
	if not addresses:
		return set()
	return {r[0] for r in frappe.db.sql(COLLEAGUES, [tuple(addresses)])}


# (User's email is indexed by the app: `setup.indexes`.)
COLLEAGUES = "select lower(u.email) from `tabUser` u where u.email in %s and u.user_type = 'System User'"


def crm_addresses(addresses) -> set[str]:
	"""The addresses (identity keys) that belong to someone in CRM, written as they are or as
	another way to their mailbox ("ana+news@x.com" is ana@x.com's: `identity.mailbox`)."""
	mailboxes = {a: mailbox(a) for a in addresses if a}
	found = _crm_addresses(set(mailboxes) | set(mailboxes.values()))
	return {a for a, box in mailboxes.items() if a in found or box in found}


def _crm_addresses(addresses) -> set[str]:
	addresses = {a for a in addresses if a}
	if not addresses:
		return set()
	keys = tuple(addresses)
	found = {
		r[0]
		for r in frappe.db.sql(
			"select identity from `tabContact Preference Key` where identity in %s", [keys]
		)
	}
	emails = tuple(a for a in keys if "@" in a and a not in found)
	if emails and "CRM Lead" in record_types():
		found.update(
			r[0].lower() for r in frappe.db.sql("select email from `tabCRM Lead` where email in %s", [emails])
		)
	emails = tuple(a for a in emails if a not in found)
	if emails:
		found.update(
			r[0].lower()
			for r in frappe.db.sql(
				"""select ce.email_id from `tabCRM Contacts` cc
				join `tabContact Email` ce on ce.parent = cc.contact and ce.parenttype = 'Contact'
				where cc.parenttype in %s and ce.email_id in %s""",
				[record_types() or ("",), emails],
			)
		)
	return found


def account_mail(reference: tuple, keys) -> set[str]:
	"""Of the recipients of mail that no Communication carries, those the site writes to about their
	own account — a password reset, a welcome, a login link — which is mail about no record or about
	their User: never governed, whatever else they are (a lead with a portal login still gets to reset
	their password, and the reset link is never kept for an agent to read)."""
	addresses = {a for a in keys if a and "@" in a}
	if not addresses or reference[0] not in (None, "", "User"):
		return set()
	found = frappe.db.sql(
		"select lower(email), name from `tabUser` where email in %s and enabled = 1", [tuple(addresses)]
	)
	return {email for email, user in found if reference[0] != "User" or reference[1] == user}


def governed(reference: tuple, keys: list[str], record=None) -> list[str]:
	"""Of these recipients (identity keys), the ones whose message is CRM outreach, in order.
	(`record`: the referenced record's facts, when they were read with these recipients: who of
	them is a colleague is known then.)"""
	keys = [k for k in keys if k]
	if not keys:
		return []
	send = record.send if record is not None else None
	users = colleagues(keys) if send is None else {k for k in keys if k.lower() in send.colleagues}
	outside = [k for k in keys if k not in users]
	if not outside:
		return []
	if is_governed_record(*reference):
		return outside
	known = crm_addresses(outside)
	return [k for k in outside if k in known]
