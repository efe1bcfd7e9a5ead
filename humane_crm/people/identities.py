"""Who a record or a message reaches: identity keys gathered from CRM records.

A person is the set of keys one human is known by. A lead is one person; a deal is its own person
plus each of its contacts; a Contact is one person. A recipient address or number that belongs to
one of the record's people stands for all of that person's keys, so a deal whose phone is written
in another format reaches the same Contact Preference as the lead it came from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import frappe

from humane_crm.cadence import query
from humane_crm.cadence.inflight import InFlight
from humane_crm.constants import CRM_RECORDS, DEFAULT_REPLY_WINDOW_HOURS
from humane_crm.policy.identity import (
	is_email_key,
	mailbox,
	normalize_email,
	normalize_phone,
	person_keys,
	phone_zones,
)
from humane_crm.template_review.states import TEMPLATES_STAMP
from humane_crm.utils import cache

Person = frozenset  # of identity keys


def decision_settings() -> dict:
	"""The settings every decision reads — the region for phone numbers written without a country
	code, and the reply window — in one cache read per request (kept until either settings document
	changes: `utils.cache`)."""
	return cache.kept(cache.DECISION_SETTINGS, _read_settings)


def default_region() -> str | None:
	"""The region for phone numbers written without a country code."""
	return decision_settings()["region"] or None


def _read_settings() -> dict:
	region = frappe.db.get_single_value("Humane CRM Settings", "default_region")
	if not region:
		country = frappe.db.get_single_value("System Settings", "country")
		region = frappe.db.get_value("Country", country, "code") if country else None
	hours = frappe.db.get_single_value("Humane CRM Settings", "reply_window_hours")
	return {
		"region": (region or "").upper(),
		"reply_window_hours": DEFAULT_REPLY_WINDOW_HOURS if hours is None else hours,
	}


def email_key(value: str | None) -> str | None:
	return normalize_email(value)


def phone_key(value: str | None) -> str | None:
	return normalize_phone(value, default_region())


def keys_of(emails=(), phones=()) -> Person:
	phones = [p for p in phones if p]
	return person_keys(emails, phones, default_region() if phones else None)  # (the region: phones only)


@dataclass(frozen=True)
class RecordFacts:
	"""What a CRM record says about who it reaches: its people, its status and its time zone."""

	doctype: str | None = None
	name: str | None = None
	people: tuple[Person, ...] = ()
	status: str | None = None
	time_zone: str | None = None
	title: str | None = None
	# Read with a lead's or deal's row on the send path (`record_facts(..., addresses)`), so that a
	# send asks the database once about its record; None when not read.
	send: SendFacts | None = None

	@property
	def templates_stamp(self) -> str | None:
		"""The templates' stamp, when the send read it with this record (`message_check`)."""
		return self.send.templates_stamp if self.send else None


@dataclass(frozen=True)
class SendFacts:
	"""What a send asks about its record and recipients, read with the record's row (`_SEND_FACTS`)."""

	open_complaints: tuple[str, ...]  # the record's Open complaints
	colleagues: frozenset[str]  # of the recipients, the site's desk users' addresses
	looked_up: frozenset[str]  # the recipients' keys whose holders were read
	holders: dict  # key → person: every key of every person holding one of `looked_up`
	templates_stamp: str | None = None  # `TEMPLATES_STAMP`, read with them
	# The send path's locking read of the recipients' people, made in the same statement when the
	# caller asked for it (`record_facts(..., read_ahead=)`, a `cadence.query.Ahead`); else None.
	ahead: object = None

	def held(self, keys) -> dict[str, str] | None:
		"""key → person for those of `keys` someone holds, when this read tells for every one of
		them (each was looked up, or belongs to a person found); None when it does not."""
		if not set(keys) <= self.looked_up | self.holders.keys():
			return None
		return {k: self.holders[k] for k in keys if k in self.holders}


TIME_ZONE_FIELD = "humane_time_zone"


