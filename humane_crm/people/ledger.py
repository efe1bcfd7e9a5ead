"""The Contact Attempt ledger and the person records it hangs on.

A person is a Contact Preference: created the first time we touch or hear from someone, found
again by any of their keys (each key belongs to one person: a unique index enforces it, which
also settles two first contacts racing to create the same person).
"""

from __future__ import annotations

from typing import NamedTuple

import frappe
from pymysql.err import IntegrityError

from humane_crm.cadence.facts import PersonVerdict
from humane_crm.cadence.inflight import InFlight
from humane_crm.policy.identity import phone_zones, zones_text
from humane_crm.utils import clock

# A second insert of a unique identity: Frappe raises UniqueValidationError for a `unique` field
# (DuplicateEntryError for a duplicate name).
DUPLICATE = (frappe.DuplicateEntryError, frappe.UniqueValidationError)


def persons_holding(keys, lock: bool = False) -> dict[str, str]:
	"""key → Contact Preference name, for the keys that belong to someone.

	`lock` makes it a locking read (in share mode), which sees rows committed after this
	transaction began (a plain read under REPEATABLE READ would not)."""
	if not keys:
		return {}
	rows = frappe.db.sql(
		f"""select identity, parent from `tabContact Preference Key`
		where parenttype = 'Contact Preference' and identity in %(keys)s {"lock in share mode" if lock else ""}""",
		{"keys": tuple(keys)},
	)
	return dict(rows)


def person_for(keys: frozenset, title: str | None = None) -> str:
	"""The Contact Preference for these keys; created, or taught the keys it lacks, as needed."""
	return resolve(keys, title).name


class Resolved(NamedTuple):
	name: str  # the person
	held: dict[str, str] | None  # key → person for every key, when certain (see `resolve`)
	created: str | None  # the new person's name (person_name) when this call created them


def resolve(keys: frozenset, title: str | None = None, known: dict[str, str] | None = None) -> Resolved:
	"""The Contact Preference for these keys (created, or taught the keys it lacks, as needed), and
	key → person for every key when that is certain: each key was found held, or was just written
	by this transaction. `held` is None when another transaction raced this one for a key: only a
	locking read then tells who holds it (`cadence.query._fetch_locked` makes it).

	When two first contacts race to create the same person, the loser's insert of the unique key
	fails (InnoDB undoes the failed statement, nothing else) and finds the winner's person with a
	locking read (a plain read under REPEATABLE READ would not see it). The loser keeps a shared
	lock on that key row, which is why the send path locks key rows only in share mode and
	serialises on the person row instead (see `cadence.query._fetch_locked`): two losers never both wait
	to upgrade a shared lock, so they cannot deadlock.

	`known`: key → person for those of `keys` someone holds, when the caller read it already (the
	same plain read, made with the record's: `identities.SendFacts.held`).
	"""
	held = dict(known) if known is not None else persons_holding(keys)
	raced = False
	if not held:
		try:
			name, stored, person_name = _new_person(keys, title)
			return Resolved(name, {k: name for k in keys} if stored == set(keys) else None, person_name)
		except Exception as e:
			if not is_duplicate(e):
				raise
			held, raced = persons_holding(keys, lock=True), True
	name = min(held.values())
	missing = sorted(set(keys) - set(held))
	added = _add_keys(name, missing) if missing else True
	if raced or not added:
		return Resolved(name, None, None)
	return Resolved(name, {**held, **dict.fromkeys(missing, name)}, None)


def is_duplicate(e: Exception) -> bool:
	"""A second insert of a unique identity (or of a name), by `frappe.db.sql` or a Document."""
	return isinstance(e, DUPLICATE) or (isinstance(e, IntegrityError) and frappe.db.is_duplicate_entry(e))


def _new_person(keys: frozenset, title: str | None) -> tuple[str, set[str], str]:
	"""A new Open person holding `keys`, by two plain inserts: the first touch of someone happens
	inside a send, and Contact Preference's insert machinery costs more than the send itself
	(defaults and meta reads, a Version nobody reads, every global doc handler, a cache clear).
	The keys go first: a key another transaction holds fails that one statement, before anything
	else was written (no savepoint needed). Returns the name, the keys stored and the person_name.

	It writes exactly what the doctype's validation would leave: each key normalised (one that is
	neither an email nor a phone number is refused, as the form refuses it), duplicates dropped,
	the status Open, stamped with who and when; nothing to mirror to Frappe's unsubscribe (an
	Open person without opt-outs says nothing there)."""
	from humane_crm.humane_crm.doctype.contact_preference.contact_preference import normalized_key

	stored = list(dict.fromkeys(normalized_key(k, i) for i, k in enumerate(sorted(keys), start=1)))
	now = clock.naive(clock.now())
	user = frappe.session.user
	name = frappe.generate_hash(length=10)  # the doctype's "hash" naming
	common = {"creation": now, "modified": now, "owner": user, "modified_by": user, "docstatus": 0}
	_insert(
		"Contact Preference Key",
		[
			{
				"name": frappe.generate_hash(length=10),
				**common,
				"idx": i,
				"parent": name,
				"parenttype": "Contact Preference",
				"parentfield": "identities",
				"identity": key,
				"kind": "Phone" if key.startswith("+") else "Email",
			}
			for i, key in enumerate(stored, start=1)
		],
	)
	person_name = (title or min(stored))[:140]
	_insert(
		"Contact Preference",
		[
			{
				"name": name,
				**common,
				"idx": 0,
				"person_name": person_name,
				"status": "Open",
				"status_set_by": user,
				"status_set_on": now,
				"phone_time_zones": zones_text(phone_zones(stored)),
			}
		],
	)
	return name, set(stored), person_name


