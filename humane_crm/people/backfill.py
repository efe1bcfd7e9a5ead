"""Build the Contact Attempt ledger from history: Communications and CRM Call Logs.

Idempotent: a source already in the ledger is skipped (index on (source_doctype, source_name)),
so a second run adds nothing. Batched: one query per batch for the sources, one for what is
already recorded, and one bulk insert.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import frappe
from frappe import _

from humane_crm.constants import MESSAGE_TYPES
from humane_crm.people import identities, ledger
from humane_crm.policy.identity import split_emails
from humane_crm.utils import clock

LEDGER_FIELDS = (
	"name",
	"person",
	"timestamp",
	"direction",
	"channel",
	"outcome",
	"agent",
	"person_key",
	"reference_doctype",
	"reference_name",
	"source_doctype",
	"source_name",
	"reason",
	"owner",
	"modified_by",
	"creation",
	"modified",
	"docstatus",
)


@dataclass
class Summary:
	scanned: dict = field(default_factory=lambda: {"Communication": 0, "CRM Call Log": 0})
	skipped: int = 0  # already in the ledger
	added: int = 0  # ledger rows written
	nobody: int = 0  # sources that reach no one we can identify


def run(batch_size: int = 500, progress: Callable[[str, int, int], None] | None = None) -> Summary:
	summary = Summary()
	for doctype, fetch, rows_for in (
		("Communication", _communications, _communication_rows),
		("CRM Call Log", _call_logs, _call_rows),
	):
		total = _count(doctype)
		last = ("", "")
		while True:
			batch = fetch(last, batch_size)
			if not batch:
				break
			last = (batch[-1].creation, batch[-1].name)
			done = _already_recorded(doctype, [d.name for d in batch])
			records: dict = {"__persons__": {}}
			values = []
			for source in batch:
				summary.scanned[doctype] += 1
				if source.name in done:
					summary.skipped += 1
					continue
				rows = rows_for(source, records)
				summary.nobody += not rows
				values.extend(rows)
			if values:
				frappe.db.bulk_insert("Contact Attempt", LEDGER_FIELDS, values)
				summary.added += len(values)
			frappe.db.commit()
			if progress:
				progress(doctype, summary.scanned[doctype], total)
	return summary


def _count(doctype: str) -> int:
	if doctype == "Communication":
		return frappe.db.count(
			"Communication",
			{"communication_medium": "Email", "sent_or_received": ("in", ("Sent", "Received"))},
		)
	return frappe.db.count("CRM Call Log")


def _communications(after: tuple, size: int):
	return frappe.db.sql(
		"""select name, creation, communication_date, sent_or_received, communication_type, sender,
			recipients, cc, bcc, reference_doctype, reference_name, owner
		from `tabCommunication`
		where communication_medium = 'Email' and sent_or_received in ('Sent', 'Received')
			and (creation, name) > (%(creation)s, %(name)s)
		order by creation, name limit %(size)s""",
		{"creation": after[0] or "1900-01-01", "name": after[1], "size": size},
		as_dict=True,
	)


def _call_logs(after: tuple, size: int):
	return frappe.db.sql(
		"""select name, creation, start_time, type, status, `from`, `to`, reference_doctype,
			reference_docname, caller, receiver, owner
		from `tabCRM Call Log`
		where (creation, name) > (%(creation)s, %(name)s)
		order by creation, name limit %(size)s""",
		{"creation": after[0] or "1900-01-01", "name": after[1], "size": size},
		as_dict=True,
	)


def _already_recorded(doctype: str, names: list[str]) -> set[str]:
	if not names:
		return set()
	return set(
		frappe.db.sql_list(
			"""select distinct source_name from `tabContact Attempt`
			where source_doctype = %(doctype)s and source_name in %(names)s""",
			{"doctype": doctype, "names": tuple(names)},
		)
	)


def _record(records: dict, doctype, name) -> identities.RecordFacts:
	if (doctype, name) not in records:
		records[(doctype, name)] = identities.record_facts(doctype, name)
	return records[(doctype, name)]


def _person(records: dict, keys: frozenset, title) -> str:
	"""The person for these keys, remembered for the rest of the batch."""
	cache = records["__persons__"]
	if keys not in cache:
		cache[keys] = ledger.person_for(keys, title)
	return cache[keys]


def _row(person, at, direction, channel, outcome, agent, key, record, source, reason, records) -> tuple:
	mine = record.doctype and any(person & p for p in record.people)
	now = clock.naive(clock.now())
	return (
		frappe.generate_hash(length=10),
		_person(records, person, record.title if mine else None),
		at,
		direction,
		channel,
		outcome,
		agent,
		key or min(person),
		record.doctype if mine else None,
		record.name if mine else None,
		source[0],
		source[1],
		reason,
		"Administrator",
		"Administrator",
		now,
		now,
		0,
	)


def _communication_rows(c, records) -> list[tuple]:
	if c.communication_type not in MESSAGE_TYPES:
		return []
	record = _record(records, c.reference_doctype, c.reference_name)
	at = c.communication_date or c.creation
	source = ("Communication", c.name)
	if c.sent_or_received == "Received":
		key = identities.email_key(c.sender)
		if not key:
			return []
		match = [p for p in record.people if key in p]
		person = frozenset().union(*match) if match else frozenset({key})
		return [_row(person, at, "Inbound", "Email", "Received", None, key, record, source, None, records)]
	keys = split_emails(", ".join(filter(None, (c.recipients, c.cc, c.bcc))))
	reason = _("Backfilled: sent before Humane CRM counted it")
	return [
		_row(person, at, "Outbound", "Email", "Allowed", c.owner, None, record, source, reason, records)
		for person in identities.reached(keys, list(record.people))
	]


def _call_rows(log, records) -> list[tuple]:
	outgoing = log.type == "Outgoing"
	key = identities.phone_key(log.get("to") if outgoing else log.get("from"))
	if not key:
		return []
	record = _record(records, log.reference_doctype, log.reference_docname)
	match = [p for p in record.people if key in p]
	person = frozenset().union(*match) if match else frozenset({key})
	at = log.start_time or log.creation
	source = ("CRM Call Log", log.name)
	rows = [
		_row(
			person,
			at,
			"Outbound" if outgoing else "Inbound",
			"Call",
			"Allowed" if outgoing else "Received",
			(log.caller or log.owner) if outgoing else None,
			key,
			record,
			source,
			_("Backfilled: called before Humane CRM counted it") if outgoing else None,
			records,
		)
	]
	if log.status == "Completed":
		rows.append(
			_row(
				person,
				at,
				"Outbound" if outgoing else "Inbound",
				"Call",
				"Conversation",
				None,
				key,
				record,
				source,
				None,
				records,
			)
		)
	return rows