def record_facts(doctype: str | None, name: str | None, addresses=None, read_ahead=None) -> RecordFacts:
	"""The people a CRM record stands for (none for any other record), with its status and zone.

	With `addresses` (a message's recipients), a lead's or deal's row is read with its open
	complaints and which addresses are colleagues', in the same query (`_SEND_FACTS`); and with
	`read_ahead` (called only then: it makes a `cadence.query.Ahead`), the recipients' people are
	locked and read in that statement too, for the decision the send will ask (`SendFacts.ahead`).
	(`SendRead` asks that statement ahead of the answer.)"""
	if addresses is not None and doctype in CRM_RECORDS and name:
		return SendRead(doctype, name, addresses, read_ahead).answer()
	gather = _GATHERERS.get(doctype) if (doctype and name) else None
	return gather(name) if gather else RecordFacts(doctype, name)


class SendRead:
	"""A send's one statement about its record (`record_facts(..., addresses, read_ahead)`), asked
	now and answered by `answer()`.

	With `wait=False` the statement is sent without waiting for it (`InFlight`): MariaDB reads, and
	locks the recipients' people, while the caller's Python runs. An email's `before_validate` asks;
	its `validate` takes the answer if the email still asks the same (`asks`), so the statement's
	time in MariaDB is spent while Frappe validates the Communication, not after."""

	def __init__(self, doctype: str, name: str, addresses, read_ahead=None, wait: bool = True):
		self.doctype, self.name = doctype, name
		self.addresses = _addresses(addresses)
		self.user = frappe.session.user
		self.keys = keys_of(self.addresses)
		self.ahead = read_ahead() if read_ahead else None
		statement, values, self.with_ahead = _send_statement(
			doctype, name, self.addresses, self.keys, self.ahead
		)
		self._sent = None if wait else InFlight(statement, values)
		self._rows = frappe.db.sql(statement, values) if wait else None

	def asks(self, doctype: str | None, name: str | None, addresses) -> bool:
		"""Is this what a send of `addresses` on that record, by this user, would ask now?"""
		return (doctype, name, _addresses(addresses), frappe.session.user) == (
			self.doctype,
			self.name,
			self.addresses,
			self.user,
		)

	def answer(self) -> RecordFacts:
		rows = self._rows if self._sent is None else self._sent.rows()
		if self.with_ahead:
			self.ahead.take([r for r in rows if r[0] != "r"])
		found = [r[2] for r in rows if r[0] == "r"]
		if not found:
			return RecordFacts(self.doctype, self.name)
		row = frappe._dict(zip((*_columns(self.doctype), *_SEND_COLUMNS), json.loads(found[0]), strict=True))
		cache.kept_as_of(row.humane_kept_stamp)  # the settings and rules, without asking Redis
		holders = dict(line.split(" ", 1) for line in (row.humane_holders or "").splitlines())
		query.remember_holders(holders)  # (the next send to them names them by value)
		send = SendFacts(
			tuple((row.humane_open_complaints or "").splitlines()),
			frozenset((row.humane_colleagues or "").splitlines()),
			self.keys,  # the recipients' keys the holders were read for
			holders,
			row.humane_templates_stamp,
			self.ahead if self.with_ahead else None,
		)
		return _GATHERERS[self.doctype](self.name, row, send)


def _addresses(addresses) -> tuple[str, ...]:
	return tuple(sorted({a.lower() for a in addresses if a and "@" in a})) or ("",)


def record_people(doctype: str | None, name: str | None) -> list[Person]:
	return list(record_facts(doctype, name).people)


# A record's Open complaints (record %(doctype)s %(name)s; Complaint's reference_name is indexed).
OPEN_COMPLAINTS = "reference_name = %(name)s and reference_doctype = %(doctype)s and status = 'Open'"


# What a send also asks, in its record's own query: the record's Open complaints (indexed by
# reference_name), which recipients are desk users (User's unique email), and who holds the
# recipients' keys with all of each holder's keys (unique identity, then the holder's rows by
# parent): the plain read `ledger.resolve` would make; the templates' stamp, which the message
# check would read on its own (`message_check.known_templates`); and the kept settings' and rules'
# stamp, so that the send asks Redis nothing for them (`cache.kept_as_of`).
_SEND_FACTS = f"""(select group_concat(c.name separator '\\n') from `tabComplaint` c
	where {OPEN_COMPLAINTS}),
	(select group_concat(lower(u.email) separator '\\n') from `tabUser` u
	where u.email in %(addresses)s and u.user_type = 'System User'),
	(select group_concat(k2.identity, ' ', k2.parent separator '\\n') from `tabContact Preference Key` k1
	join `tabContact Preference Key` k2 on k2.parent = k1.parent and k2.parenttype = 'Contact Preference'
	where k1.parenttype = 'Contact Preference' and k1.identity in %(keys)s),
	({TEMPLATES_STAMP}),
	({cache.KEPT_STAMP})"""
