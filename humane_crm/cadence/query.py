"""The one indexed read a decision makes: every Contact Preference holding any of the people's keys,
with the Contact Attempts that count since the furthest any rule looks back (a range read on the
ledger's decision index, from the index alone) — one statement for a person's check, two per page of a
mass check. On the send path the same
facts are read with row locks on each person, which serialises checks and ledger writes per person:
two agents sending to one person at the same instant cannot both pass a cap. An email filed on a
lead or deal reads its recipients' people that way in the statement that reads its record
(`Ahead`): a known person's send asks MariaDB once before its ledger row is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import frappe

from humane_crm.cadence.inflight import InFlight
from humane_crm.policy import decision as core

# The ledger rows a decision reads: refusals (Blocked) and Exempt answers never count, so however
# many a person has, the decision's index range skips them: the ledger's virtual `decides` column
# is 1 for these outcomes (see contact_attempt.DECISION_INDEX).
DECIDING = core.DECIDING


# What a decision reads of a person's Contact Preference. Only one that says something (paused,
# Do Not Contact, or opted out of a channel) is sent whole; an open one without opt-outs is NULL.
PREFERENCE_JSON = """if(p.status = 'Open'
		and not (p.opt_out_email or p.opt_out_call or p.opt_out_sms or p.opt_out_whatsapp), null,
	json_object('status', p.status, 'paused_until', p.paused_until, 'reason', p.reason,
		'source', p.source, 'status_set_by', p.status_set_by, 'status_set_on', p.status_set_on,
		'opt_out_email', p.opt_out_email, 'opt_out_call', p.opt_out_call, 'opt_out_sms', p.opt_out_sms,
		'opt_out_whatsapp', p.opt_out_whatsapp))"""


# Keys, and people, per query of a check: below MariaDB's in_predicate_conversion_threshold
# (1 000), which turns a longer IN list into a join against a table of its values, and so the
# ledger read back into a `ref` read of each person's whole history; 2 500 index ranges, well
# inside the range optimizer's memory; an answer well inside group_concat_max_len (1 MB; should it
# be cut, that page is read row by row).
BATCH_KEYS = 500


FEW = 16  # keys a check reads in one statement, row by row (a record's people), not as JSON pages


# What a decision needs of a ledger row, and what its explanation adds (who made each counted
# touch, and on which record), in the order `_decide_one` reads them. (The time is read as text
# on every path: Python's fromisoformat parses it several times faster than the driver does.)
LEDGER_FIELDS = (
	"a.name",
	"cast(a.`timestamp` as char)",
	"a.channel",
	"a.direction",
	"a.outcome",
	"a.agent",
	"a.reference_name",
)

# A ledger row, and a person with their preference, each as one JSON array: how the statements
# that read row by row (one key, a few, the send path's locking read) return them, one column
# for the driver to decode.
LEDGER_ROW = f"json_array({', '.join(LEDGER_FIELDS)}) collate utf8mb4_bin"
PERSON_ROW = f"json_array(p.name, p.person_name, {PREFERENCE_JSON}, p.phone_time_zones) collate utf8mb4_bin"


# A check's two queries (see `fetch_facts`): who holds the keys, then their ledgers. Each answers
# in one row per page, a JSON array: the driver decodes a few large strings (json.loads, in C)
# where it decoded a packet per person and per touch.
PEOPLE = (
	f"k.identity, p.name, p.person_name, {PREFERENCE_JSON}, p.phone_time_zones",
	"""from `tabContact Preference Key` k
	join `tabContact Preference` p on p.name = k.parent
	where k.parenttype = 'Contact Preference' and k.identity in %(keys)s""",
)


LEDGER = (
	f"a.person, {', '.join(LEDGER_FIELDS)}",
	"""from `tabContact Attempt` a
	where a.person in %(persons)s and a.decides = 1 and a.`timestamp` >= %(since)s""",
)


PEOPLE_QUERY, LEDGER_QUERY = (f"select json_arrayagg(json_array({c})) {f}" for c, f in (PEOPLE, LEDGER))


@dataclass
class OnRecord:
	"""What is on record about one person: their Contact Preference and its ledger since a time."""

	name: str
	title: str | None
	preference: dict | None  # the preference's fields when it says something, else None
	ledger: list  # rows of LEDGER_FIELDS
	# The zones of every phone number the person holds (`Contact Preference.phone_time_zones`, one
	# a line), however they are reached now; None for none.
	phone_zones: str | None
	# The sending user's unused override pass for this person and channel, earliest to lapse first
	# (read on the send path only: {"name", "user", "reason"}), else None.
	override_pass: dict | None = None
	# False when the passes were not read with the person (`Ahead`): read only if a decision
	# refuses, since a pass can only let a refusing rule through (`read_passes`).
	passes_read: bool = True


def fetch_facts(
	keys: set[str],
	since,
	lock: bool = False,
	held: dict | None = None,
	created: dict | None = None,
	passes: tuple[str, str, object] | None = None,
	ahead: Ahead | None = None,
) -> dict[str, OnRecord]:
	"""key → what is on record about the person holding it, with their ledger rows since `since`.

	Read-only (a check): who holds the keys, with their preferences (an index read on identity,
	the preference by its primary key), then their ledgers, a row per person with its rows as one
	JSON array (the driver decodes two columns per person, not eight per touch). The ledger is
	read with the people's names as constants: MariaDB then reads one index range per person, of
	the rows that count, from `since` on (`contact_attempt.DECISION_INDEX`). (A subquery joined on
	the person, as before, was a `ref` read of the person's whole history, every refusal and
	every year of it: what grew with the ledger.)

	On the send path (`lock`): the same facts by single-table locking reads, which see what
	other transactions committed meanwhile (in a joined locking read MariaDB returned a stale view
	of the joined attempts table). The person rows are the serialisation point (`for update`); key
	rows are locked in share mode only (see `ledger.resolve` for why), and not read at all when the
	caller knows who holds every key (`held`, from `ledger.resolve`: a key, once held, is never
	handed to another person). A person this transaction just created (`created`: name →
	person_name) is known without reading: open, nothing on record, locked by its insert. With
	`passes` (user, channel, now), each person's unused override pass of that user is read with
	them, locked too (`overrides`): a fact the core decides on, like the ledger. What the send read
	of its people `ahead`, with its record, is not read again.
	"""
	if not keys:
		return {}
	if lock:
		return _fetch_locked(keys, since, held, created or {}, passes, ahead)
	if len(keys) == 1:
		return _fetch_one(next(iter(keys)), since)
	if len(keys) <= FEW:
		return _fetch_few(sorted(keys), since)
	out, by_name = {}, {}
	ordered = sorted(keys)
	for start in range(0, len(ordered), BATCH_KEYS):
		out.update(people(start_people(ordered[start : start + BATCH_KEYS]), by_name))
	add_ledgers(out, since)
	return out


def start_people(keys: list[str]) -> InFlight:
	"""Who holds these keys (at most BATCH_KEYS), with their preferences: sent, read by `people`."""
	return InFlight(PEOPLE_QUERY, {"keys": tuple(keys)})


def people(flight: InFlight, by_name: dict | None = None) -> dict[str, OnRecord]:
	"""key → the person holding it (their ledger still empty: `start_ledger`, `add_ledgers`); one
	record per person across the reads that share `by_name`."""
	out, by_name = {}, {} if by_name is None else by_name
	for identity, name, title, preference, zones in _json_rows(PEOPLE, flight):
		if name not in by_name:
			if isinstance(preference, str):  # (as text when read row by row)
				preference = json.loads(preference)
			by_name[name] = OnRecord(name, title, preference, [], zones)
		out[identity] = by_name[name]
	return out


def start_ledger(on_record: dict[str, OnRecord], since) -> list[InFlight]:
	"""The ledgers of these people since `since`, BATCH_KEYS people a statement: sent, read by
	`add_ledgers`."""
	names = sorted({r.name for r in on_record.values()})
	return [
		InFlight(LEDGER_QUERY, {"persons": tuple(names[start : start + BATCH_KEYS]), "since": since})
		for start in range(0, len(names), BATCH_KEYS)
	]


def add_ledgers(on_record: dict[str, OnRecord], since, flights: list[InFlight] | None = None) -> None:
	"""Each person's ledger rows since `since`, as `start_ledger` sent for them (sent now, without)."""
	by_name = {r.name: r for r in on_record.values()}
	for flight in start_ledger(on_record, since) if flights is None else flights:
		for person, *row in _json_rows(LEDGER, flight):
			by_name[person].ledger.append(row)


