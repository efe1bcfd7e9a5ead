"""The shell around the one decision: gather the facts, ask the core, keep what it said.

`fetch_facts` is the only place facts are read for a decision: every Contact Preference holding
any of the people's keys, with its Contact Attempts since the furthest any rule looks back (an
index range read on (person, timestamp)) — one joined query for a check. On the send path the
same facts are read with row locks on each person, which serialises checks and ledger writes per
person: two agents sending to one person at the same instant cannot both pass a cap.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import frappe

from humane_crm.cadence import rules
from humane_crm.constants import CRM_RECORDS
from humane_crm.exceptions import UnknownChannelError
from humane_crm.people import identities
from humane_crm.policy import decision as core
from humane_crm.policy.cadence import UTC, Attempt, zone_or
from humane_crm.utils import clock, inputs

CHANNEL_FIELDS = {
	"Email": "opt_out_email",
	"Call": "opt_out_call",
	"SMS": "opt_out_sms",
	"WhatsApp": "opt_out_whatsapp",
}
COUNTED, CONVERSATIONS = core.COUNTED, core.CONVERSATIONS  # the ledger outcomes a decision reads
# The ledger rows a decision reads: refusals (Blocked) and Exempt answers never count, so however
# many a person has, the decision's index range skips them (see contact_attempt.DECISION_INDEX).
DECIDING = COUNTED + CONVERSATIONS


@dataclass
class PersonVerdict:
	keys: frozenset
	decision: core.Decision
	persons: list[str] = field(default_factory=list)  # Contact Preference names holding these keys
	title: str | None = None  # the person's name, as their Contact Preference knows them
	zone: ZoneInfo | None = None
	zone_source: str = "site"  # record, phone or site
	inputs: dict = field(default_factory=dict, repr=False)  # what the core decided on

	def redecide(self, **changes) -> PersonVerdict:
		inputs = {**self.inputs, **changes}
		return PersonVerdict(
			self.keys, core.decide(**inputs), self.persons, self.title, self.zone, self.zone_source, inputs
		)


@dataclass
class Verdict:
	channel: str
	decision: core.Decision
	people: list[PersonVerdict]
	record: identities.RecordFacts | None = None

	@property
	def allowed(self) -> bool:
		return self.decision.allowed

	def recombine(self, people_: list[PersonVerdict]) -> Verdict:
		return Verdict(self.channel, core.strictest([p.decision for p in people_]), people_, self.record)


def normalize_channel(channel) -> str:
	"""'email', 'EMAIL', 'Email' → 'Email'; anything else (a number, a list, null) is a clear error."""
	if isinstance(channel, str):
		wanted = channel.strip().lower()
		for known in core.CHANNELS:
			if wanted == known.lower():
				return known
	frappe.throw(
		frappe._("Unknown channel {0}. Use one of: {1}.").format(
			frappe.bold(inputs.shown(channel)), ", ".join(core.CHANNELS)
		),
		exc=UnknownChannelError,
		title=frappe._("Unknown channel"),
	)


def reply_window() -> timedelta:
	return timedelta(hours=identities.decision_settings()["reply_window_hours"])


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
FEW = 16  # keys a check reads row by row (a record's people), not as one JSON array
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


# A check's two queries (see `fetch_facts`): who holds the keys, then their ledgers. Each answers
# in one row per page, a JSON array: the driver decodes a few large strings (json.loads, in C)
# where it decoded a packet per person and per touch.
PEOPLE = (
	f"k.identity, p.name, p.person_name, {PREFERENCE_JSON}",
	"""from `tabContact Preference Key` k
	join `tabContact Preference` p on p.name = k.parent
	where k.parenttype = 'Contact Preference' and k.identity in %(keys)s""",
)
LEDGER = (
	f"a.person, {', '.join(LEDGER_FIELDS)}",
	"""from `tabContact Attempt` a
	where a.person in %(persons)s and a.outcome in %(deciding)s and a.`timestamp` >= %(since)s""",
)
PEOPLE_QUERY, LEDGER_QUERY = (f"select json_arrayagg(json_array({c})) {f}" for c, f in (PEOPLE, LEDGER))


@dataclass
class OnRecord:
	"""What is on record about one person: their Contact Preference and its ledger since a time."""

	name: str
	title: str | None
	preference: dict | None  # the preference's fields when it says something, else None
	ledger: list  # rows of LEDGER_FIELDS


def fetch_facts(
	keys: set[str], since, lock: bool = False, held: dict | None = None, created: dict | None = None
) -> dict[str, OnRecord]:
	"""key → what is on record about the person holding it, with their ledger rows since `since`.

	Read-only (a check): who holds the keys, with their preferences (an index read on identity,
	the preference by its primary key), then their ledgers, a row per person with its rows as one
	JSON array (the driver decodes two columns per person, not eight per touch). The ledger is
	read with the people's names as constants: MariaDB then reads one index range per person and
	outcome that counts, from `since` on (`contact_attempt.DECISION_INDEX`). (A subquery joined on
	the person, as before, was a `ref` read of the person's whole history, every refusal and
	every year of it: what grew with the ledger.)

	On the send path (`lock`): the same facts by single-table locking reads, which see what
	other transactions committed meanwhile (in a joined locking read MariaDB returned a stale view
	of the joined attempts table). The person rows are the serialisation point (`for update`); key
	rows are locked in share mode only (see `ledger.resolve` for why), and not read at all when the
	caller knows who holds every key (`held`, from `ledger.resolve`: a key, once held, is never
	handed to another person). A person this transaction just created (`created`: name →
	person_name) is known without reading: open, nothing on record, locked by its insert.
	"""
	if not keys:
		return {}
	if lock:
		return _fetch_locked(keys, since, held, created or {})
	out, by_name = {}, {}
	ordered = sorted(keys)
	for start in range(0, len(ordered), BATCH_KEYS):
		for identity, name, title, preference in _json_rows(
			PEOPLE, {"keys": tuple(ordered[start : start + BATCH_KEYS])}, few=len(ordered) <= FEW
		):
			if name not in by_name:
				if isinstance(preference, str):  # (as text when read row by row)
					preference = json.loads(preference)
				by_name[name] = OnRecord(name, title, preference, [])
			out[identity] = by_name[name]
	names = sorted(by_name)
	for start in range(0, len(names), BATCH_KEYS):
		page = {"persons": tuple(names[start : start + BATCH_KEYS]), "since": since, "deciding": DECIDING}
		for person, *row in _json_rows(LEDGER, page, few=len(ordered) <= FEW):
			by_name[person].ledger.append(row)
	return out


def _json_rows(query: tuple[str, str], values: dict, few: bool = False) -> list:
	"""The rows of a query (columns, from), as one JSON array of them; read row by row when they
	are `few` (one person's check: aggregating costs more than it saves) or should MariaDB have cut
	the array short (`group_concat_max_len` bounds JSON_ARRAYAGG; a cut array is not valid JSON)."""
	columns, from_ = query
	if few:
		return [list(r) for r in frappe.db.sql(f"select {columns} {from_}", values)]
	[(text,)] = frappe.db.sql(f"select json_arrayagg(json_array({columns})) {from_}", values)
	if not text:
		return []
	try:
		return json.loads(text)
	except ValueError:
		return [list(r) for r in frappe.db.sql(f"select {columns} {from_}", values)]


def _fetch_locked(keys: set[str], since, known: dict | None, created: dict) -> dict[str, OnRecord]:
	if known is not None and set(known) >= keys:
		held = [(k, known[k]) for k in keys]
	else:
		held = frappe.db.sql(
			"""select identity, parent from `tabContact Preference Key`
			where parenttype = 'Contact Preference' and identity in %(keys)s lock in share mode""",
			{"keys": tuple(keys)},
		)
	records = {name: OnRecord(name, title, None, []) for name, title in created.items()}
	persons = tuple(sorted({parent for _identity, parent in held} - set(records)))
	if not persons:
		return {identity: records[parent] for identity, parent in held if parent in records}
	prefs = frappe.db.sql(
		f"""select p.name, p.person_name, {PREFERENCE_JSON} from `tabContact Preference` p
		where p.name in %(persons)s order by p.name for update""",
		{"persons": persons},
	)
	ledger = frappe.db.sql(
		f"""select a.person, {", ".join(LEDGER_FIELDS)} from `tabContact Attempt` a
		where a.person in %(persons)s and a.outcome in %(deciding)s and a.`timestamp` >= %(since)s
		lock in share mode""",
		{"persons": persons, "since": since, "deciding": DECIDING},
	)
	by_person: dict[str, list] = {}
	for person, *row in ledger:
		by_person.setdefault(person, []).append(row)
	records.update(
		(name, OnRecord(name, title, json.loads(preference) if preference else None, by_person.get(name, [])))
		for name, title, preference in prefs
	)
	return {identity: records[parent] for identity, parent in held if parent in records}


def to_preference(name: str, row: dict) -> core.Preference:
	return core.Preference(
		name=name,
		status=row["status"],
		paused_until=clock.aware(row["paused_until"]),
		opted_out=frozenset(ch for ch, f in CHANNEL_FIELDS.items() if row.get(f)),
		reason=row["reason"],
		source=row["source"],
		set_by=row["status_set_by"],
		set_on=clock.aware(row["status_set_on"]),
	)


def person_zone(
	keys: frozenset, record: identities.RecordFacts | None, site: ZoneInfo
) -> tuple[ZoneInfo, str, tuple[ZoneInfo, ...]]:
	"""The person's zone: the record's Time Zone, else their phone number's (if only one), else the
	site's; and any other zone they are known by. A Time Zone typed on the record does not replace
	their phone's: quiet hours hold in both (anyone who may edit the lead could otherwise make 3 a.m.
	look like daytime)."""
	from_phone = identities.phone_zone(keys)
	phone = zone_or(from_phone, site) if from_phone else None
	if record and record.time_zone and any(keys & p for p in record.people):
		zone = zone_or(record.time_zone, site)
		return zone, "record", (phone,) if phone and phone.key != zone.key else ()
	if phone:
		return phone, "phone", ()
	return site, "site", ()


def decide_for_people(
	persons: list[frozenset],
	channel: str,
	now=None,
	record: identities.RecordFacts | None = None,
	lock: bool = False,
	roles: frozenset[str] | None = None,
	held: dict | None = None,
	created: dict | None = None,
) -> Verdict:
	"""The decision for contacting every one of `persons` (sets of keys) on `channel`: one read
	of what is on record about all of them (`fetch_facts`), then the core for each."""
	channel = normalize_channel(channel)
	window = reply_window()
	active = rules.enabled_rules()
	horizon = max([window, *(r.horizon for r in active)])
	keys = set().union(*persons) if persons else set()
	on_record = fetch_facts(
		keys, clock.naive((now or clock.now()) - horizon), lock=lock, held=held, created=created
	)
	# Read the clock after the (possibly locking) read: touches committed while this one waited
	# for the person's lock happened before "now", and count.
	now = now or clock.now()
	shared = Shared(
		channel,
		now,
		window,
		active,
		record,
		frozenset(frappe.get_roles()) if roles is None else roles,
		clock.site_zone(),
		# Count the person, not the record: when a rule cares which records or statuses, read the
		# person's leads and deals (the installed defaults do not, and cost no query here).
		identities.crm_records(persons) if any(r.selective for r in active) else None,
	)

	def records_of(person: frozenset) -> list[OnRecord]:
		if len(person) == 1:  # a mass send's recipients, mostly
			found = on_record.get(next(iter(person)))
			return [found] if found else []
		found = {r.name: r for r in (on_record.get(k) for k in person) if r}
		return [found[n] for n in sorted(found)]

	verdicts = [_decide_one(p, records_of(p), shared) for p in persons]
	return Verdict(channel, core.strictest([v.decision for v in verdicts]), verdicts, record)


@dataclass
class Shared:
	"""What every person of one decision is decided against."""

	channel: str
	now: datetime
	window: timedelta
	rules: tuple
	record: identities.RecordFacts | None
	roles: frozenset[str]
	site: ZoneInfo
	crm: dict | None = None  # person → their (doctype, status) pairs, read when a rule is selective
	memo: dict = field(default_factory=dict)  # (zone, doctype, status, records) → (decision, inputs)

	def records(self, keys: frozenset, doctype: str | None, status: str | None) -> tuple:
		"""The CRM records whose rules apply to this person: all of theirs (with the one the message
		is filed on), or, when no rule is selective, "a CRM person" — every rule applies."""
		if self.crm is None:
			return ((None, None),)
		mine = ((doctype, status),) if doctype in CRM_RECORDS else ()
		return tuple(dict.fromkeys((*mine, *self.crm.get(keys, ()))))

	def inputs(self, zone: ZoneInfo, doctype: str | None, status: str | None, **facts) -> dict:
		"""What the core is asked, for one person in `zone` on a record of `doctype` in `status`."""
		return {
			"channel": self.channel,
			"preferences": (),
			"now": self.now,
			"reply_window": self.window,
			"rules": self.rules,
			"zone": zone,
			"doctype": doctype,
			"status": status,
			"roles": self.roles,
			**facts,
		}


def _decide_one(keys: frozenset, records: list[OnRecord], shared: Shared) -> PersonVerdict:
	channel, site, record = shared.channel, shared.site, shared.record
	attempts, conversations, inbound = [], [], []
	for on_record in records:
		for id_, at, ch, direction, outcome, agent, reference in on_record.ledger:
			when = datetime.fromisoformat(at).replace(tzinfo=site)
			if core.counts_against_caps(direction, outcome):
				attempts.append(Attempt(when.astimezone(UTC), ch, agent, reference, id_))
			if core.is_conversation(outcome):
				conversations.append(when)
			if direction == "Inbound" and outcome == "Received" and ch == channel:  # their own message
				inbound.append(when)
	zone, zone_source, also_zones = person_zone(keys, record, site)
	mine = record is not None and any(keys & p for p in record.people)
	title = next((r.title for r in records if r.title), None)
	if not title and mine:
		title = record.title
	doctype, status = (record.doctype, record.status) if mine else (None, None)
	on = shared.records(keys, doctype, status)
	# An open preference without opt-outs says nothing: the core is not asked about it.
	preferences = tuple(to_preference(r.name, r.preference) for r in records if r.preference)
	if attempts or conversations or inbound or preferences:
		inputs = shared.inputs(
			zone,
			doctype,
			status,
			also_zones=also_zones,
			records=on,
			preferences=preferences,
			attempts=tuple(attempts),
			conversations=tuple(conversations),
			last_inbound_at=max(inbound) if inbound else None,
		)
		decision = core.decide(**inputs)
	else:
		# Nothing on record speaks: people alike decide alike (a mass send's common case).
		memo_key = (zone, also_zones, doctype, status, on)
		if memo_key not in shared.memo:
			inputs = shared.inputs(zone, doctype, status, also_zones=also_zones, records=on)
			shared.memo[memo_key] = (core.decide(**inputs), inputs)
		decision, inputs = shared.memo[memo_key]
	return PersonVerdict(keys, decision, [r.name for r in records], title, zone, zone_source, inputs)


def decide_for_record(doctype: str, name: str, channel: str, now=None) -> Verdict:
	record = identities.record_facts(doctype, name)
	return decide_for_people(list(record.people), channel, now, record=record)