_SEND_COLUMNS = (
	"humane_open_complaints",
	"humane_colleagues",
	"humane_holders",
	"humane_templates_stamp",
	"humane_kept_stamp",
)


_FIELDS = {
	"CRM Lead": ("email", "mobile_no", "phone", "status", "lead_name", TIME_ZONE_FIELD),
	"CRM Deal": ("email", "mobile_no", "phone", "lead", "status", "lead_name", TIME_ZONE_FIELD),
}


def _columns(doctype: str) -> tuple[str, ...]:
	"""The record's fields (`_FIELDS`) its doctype has."""
	known = frappe.local.cache.setdefault("humane_crm_fields", {})
	if doctype not in known:
		meta = frappe.get_meta(doctype)
		known[doctype] = tuple(f for f in _FIELDS[doctype] if meta.has_field(f))
	return known[doctype]


def _row(doctype: str, name: str) -> frappe._dict | None:
	"""One record's fields, by a plain parameterised query: this runs for every outbound touch,
	and frappe.db.get_value's field parsing costs more than the read."""
	rows = frappe.db.sql(
		f"select {', '.join(f'`{f}`' for f in _columns(doctype))} from `tab{doctype}` where name = %(name)s",
		{"name": name},
		as_dict=True,
	)
	return rows[0] if rows else None


def _send_statement(doctype: str, name: str, addresses: tuple, keys, ahead) -> tuple[str, dict, bool]:
	"""The send path's statement (`SendRead`): the record's row and what the send asks with it as
	one JSON array (one column for the driver to decode, not a dozen), in a UNION with the parts
	`ahead` reads; and whether they are in it (not for more keys than `query.FEW`)."""
	values = {"name": name, "doctype": doctype, "addresses": addresses, "keys": tuple(keys) or ("",)}
	statement = f"""(select 'r', '', json_array({", ".join(f"`{f}`" for f in _columns(doctype))}, {_SEND_FACTS})
		collate utf8mb4_bin from `tab{doctype}` where name = %(name)s)"""
	also = ahead.statement(keys) if ahead is not None else None
	if also:
		statement = f"{statement} union all {also[0]}"
		values.update(also[1])
	return statement, values, bool(also)


def _lead(name: str, row: frappe._dict | None = None, send: SendFacts | None = None) -> RecordFacts:
	row = row or _row("CRM Lead", name)
	if not row:
		return RecordFacts("CRM Lead", name)
	person = keys_of([row.email], [row.mobile_no, row.phone])
	return RecordFacts(
		"CRM Lead",
		name,
		(person,) if person else (),
		row.status,
		row.get(TIME_ZONE_FIELD),
		row.lead_name,
		send,
	)


def _deal(name: str, row: frappe._dict | None = None, send: SendFacts | None = None) -> RecordFacts:
	row = row or _row("CRM Deal", name)
	if not row:
		return RecordFacts("CRM Deal", name)
	# The lead a deal was converted from is the same human as the deal's own person.
	own = keys_of([row.email], [row.mobile_no, row.phone]).union(
		*(_lead(row.lead).people if row.lead else ())
	)
	people = [own] if own else []
	contacts = frappe.get_all(
		"CRM Contacts", filters={"parent": name, "parenttype": "CRM Deal"}, pluck="contact"
	)
	people.extend(p for p in contact_people(contacts) if p not in people)
	return RecordFacts(
		"CRM Deal",
		name,
		tuple(people),
		row.status,
		row.get(TIME_ZONE_FIELD),
		row.lead_name,
		send,
	)