def _fetch_one(key: str, since) -> dict[str, OnRecord]:
	"""One key's facts (a check of someone known by one address: most checks) in one `SELECT`:
	the key, its person and, joined on the person, their ledger rows since `since`. The key is
	read on the unique identity index and its person by primary key, so MariaDB holds both as
	constants and reads the ledger as one index range from `since` on, as `_fetch_few` does,
	with less for its optimizer to do than a `UNION` with a subquery (0.71 against 0.85 ms of
	MariaDB's time on a slow host, 300 alternating pairs). A row per ledger row, the person's
	facts in each; one row with no ledger part when nothing counts; none when nobody holds it."""
	rows = read(*one_statement(key, since))
	if not rows:
		return {}
	name, title, preference, zones = json.loads(rows[0][0])
	ledger = [json.loads(r[1]) for r in rows if r[1] is not None]
	return {key: OnRecord(name, title, preference, ledger, zones)}


def one_statement(key: str, since) -> tuple[str, dict]:
	"""`_fetch_one`'s statement and its values (the benchmark shows MariaDB's plan for it)."""
	return (
		f"""select {PERSON_ROW}, if(a.name is null, null, {LEDGER_ROW})
		from `tabContact Preference Key` k
		join `tabContact Preference` p on p.name = k.parent
		left join `tabContact Attempt` a
			on a.person = p.name and a.decides = 1 and a.`timestamp` >= %(since)s
		where k.identity = %(key)s and k.parenttype = 'Contact Preference'""",
		{"key": key, "since": since},
	)


