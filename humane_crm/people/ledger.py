"""The Contact Attempt ledger and the person records it hangs on.

A person is a Contact Preference: created the first time we touch or hear from someone, found
again by any of their keys (each key belongs to one person: a unique index enforces it, which
also settles two first contacts racing to create the same person).
"""

from __future__ import annotations

import frappe

from humane_crm.cadence.facts import PersonVerdict
from humane_crm.policy import decision as core
from humane_crm.utils import clock

# A second insert of a unique identity: Frappe raises UniqueValidationError for a `unique` field
# (DuplicateEntryError for a duplicate name).
DUPLICATE = (frappe.DuplicateEntryError, frappe.UniqueValidationError)

OUTCOME_LABELS = {
	core.ALLOW: "Allowed",
	core.WARN: "Warned",
	core.EXEMPT: "Exempt",
	core.BLOCK: "Blocked",
	core.OVERRIDE: "Overridden",
}


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
	"""The Contact Preference for these keys; created, or taught the keys it lacks, as needed.

	When two first contacts race to create the same person, the loser's insert of the unique key
	fails: it rolls back to a savepoint and finds the winner's person with a locking read (a plain
	read under REPEATABLE READ would not see it). The loser keeps a shared lock on that key row —
	InnoDB keeps it even after the savepoint rollback — which is why the send path locks key rows
	only in share mode and serialises on the person row instead (see `cadence.facts._fetch_locked`):
	two losers never both wait to upgrade a shared lock, so they cannot deadlock.
	"""
	held = persons_holding(keys)
	if not held:
		frappe.db.savepoint("humane_crm_person")
		try:
			return _new_person(keys, title)
		except DUPLICATE:
			frappe.db.rollback(save_point="humane_crm_person")
			held = persons_holding(keys, lock=True)
	name = min(held.values())
	missing = sorted(set(keys) - set(held))
	if missing:
		_add_keys(name, missing)
	return name


def _new_person(keys: frozenset, title: str | None) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Contact Preference",
			"person_name": title or min(keys),
			"status": "Open",
			"identities": [{"identity": k} for k in sorted(keys)],
		}
	)
	doc.flags.ignore_permissions = True
	doc.insert()
	return doc.name


def _add_keys(name: str, keys: list[str]) -> None:
	"""Teach a person keys it lacks, row by row (the person may have been committed by another
	transaction after this one's snapshot, so it is not loaded as a document)."""
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


def record(
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
) -> str:
	"""Append one row to the ledger and return its name."""
	keys = person.keys if isinstance(person, PersonVerdict) else person
	# The send path resolved and locked its people already: reuse them rather than look again.
	known = person.persons if isinstance(person, PersonVerdict) else None
	now = clock.naive(clock.now())
	row = {
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
	# An append-only ledger row on the hot path of every email: one plain insert. It needs none of
	# Frappe's insert machinery (no doc events, no realtime list update), and the person's link
	# check would be a plain read that cannot see a person committed after this transaction's
	# snapshot (we hold its row lock).
	frappe.db.sql(
		f"insert into `tabContact Attempt` ({', '.join(f'`{c}`' for c in row)}) values ({', '.join(['%s'] * len(row))})",
		list(row.values()),
	)
	return row["name"]
