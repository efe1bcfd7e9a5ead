"""The Contact Attempt ledger and the person records it hangs on.

A person is a Contact Preference: created the first time we touch or hear from someone, found
again by any of their keys (each key belongs to one person: a unique index enforces it, which
also settles two first contacts racing to create the same person).
"""

from __future__ import annotations

import frappe

from humane_crm import clock
from humane_crm.contact import PersonVerdict
from humane_crm.policy import decision as core

OUTCOME_LABELS = {
	core.ALLOW: "Allowed",
	core.WARN: "Warned",
	core.EXEMPT: "Exempt",
	core.BLOCK: "Blocked",
	core.OVERRIDE: "Overridden",
}


def persons_holding(keys, lock: bool = False) -> dict[str, str]:
	"""key → Contact Preference name, for the keys that belong to someone.

	`lock` makes it a locking read, which sees rows committed after this transaction began
	(a plain read under REPEATABLE READ would not)."""
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
	held = persons_holding(keys)
	if not held:
		frappe.db.savepoint("humane_crm_person")
		try:
			return _new_person(keys, title)
		except frappe.DuplicateEntryError:
			# Someone created this person first: undo our half-written one and use theirs.
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
	doc = frappe.get_doc("Contact Preference", name)
	for key in keys:
		doc.append("identities", {"identity": key})
	doc.flags.ignore_permissions = True
	frappe.db.savepoint("humane_crm_keys")
	try:
		doc.save()
	except frappe.DuplicateEntryError:
		# Another person already holds one of them; both keep counting as the same human.
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
	attempt = frappe.get_doc(
		{
			"doctype": "Contact Attempt",
			"person": person_for(keys, title),
			"timestamp": clock.naive(at or clock.now()),
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
	)
	attempt.flags.ignore_permissions = True
	attempt.insert()
	return attempt.name