def _fetch_few(keys: list[str], since) -> dict[str, OnRecord]:
	"""A few keys' facts (one person's check, a record's people) in one statement: who holds the
	keys, then their ledgers, in a UNION. The ledger part names its people by a subquery per key on
	the unique identity index: MariaDB reads each as a constant while optimizing, so the ledger is
	still one index range per person from `since` on, not a read of their whole history.

	Rows: ("p", identity, [name, person_name, preference, phone_time_zones]) and ("a", person,
	[*LEDGER_FIELDS]), each row's facts as one JSON array: the driver decodes three columns'
	descriptions and values, not eleven (on a check that reads a few rows, that decoding cost as
	much as MariaDB's work)."""
	rows = read(*few_statement(keys, since))
	out, by_name, ledgers = {}, {}, {}
	for kind, first, facts in rows:
		if kind == "a":
			ledgers.setdefault(first, []).append(json.loads(facts))
			continue
		name, title, preference, zones = json.loads(facts)
		if name not in by_name:
			by_name[name] = OnRecord(name, title, preference, [], zones)
		out[first] = by_name[name]
	for name, record in by_name.items():
		record.ledger = ledgers.get(name, [])
	return out


def few_statement(keys: list[str], since) -> tuple[str, dict]:
	"""`_fetch_few`'s statement and its values."""
	persons, values = holders(keys)
	return (
		f"""(select 'p', k.identity, {PERSON_ROW}
			from `tabContact Preference Key` k
			join `tabContact Preference` p on p.name = k.parent
			where k.parenttype = 'Contact Preference' and k.identity in %(keys)s)
		union all
		(select 'a', a.person, {LEDGER_ROW} from `tabContact Attempt` a
			where a.person in ({persons})
				and a.decides = 1 and a.`timestamp` >= %(since)s)""",
		{**values, "keys": tuple(keys), "since": since},
	)


def read(statement: str, values: dict) -> tuple:
	"""A decision's statement and its rows, as `frappe.db.sql` gives them, sent and read straight
	through the site's connection (`InFlight`, at once): a decision is one statement, and
	`frappe.db.sql`'s own work around it (its query log, its checks of the statement's kind, the
	driver's cursor) was a tenth of a check on a slow host: 0.89x paired, 5 x 1 500 checks
	alternating, 16:35 UTC 2026-12-03. Deadlocks and lock timeouts raise Frappe's exceptions, as
	`frappe.db.sql` raises them; the statement does not pass through `frappe.db.sql`, so Frappe's
	Recorder does not list it (MariaDB's own counters and logs do)."""
	return InFlight(statement, values).rows()


def _json_rows(query: tuple[str, str], flight: InFlight) -> list:
	"""The rows of a query (columns, from) sent as one JSON array of them (`PEOPLE_QUERY`,
	`LEDGER_QUERY`); read row by row should MariaDB have cut the array short
	(`group_concat_max_len` bounds JSON_ARRAYAGG; a cut array is not valid JSON)."""
	[(text,)] = flight.rows()
	if not text:
		return []
	try:
		return json.loads(text)
	except ValueError:
		columns, from_ = query
		return [list(r) for r in frappe.db.sql(f"select {columns} {from_}", flight.values)]