def contact_people(contacts: list[str]) -> list[Person]:
	"""The person each Contact is, in two queries however many contacts (a deal's are read on every send)."""
	contacts = [c for c in contacts if c]
	if not contacts:
		return []
	emails, phones = {}, {}
	for parent, email in frappe.db.sql(
		"select parent, email_id from `tabContact Email` where parenttype = 'Contact' and parent in %s",
		[contacts],
	):
		emails.setdefault(parent, []).append(email)
	for parent, phone in frappe.db.sql(
		"select parent, phone from `tabContact Phone` where parenttype = 'Contact' and parent in %s",
		[contacts],
	):
		phones.setdefault(parent, []).append(phone)
	people = (keys_of(emails.get(c, ()), phones.get(c, ())) for c in contacts)
	return [p for p in people if p]


def _contact(name: str) -> RecordFacts:
	if not name:
		return RecordFacts("Contact", name)
	return RecordFacts(
		"Contact",
		name,
		tuple(contact_people([name])),
		None,
		None,
		frappe.db.get_value("Contact", name, "full_name"),
	)


_GATHERERS = {"CRM Lead": _lead, "CRM Deal": _deal, "Contact": _contact}


def crm_records(persons) -> dict[Person, tuple[tuple[str, str | None], ...]]:
	"""Each person's leads and deals as (doctype, status) pairs, in two queries however many
	people: leads by their (indexed) email, deals by the lead they came from. (Phone numbers and a
	deal's contacts are not read: CRM does not index them.)"""
	emails = {k for p in persons for k in p if is_email_key(k)}
	if not emails:
		return {}
	leads = frappe.db.sql(
		"select name, lower(email), status from `tabCRM Lead` where email in %s", [tuple(emails)]
	)
	deals = (
		frappe.db.sql("select lead, status from `tabCRM Deal` where lead in %s", [tuple(r[0] for r in leads)])
		if leads
		else ()
	)
	deals_of: dict[str, list] = {}
	for lead, status in deals:
		deals_of.setdefault(lead, []).append(("CRM Deal", status))
	of_email: dict[str, list] = {}
	for lead, email, status in leads:
		of_email.setdefault(email, []).extend([("CRM Lead", status), *deals_of.get(lead, ())])
	found = {}
	for person in persons:
		pairs = [pair for key in sorted(person) for pair in of_email.get(key, ())]
		if pairs:
			found[person] = tuple(dict.fromkeys(pairs))
	return found


def reached(contact_keys: list[str], people: list[Person]) -> list[Person]:
	"""The people reached by these addresses or numbers, given the record's people.

	An address that belongs to one of the record's people stands for all of that person's keys;
	any other address is a person of its own. An address written another way to a mailbox
	("ana+news@x.com", "a.na@gmail.com") is decided with that mailbox too (`identity.mailbox`).
	"""
	out: list[Person] = []
	for key in contact_keys:
		written = frozenset({key, mailbox(key)})  # the mailbox: a key of whoever holds it
		match = [p for p in people if written & p]
		person = written.union(*match)
		if person not in out:
			out.append(person)
	return out


def record_owner(doctype: str | None, name: str | None) -> str | None:
	"""Who a lead or deal belongs to: its lead or deal owner, else whoever created it."""
	if doctype not in CRM_RECORDS or not name:
		return None
	owner_field = "lead_owner" if doctype == "CRM Lead" else "deal_owner"
	row = frappe.db.get_value(doctype, name, [owner_field, "owner"], as_dict=True)
	return (row.get(owner_field) or row.owner) if row else None


def display_name(doctype: str | None, name: str | None) -> str | None:
	if not (doctype and name) or doctype not in _GATHERERS:
		return None
	title_field = {"CRM Lead": "lead_name", "CRM Deal": "lead_name", "Contact": "full_name"}[doctype]
	return frappe.db.get_value(doctype, name, title_field) or name


def phone_zone(keys, held: frozenset[str] = frozenset()) -> str | None:
	"""The person's zone from their phone numbers — those among `keys` and those of whoever holds
	them (`held`: their Contact Preferences' `phone_time_zones`) — when `phonenumbers` gives exactly
	one."""
	zones = phone_zones(keys) | held
	return next(iter(zones)) if len(zones) == 1 else None