def _insert(doctype: str, rows: list[dict]) -> None:
	frappe.db.sql(*_insert_sql(doctype, rows))


def _insert_sql(doctype: str, rows: list[dict]) -> tuple[str, list]:
	columns = list(rows[0])
	return (
		f"insert into `tab{doctype}` ({', '.join(f'`{c}`' for c in columns)}) values "
		+ ", ".join(f"({', '.join(['%s'] * len(columns))})" for _row in rows),
		[row[c] for row in rows for c in columns],
	)


def _add_keys(name: str, keys: list[str]) -> bool:
	"""Teach a person keys it lacks, row by row (the person may have been committed by another
	transaction after this one's snapshot, so it is not loaded as a document). False when another
	person already held one of them."""
	added, taught = True, []
	idx = frappe.db.sql(
		"select coalesce(max(idx), 0) from `tabContact Preference Key` where parent = %s", name
	)[0][0]
	for i, key in enumerate(keys, start=idx + 1):
		row = frappe.get_doc(
			{
				"doctype": "Contact Preference Key",
				"parent": name,
				"parenttype": "Contact Preference",
				"parentfield": "identities",
				"identity": key,
				"kind": "Phone" if key.startswith("+") else "Email",
				"idx": i,
			}
		)
		frappe.db.savepoint("humane_crm_keys")
		try:
			row.db_insert()
		except DUPLICATE:
			# Another person already holds it; both keep counting as the same human.
			frappe.db.rollback(save_point="humane_crm_keys")
			added = False
			continue
		taught.append(key)
	zones = phone_zones(taught)
	if zones:
		_add_phone_zones(name, zones)
	return added


def _add_phone_zones(name: str, zones: frozenset[str]) -> None:
	"""Add the zones of phone numbers just taught to the person's `phone_time_zones`: to what the
	latest committed person row says (a locking read: a send teaching them another number meanwhile
	loses nothing), and as a change of the person (`modified`: a form opened before is refused on
	save, as Frappe refuses any form changed since it was opened, rather than write the old zones)."""
	rows = frappe.db.sql(
		"select phone_time_zones from `tabContact Preference` where name = %s for update", name
	)
	if not rows:
		return
	held = frozenset((rows[0][0] or "").split())
	if zones <= held:
		return
	frappe.db.sql(
		"update `tabContact Preference` set phone_time_zones = %s, modified = %s where name = %s",
		(zones_text(held | zones), clock.naive(clock.now()), name),
	)


def record(*args, **kwargs) -> str:
	"""Append one row to the ledger (`row_for`'s arguments) and return its name."""
	row = row_for(*args, **kwargs)
	insert([row])
	return row["name"]


def row_for(
	person: PersonVerdict | frozenset,
	channel: str,
	direction: str,
	outcome: str,
	reference: tuple[str | None, str | None] = (None, None),
	source: tuple[str | None, str | None] = (None, None),
	agent: str | None = None,
	title: str | None = None,
	reason: str | None = None,
	rules: str | None = None,
	key: str | None = None,
	at=None,
) -> dict:
	"""One ledger row, as `record` writes it (its person found or created now)."""
	keys = person.keys if isinstance(person, PersonVerdict) else person
	# The send path resolved and locked its people already: reuse them rather than look again.
	known = person.persons if isinstance(person, PersonVerdict) else None
	now = clock.naive(clock.now())
	return {
		"name": frappe.generate_hash(length=12),
		"owner": frappe.session.user,
		"modified_by": frappe.session.user,
		"creation": now,
		"modified": now,
		"person": min(known) if known else person_for(keys, title),
		"timestamp": clock.naive(at) if at else now,
		"direction": direction,
		"channel": channel,
		"outcome": outcome,
		"agent": agent or frappe.session.user,
		"person_key": key or min(keys),
		"reference_doctype": reference[0],
		"reference_name": reference[1],
		"source_doctype": source[0],
		"source_name": source[1],
		"reason": reason,
		"rules": rules,
	}


def insert(rows: list[dict], wait: bool = True) -> InFlight | None:
	"""Write ledger rows (`row_for`) in one statement.

	An append-only ledger row is on the hot path of every email: one plain insert. It needs none of
	Frappe's insert machinery (no doc events, no realtime list update), and the person's link check
	would be a plain read that cannot see a person committed after this transaction's snapshot (we
	hold its row lock).

	`wait=False` sends it without waiting for MariaDB's answer (`InFlight`): the caller carries on
	while MariaDB writes, and must ask for the answer (`rows()`) before the work is done, which
	raises what MariaDB refused."""
	if not rows:
		return None
	if wait:
		_insert("Contact Attempt", rows)
		return None
	return InFlight(*_insert_sql("Contact Attempt", rows))