def holders(keys: list[str], prefix: str = "key", known: dict | None = None) -> tuple[str, dict]:
	"""An SQL list of who holds each of `keys` (a subquery per key on the unique identity index,
	which MariaDB reads as a constant while optimizing: a person named so is read as one named by
	value), and its values. A key in `known` (key → person) is named by its person instead."""
	known = known or {}
	values, parts = {}, []
	for i, person in enumerate(sorted({known[k] for k in keys if k in known})):
		values[f"{prefix}_person{i}"] = person
		parts.append(f"%({prefix}_person{i})s")
	for i, key in enumerate(k for k in keys if k not in known):
		values[f"{prefix}{i}"] = key
		parts.append(
			f"""(select k.parent from `tabContact Preference Key` k
			where k.identity = %({prefix}{i})s and k.parenttype = 'Contact Preference')"""
		)
	return ", ".join(parts), values


# Who holds a key, as this process last read it: a send's record statement reads who holds its
# recipients' keys (`identities.SendFacts.holders`), and the next send to them names the person by
# value in its locking read (`Ahead.statement`): MariaDB optimizes a constant with less work than a
# subquery on the key (0.655 against 0.712 ms of a known person's send statement, 1 500
# alternating runs, CRM 1.56 dev bench, 2026-12-04). A key, once held, is never handed to another person; should
# one be held by someone else all the same (its person erased, the key taken again), the read
# names the wrong person, `Ahead.covers` sees that it did not read the one holding the key now,
# and that person is read under lock as without it.
_HELD_BY: dict[tuple[str, str], str] = {}
HELD_BY_MAX = 50_000  # keys remembered, per process (forgotten all at once past that)


def remember_holders(holders: dict[str, str]) -> None:
	"""key → person, as a statement of this transaction just read them."""
	if len(_HELD_BY) + len(holders) > HELD_BY_MAX:
		_HELD_BY.clear()
	site = frappe.local.site
	_HELD_BY.update(((site, key), person) for key, person in holders.items())


def forget_holders() -> None:
	"""Forget who holds which key (tests: each starts with what its own sends read)."""
	_HELD_BY.clear()


def held_by(keys) -> dict[str, str]:
	"""Of `keys`, those this process has seen held, and by whom (`remember_holders`)."""
	site = frappe.local.site
	found = {key: _HELD_BY.get((site, key)) for key in keys}  # (one lookup each: another thread may clear)
	return {key: person for key, person in found.items() if person is not None}


def _locked_statement(persons: str, passes: bool = True) -> str:
	"""The send path's locking read of the people `persons` names (an SQL list in parentheses, or
	a parameter holding a tuple), in turn: their person rows first (`for update`: here a send waits
	for another to the same person), then their ledgers and the sender's override passes, read
	after that wait (locking reads, which see what other transactions committed meanwhile). A
	UNION, not a join: in a joined locking read MariaDB returned a stale view of the joined
	attempts table. Rows: ("p", name, [person_name, preference, phone_time_zones]), ("a", person,
	[*LEDGER_FIELDS]) and ("o", person, [pass, valid_until, user, reason]), each row's facts as one
	JSON array: three columns for the driver to decode, not thirteen. Without `passes`, no "o" rows
	(`read_passes` reads them when a decision needs them).
	(Only the tables these parts read are locked: not the key rows a subquery in `persons` reads.)"""
	people_and_ledgers = f"""(select 'p', p.name, json_array(p.person_name, {PREFERENCE_JSON}, p.phone_time_zones)
				collate utf8mb4_bin
			from `tabContact Preference` p
			where p.name in {persons} order by p.name limit %(locked_count)s for update)
		union all
		(select 'a', a.person, {LEDGER_ROW}
			from `tabContact Attempt` a
			where a.person in {persons} and a.decides = 1 and a.`timestamp` >= %(locked_since)s
			lock in share mode)"""
	return f"{people_and_ledgers} union all {_passes_part(persons)}" if passes else people_and_ledgers


def _passes_part(persons: str) -> str:
	"""The sender's unused override passes for `persons` on the channel, locked: ("o", person,
	[pass, valid_until, user, reason])."""
	return f"""(select 'o', o.person,
				json_array(o.name, cast(o.valid_until as char), o.user, o.reason) collate utf8mb4_bin
			from `tabContact Override` o
			where o.person in {persons} and o.user = %(locked_user)s and o.channel = %(locked_channel)s
				and o.used = 0 and o.valid_until > %(locked_now)s
			for update)"""


def read_passes(records: list[OnRecord], passes: tuple) -> None:
	"""The sender's unused passes (`passes`: user, channel, now) for people read without them,
	locked as `_locked_statement` locks them, onto their records."""
	unread = {r.name: r for r in records if not r.passes_read}
	if not unread:
		return
	rows = read(
		_passes_part("%(persons)s"),
		{"persons": tuple(sorted(unread)), **_locked_values(len(unread), None, passes)},
	)
	found = {}
	for _kind, person, facts in rows:
		_keep_earliest(found, person, json.loads(facts))
	for name, record in unread.items():
		record.override_pass, record.passes_read = _override_pass(found.get(name)), True


