"""The shell around the one decision: gather the facts, ask the core, keep what it said.

`fetch_facts` is the only place facts are read for a decision: every Contact Preference holding
any of the people's keys, with its Contact Attempts since the furthest any rule looks back (an
index range read on (person, timestamp)) — one joined query for a check. On the send path the
same facts are read with row locks on each person, which serialises checks and ledger writes per
person: two agents sending to one person at the same instant cannot both pass a cap.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import frappe

from humane_crm import clock, people, rules
from humane_crm.policy import decision as core
from humane_crm.policy.cadence import UTC, Attempt, zone_or

CHANNEL_FIELDS = {
	"Email": "opt_out_email",
	"Call": "opt_out_call",
	"SMS": "opt_out_sms",
	"WhatsApp": "opt_out_whatsapp",
}
COUNTED = ("Allowed", "Warned", "Overridden")  # outbound outcomes that count against caps
CONVERSATIONS = ("Received", "Conversation")  # the person wrote or called in, or a call was completed


@dataclass
class PersonVerdict:
	keys: frozenset
	decision: core.Decision
	persons: list[str] = field(default_factory=list)  # Contact Preference names holding these keys
	title: str | None = None  # the person's name, as their Contact Preference knows them
	zone: ZoneInfo | None = None
	zone_source: str = "site"  # record, phone or site
	inputs: dict = field(default_factory=dict, repr=False)  # what the core decided on

	def with_details(self, detailed: dict[str, Attempt]) -> PersonVerdict:
		"""This verdict, its attempts named by who made them and on which record."""
		attempts = tuple(detailed.get(a.id, a) for a in self.inputs.get("attempts", ()))
		return PersonVerdict(
			self.keys,
			core.with_details(self.decision, detailed),
			self.persons,
			self.title,
			self.zone,
			self.zone_source,
			{**self.inputs, "attempts": attempts},
		)

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
	record: people.RecordFacts | None = None

	@property
	def allowed(self) -> bool:
		return self.decision.allowed

	def recombine(self, people_: list[PersonVerdict]) -> Verdict:
		return Verdict(self.channel, core.strictest([p.decision for p in people_]), people_, self.record)


def normalize_channel(channel: str | None) -> str:
	"""'email', 'EMAIL', 'Email' → 'Email'; anything else is a clear error."""
	for known in core.CHANNELS:
		if (channel or "").strip().lower() == known.lower():
			return known
	frappe.throw(
		frappe._("Unknown channel {0}. Use one of: {1}.").format(
			frappe.bold(channel), ", ".join(core.CHANNELS)
		),
		exc=frappe.ValidationError,
		title=frappe._("Unknown channel"),
	)


def reply_window() -> timedelta:
	hours = frappe.db.get_single_value("Humane CRM Settings", "reply_window_hours")
	return timedelta(hours=72 if hours is None else hours)


PREFERENCE_FIELDS = """p.name, p.person_name, p.status, p.paused_until, p.reason, p.source,
	p.status_set_by, p.status_set_on, p.opt_out_email, p.opt_out_call, p.opt_out_sms, p.opt_out_whatsapp"""
# What a decision needs of a ledger row: all of it is in the ledger's timeline index. (The time
# is read as text: Python's fromisoformat parses it several times faster than the driver does.)
DECISION_FIELDS = "a.name as attempt, cast(a.`timestamp` as char) as at, a.channel, a.direction, a.outcome"
# What an explanation adds: who made each counted touch, and on which record.
DETAIL_FIELDS = "a.agent, a.reference_doctype, a.reference_name"
ATTEMPT_FIELDS = f"{DECISION_FIELDS}, {DETAIL_FIELDS}"


def fetch_facts(keys: set[str], since, lock: bool = False, details: bool = True) -> list[dict]:
	"""Preferences holding any of `keys`, each joined to its ledger rows since `since`.

	Read-only (a check): one joined query, an index read on identity and a range read on
	(person, timestamp, …), without `details` an index-only read of the ledger (a batch fetches
	details afterwards for the few people it refuses: `add_details`). On the send path (`lock`):
	the same facts by three single-table locking
	reads, which see what other transactions committed meanwhile (in a joined locking read
	MariaDB returned a stale view of the joined attempts table). The person rows are the
	serialisation point (`for update`); key rows are locked in share mode only (see
	`ledger.person_for` for why).
	"""
	if not keys:
		return []
	if lock:
		return _fetch_locked(keys, since)
	return frappe.db.sql(
		f"""
		select k.identity, {PREFERENCE_FIELDS}, {ATTEMPT_FIELDS if details else DECISION_FIELDS}
		from `tabContact Preference Key` k
		join `tabContact Preference` p on p.name = k.parent
		left join `tabContact Attempt` a on a.person = p.name and a.`timestamp` >= %(since)s
		where k.parenttype = 'Contact Preference' and k.identity in %(keys)s
		""",
		{"keys": tuple(keys), "since": since},
		as_dict=True,
	)


def detailed_attempts(verdicts: list[PersonVerdict]) -> dict[str, Attempt]:
	"""The counted attempts of these verdicts, with who made each and on which record (one query;
	for verdicts decided on facts read without `details`)."""
	attempts = {a.id: a for v in verdicts for a in v.inputs.get("attempts", ()) if a.id}
	if not attempts:
		return {}
	rows = frappe.db.sql(
		f"select a.name, {DETAIL_FIELDS} from `tabContact Attempt` a where a.name in %(names)s",
		{"names": tuple(attempts)},
		as_dict=True,
	)
	return {r.name: replace(attempts[r.name], agent=r.agent, reference=r.reference_name) for r in rows}


def _fetch_locked(keys: set[str], since) -> list[dict]:
	held = frappe.db.sql(
		"""select identity, parent from `tabContact Preference Key`
		where parenttype = 'Contact Preference' and identity in %(keys)s lock in share mode""",
		{"keys": tuple(keys)},
	)
	persons = tuple(sorted({parent for _identity, parent in held}))
	if not persons:
		return []
	prefs = {
		r.name: r
		for r in frappe.db.sql(
			f"select {PREFERENCE_FIELDS} from `tabContact Preference` p where p.name in %(persons)s order by p.name for update",
			{"persons": persons},
			as_dict=True,
		)
	}
	ledger = frappe.db.sql(
		f"""select a.person, {ATTEMPT_FIELDS} from `tabContact Attempt` a
		where a.person in %(persons)s and a.`timestamp` >= %(since)s lock in share mode""",
		{"persons": persons, "since": since},
		as_dict=True,
	)
	rows = []
	for identity, parent in held:
		pref = prefs.get(parent)
		if not pref:
			continue
		mine = [a for a in ledger if a.person == parent] or [frappe._dict(attempt=None)]
		rows.extend(
			frappe._dict(pref, identity=identity, **{k: v for k, v in a.items() if k != "person"})
			for a in mine
		)
	return rows


def to_preference(row: dict) -> core.Preference:
	return core.Preference(
		name=row.name,
		status=row.status,
		paused_until=clock.aware(row.paused_until),
		opted_out=frozenset(ch for ch, f in CHANNEL_FIELDS.items() if row.get(f)),
		reason=row.reason,
		source=row.source,
		set_by=row.status_set_by,
		set_on=clock.aware(row.status_set_on),
	)


def person_zone(keys: frozenset, record: people.RecordFacts | None) -> tuple[ZoneInfo, str]:
	"""The person's zone: the record's Time Zone, else their phone number's (if only one), else the site's."""
	site = clock.site_zone()
	if record and record.time_zone and any(keys & p for p in record.people):
		return zone_or(record.time_zone, site), "record"
	from_phone = people.phone_zone(keys)
	if from_phone:
		return zone_or(from_phone, site), "phone"
	return site, "site"


def decide_for_people(
	persons: list[frozenset],
	channel: str,
	now=None,
	record: people.RecordFacts | None = None,
	lock: bool = False,
	roles: frozenset[str] | None = None,
	batch: bool = False,
) -> Verdict:
	"""The decision for contacting every one of `persons` (sets of keys) on `channel`.

	A `batch` (a mass send) reads the ledger without details, then fetches them for the people
	whose answer needs explaining, and decides those again with them.
	"""
	channel = normalize_channel(channel)
	window = reply_window()
	active = rules.enabled_rules()
	horizon = max([window, *(r.horizon for r in active)])
	keys = set().union(*persons) if persons else set()
	rows = fetch_facts(keys, clock.naive((now or clock.now()) - horizon), lock=lock, details=not batch)
	# Read the clock after the (possibly locking) read: touches committed while this one waited
	# for the person's lock happened before "now", and count.
	now = now or clock.now()
	roles = frozenset(frappe.get_roles()) if roles is None else roles
	by_identity: dict[str, list] = {}
	for row in rows:
		by_identity.setdefault(row.identity, []).append(row)
	memo: dict = {}  # people with nothing on record decide alike, per zone (a mass send's common case)

	def decide(person):
		rows_ = [r for k in person for r in by_identity.get(k, ())]
		return _decide_one(person, rows_, channel, now, window, active, record, roles, memo)

	verdicts = [decide(p) for p in persons]
	if batch:
		detailed = detailed_attempts([v for v in verdicts if v.decision.reasons])
		verdicts = [v.with_details(detailed) if v.decision.reasons else v for v in verdicts]
	return Verdict(channel, core.strictest([v.decision for v in verdicts]), verdicts, record)


def _decide_one(keys, rows, channel, now, window, active, record, roles, memo=None) -> PersonVerdict:
	prefs = {r.name: r for r in rows}
	ledger = {r.attempt: r for r in rows if r.attempt}.values()
	site = clock.site_zone()
	attempts = tuple(
		Attempt(clock.aware(r.at, site).astimezone(UTC), r.channel, r.agent, r.reference_name, r.attempt)
		for r in ledger
		if r.direction == "Outbound" and r.outcome in COUNTED
	)
	conversations = tuple(clock.aware(r.at, site) for r in ledger if r.outcome in CONVERSATIONS)
	inbound = [clock.aware(r.at, site) for r in ledger if r.direction == "Inbound" and r.channel == channel]
	zone, zone_source = person_zone(keys, record)
	mine = record is not None and any(keys & p for p in record.people)
	inputs = dict(
		channel=channel,
		# An open preference without opt-outs says nothing: the core is not asked about it.
		preferences=tuple(to_preference(r) for r in prefs.values() if not _says_nothing(r)),
		now=now,
		last_inbound_at=max(inbound) if inbound else None,
		reply_window=window,
		rules=active,
		attempts=attempts,
		conversations=conversations,
		zone=zone,
		doctype=record.doctype if mine else None,
		status=record.status if mine else None,
		roles=roles,
	)
	title = next((prefs[n].person_name for n in sorted(prefs) if prefs[n].person_name), None)
	if not title and mine:
		title = record.title
	if memo is not None and not (attempts or conversations or inbound or inputs["preferences"]):
		memo_key = (zone.key, inputs["doctype"], inputs["status"])
		if memo_key not in memo:
			memo[memo_key] = core.decide(**inputs)
		decision = memo[memo_key]
	else:
		decision = core.decide(**inputs)
	return PersonVerdict(keys, decision, sorted(prefs), title, zone, zone_source, inputs)


def _says_nothing(row) -> bool:
	"""A preference row that is open, with no opt-outs."""
	return row.status == core.OPEN and not any(row.get(f) for f in CHANNEL_FIELDS.values())


def decide_for_record(doctype: str, name: str, channel: str, now=None) -> Verdict:
	record = people.record_facts(doctype, name)
	return decide_for_people(list(record.people), channel, now, record=record)