def _locked_values(count: int, since, passes: tuple | None) -> dict:
	user, channel, now = passes or (None, None, None)
	return {
		"locked_count": count,
		"locked_since": since,
		"locked_user": user or "",
		"locked_channel": channel or "",
		"locked_now": now,
	}


def _take_locked(rows, passes_read: bool = True) -> dict[str, OnRecord]:
	"""Person name → what `_locked_statement` read of them (its rows, in any order)."""
	prefs, by_person, passes = [], {}, {}
	for kind, person, facts in rows:
		facts = json.loads(facts)
		if kind == "p":
			prefs.append((person, *facts))
		elif kind == "a":
			by_person.setdefault(person, []).append(facts)
		else:
			_keep_earliest(passes, person, facts)
	return {
		name: OnRecord(
			name,
			title,
			preference,
			by_person.get(name, []),
			zones,
			_override_pass(passes.get(name)),
			passes_read,
		)
		for name, title, preference, zones in prefs
	}


@dataclass
class Ahead:
	"""The send path's locking read, made ahead of its decision in the statement that reads the
	message's record (`identities.record_facts(..., read_ahead=)`): the people holding the recipients'
	keys, locked, with their facts since `since`. The decision then uses what was read for every
	person it covers, one round trip fewer per send; a person it does not cover (another person on
	the record, one created since) is read as before (`_fetch_locked`). The sender's passes
	(`passes`: user, channel, now) are not read with them: a pass only lets a refusing rule through,
	so they are read, locked, only for a decision that refuses (`read_passes`), and the statement
	every send waits for is shorter by a query block (0.662 against 0.712 ms for a known person's
	send; 0.622 with the person named by value too, `held_by`; 1 500 alternating runs, CRM 1.56 dev
	bench, 2026-12-04)."""

	since: object
	passes: tuple
	read: dict[str, OnRecord] | None = None  # person name → facts, once read (each locked)

	def statement(self, keys) -> tuple[str, dict] | None:
		"""The parts of the record's statement that read ahead, and their values; None for more
		keys than `FEW` (a mass email: read after, as usual)."""
		keys = sorted(keys)
		if not keys or len(keys) > FEW:
			return None
		persons, values = holders(keys, "locked_key", held_by(keys))
		return _locked_statement(f"({persons})", passes=False), {
			**values,
			**_locked_values(len(keys), self.since, self.passes),
		}

	def take(self, rows) -> None:
		self.read = _take_locked(rows, passes_read=False)

	def covers(self, persons, since, passes: tuple | None) -> bool:
		"""Did this read lock and read every one of `persons`, as far back as `since`, with the
		same sender's passes? (Its `now` is the send's a moment earlier: a pass valid then is used.)"""
		return (
			self.read is not None
			and set(persons) <= self.read.keys()
			and self.since <= since
			and passes is not None
			and self.passes[:2] == passes[:2]
		)


def _fetch_locked(
	keys: set[str], since, known: dict | None, created: dict, passes: tuple | None, ahead: Ahead | None
) -> dict[str, OnRecord]:
	if known is not None and set(known) >= keys:
		held = [(k, known[k]) for k in keys]
	else:
		held = read(
			"""select identity, parent from `tabContact Preference Key`
			where parenttype = 'Contact Preference' and identity in %(keys)s lock in share mode""",
			{"keys": tuple(keys)},
		)
	# (A person just created holds only the keys decided on: their phones' zones are those keys'.)
	records = {name: OnRecord(name, title, None, [], None) for name, title in created.items()}
	persons = tuple(sorted({parent for _identity, parent in held} - set(records)))
	if ahead is not None and ahead.covers(persons, since, passes):
		records.update((name, ahead.read[name]) for name in persons)
	elif persons:
		rows = read(
			_locked_statement("%(persons)s"),
			{"persons": persons, **_locked_values(len(persons), since, passes)},
		)
		records.update(_take_locked(rows))
	return {identity: records[parent] for identity, parent in held if parent in records}


def _keep_earliest(passes: dict, person: str, facts: list) -> None:
	"""Keep, of a person's passes, the one that lapses first (facts: [pass, valid_until, …])."""
	if person not in passes or facts[1] < passes[person][1]:
		passes[person] = facts


def _override_pass(row) -> dict | None:
	if not row:
		return None
	name, _valid_until, user, reason = row
	return frappe._dict(name=name, user=user, reason=reason)
