"""The shell around the one decision: the facts `query` read, turned into the core's inputs (the
person's zone, the rules of their records, what counts), the core asked once per person, and what
it said kept as a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import frappe

from humane_crm.cadence import query, rules
from humane_crm.constants import CRM_RECORDS
from humane_crm.exceptions import UnknownChannelError
from humane_crm.people import identities
from humane_crm.policy import decision as core
from humane_crm.policy.cadence import Attempt, zone_or
from humane_crm.utils import cache, clock, inputs

CHANNEL_FIELDS = {
	"Email": "opt_out_email",
	"Call": "opt_out_call",
	"SMS": "opt_out_sms",
	"WhatsApp": "opt_out_whatsapp",
}


@dataclass
class PersonVerdict:
	keys: frozenset
	decision: core.Decision
	persons: list[str] = field(default_factory=list)  # Contact Preference names holding these keys
	title: str | None = None  # the person's name, as their Contact Preference knows them
	zone: ZoneInfo | None = None
	zone_source: str = "site"  # record, phone or site
	inputs: dict = field(default_factory=dict, repr=False)  # what the core decided on
	override_pass: dict | None = None  # the sender's pass, when the core let a rule through with it


@dataclass
class Verdict:
	channel: str
	decision: core.Decision
	people: list[PersonVerdict]
	record: identities.RecordFacts | None = None

	@property
	def allowed(self) -> bool:
		return self.decision.allowed


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


def reply_window(settings: dict | None = None) -> timedelta:
	return timedelta(hours=(settings or identities.decision_settings())["reply_window_hours"])


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
	keys: frozenset,
	record: identities.RecordFacts | None,
	site: ZoneInfo,
	held: frozenset[str] = frozenset(),
) -> tuple[ZoneInfo, str, tuple[ZoneInfo, ...]]:
	"""The person's zone: the record's Time Zone, else their phone number's (if only one), else the
	site's; and any other zone they are known by. Their phone numbers are those among `keys` and
	those their Contact Preference holds (`held`: the zones of these): reached by an address alone
	(a mass check, a lead that knows only the address), they are where their phone says. A Time
	Zone typed on the record does not replace their phone's: quiet hours hold in both (anyone who
	may edit the lead could otherwise make 3 a.m. look like daytime)."""
	from_phone = identities.phone_zone(keys, held)
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
	of what is on record about all of them (`query.fetch_facts`), then the core for each."""
	channel = normalize_channel(channel)
	window, active = reply_window(), rules.enabled_rules()
	keys = set().union(*persons) if persons else set()
	# On the send path the sender's override passes are facts too, read under the same locks.
	passes = (frappe.session.user, channel, clock.naive(now or clock.now())) if lock else None
	on_record = query.fetch_facts(
		keys,
		_since(now or clock.now(), window, active),
		lock=lock,
		held=held,
		created=created,
		passes=passes,
		ahead=record.send.ahead if lock and record is not None and record.send is not None else None,
	)
	# Read the clock after the (possibly locking) read: touches committed while this one waited
	# for the person's lock happened before "now", and count.
	shared = _shared(persons, channel, now or clock.now(), window, active, record, roles)
	records = [_records_of(p, on_record) for p in persons]
	verdicts = [_decide_one(p, r, shared) for p, r in zip(persons, records, strict=True)]
	for i, person in enumerate(persons):
		# Read ahead without their passes (`query.Ahead`): a pass can only turn a refusing rule
		# into an override, so only a decision with a refusing reason reads them, and is made again.
		if verdicts[i].decision.blocking and not all(r.passes_read for r in records[i]):
			query.read_passes(records[i], passes)
			verdicts[i] = _decide_one(person, records[i], shared)
	return Verdict(channel, core.strictest([v.decision for v in verdicts]), verdicts, record)


def read_ahead(channel: str) -> query.Ahead:
	"""What a send's decision on `channel` will read under its people's locks, to be read ahead
	with the message's record (`identities.record_facts(..., read_ahead=)`): one statement, not two.

	How far back it reads is bounded by the rules and reply window as this process last knew them
	(`cache.hint`: nothing is read before the statement, which also carries the kept values' stamp,
	see `identities._row`). Should they have changed since, the decision, on the kept ones, reads
	again under lock what the bound left out (`query.Ahead.covers`)."""
	now = clock.now()
	settings, active = cache.hint(cache.DECISION_SETTINGS), cache.hint(cache.CADENCE_RULES)
	if settings is None or active is None:  # (this process's first send)
		settings, active = identities.decision_settings(), rules.enabled_rules()
	return query.Ahead(
		_since(now, reply_window(settings), active),
		(frappe.session.user, normalize_channel(channel), clock.naive(now)),
	)


def decide_in_pages(persons: list[frozenset], channel: str, page_keys: int | None = None):
	"""A mass check: each person's verdict, in the order of `persons`, a page at a time (a list
	per page of at most `page_keys` keys). Each page is read as `decide_for_people` reads (who
	holds the keys, then their ledgers) and decided alike, but the next page's reads are already
	in flight (`inflight`) while this page is decided and while the caller uses its verdicts:
	MariaDB reads while Python decides, not in turn. The longer read, the next page's ledgers,
	runs beside the longer work, this page's decisions; who holds the keys of the page after
	runs beside the caller's use of the verdicts. (The first page is read before anything can
	be decided: with a few keys, in one statement.)"""
	channel = normalize_channel(channel)
	window, active = reply_window(), rules.enabled_rules()
	now = clock.now()
	since = _since(now, window, active)
	shared = _shared(persons, channel, now, window, active, None, None)
	pages = list(_pages(persons, page_keys or query.BATCH_KEYS))
	if not pages:
		return
	on_record = query.fetch_facts(set(_keys(pages[0])), since)  # (a few keys: one statement)
	holders = query.start_people(_keys(pages[1])) if len(pages) > 1 else None
	for i, page in enumerate(pages):
		following = None
		# The next page's people are known: their ledgers are read while this page is decided.
		if holders is not None:
			following = query.people(holders)
			ledgers = query.start_ledger(following, since)
		verdicts = [_decide_one(p, _records_of(p, on_record), shared) for p in page]
		if following is not None:
			query.add_ledgers(following, since, ledgers)
			holders = query.start_people(_keys(pages[i + 2])) if i + 2 < len(pages) else None
		yield verdicts
		on_record = following


def _since(now: datetime, window: timedelta, active: tuple):
	"""How far back a decision reads the ledger: as far as the reply window or any rule looks."""
	return clock.naive(now - max([window, *(r.horizon for r in active)]))


def _pages(persons: list[frozenset], page_keys: int):
	page, keys = [], 0
	for person in persons:
		if page and keys + len(person) > page_keys:
			yield page
			page, keys = [], 0
		page.append(person)
		keys += len(person)
	if page:
		yield page


def _keys(page: list[frozenset]) -> list[str]:
	return sorted(set().union(*page))


def _shared(persons, channel, now, window, active, record, roles) -> Shared:
	return Shared(
		channel,
		now,
		window,
		active,
		record,
		roles,
		clock.site_zone(),
		# Count the person, not the record: when a rule cares which records or statuses, read the
		# person's leads and deals (the installed defaults do not, and cost no query here).
		identities.crm_records(persons) if any(r.selective for r in active) else None,
	)


def _records_of(person: frozenset, on_record: dict) -> list[query.OnRecord]:
	if len(person) == 1:  # a mass send's recipients, mostly
		found = on_record.get(next(iter(person)))
		return [found] if found else []
	found = {r.name: r for r in (on_record.get(k) for k in person) if r}
	return [found[n] for n in sorted(found)]


@dataclass
class Shared:
	"""What every person of one decision is decided against."""

	channel: str
	now: datetime
	window: timedelta
	rules: tuple
	record: identities.RecordFacts | None
	roles: frozenset[str] | None  # the user's, read when first needed (`user_roles`)
	site: ZoneInfo
	crm: dict | None = None  # person → their (doctype, status) pairs, read when a rule is selective
	memo: dict = field(default_factory=dict)  # (zone, doctype, status, records) → (decision, inputs)

	@cached_property
	def utc(self) -> clock.UtcReader:
		"""The ledger's times (in the site's zone, as text) as UTC instants."""
		return clock.UtcReader(self.site)

	def records(self, keys: frozenset, doctype: str | None, status: str | None) -> tuple:
		"""The CRM records whose rules apply to this person: all of theirs (with the one the message
		is filed on), or, when no rule is selective, "a CRM person" — every rule applies."""
		if self.crm is None:
			return ((None, None),)
		mine = ((doctype, status),) if doctype in CRM_RECORDS else ()
		return tuple(dict.fromkeys((*mine, *self.crm.get(keys, ()))))

	def user_roles(self) -> frozenset[str]:
		if self.roles is None:
			self.roles = frozenset(frappe.get_roles())
		return self.roles

	def inputs(self, zone: ZoneInfo, doctype: str | None, status: str | None, **facts) -> dict:
		"""What the core is asked, for one person in `zone` on a record of `doctype` in `status`.
		The user's roles matter only to a rule an override pass may let through: they are read (a
		cache read a send need not make) only for a person with a pass."""
		return {
			"channel": self.channel,
			"preferences": (),
			"now": self.now,
			"reply_window": self.window,
			"rules": self.rules,
			"zone": zone,
			"doctype": doctype,
			"status": status,
			"roles": self.user_roles() if facts.get("has_pass") else frozenset(),
			**facts,
		}


def _decide_one(keys: frozenset, records: list[query.OnRecord], shared: Shared) -> PersonVerdict:
	channel, site, record = shared.channel, shared.site, shared.record
	attempts, conversations, inbound, preferences = [], [], [], []
	title, override_pass, held_zones = None, None, frozenset()
	# One pass over what is on record (a mass check makes ten thousand of these).
	for on_record in records:
		title = title or on_record.title
		override_pass = override_pass or on_record.override_pass
		if on_record.phone_zones:
			held_zones = held_zones.union(on_record.phone_zones.split())
		if on_record.preference:  # (an open preference without opt-outs says nothing: not asked)
			preferences.append(to_preference(on_record.name, on_record.preference))
		for id_, at, ch, direction, outcome, agent, reference in on_record.ledger:
			if core.counts_against_caps(direction, outcome):
				attempts.append(Attempt(shared.utc(at), ch, agent, reference, id_))
			elif core.is_conversation(outcome):  # (their own message, Received, is one)
				when = datetime.fromisoformat(at).replace(tzinfo=site)
				conversations.append(when)
				if direction == "Inbound" and outcome == "Received" and ch == channel:  # their own message
					inbound.append(when)
	zone, zone_source, also_zones = person_zone(keys, record, site, held_zones)
	mine = record is not None and any(keys & p for p in record.people)
	if not title and mine:
		title = record.title
	doctype, status = (record.doctype, record.status) if mine else (None, None)
	on = shared.records(keys, doctype, status)
	if (
		conversations
		or inbound
		or preferences
		or override_pass
		or core.attempts_matter(shared.rules, attempts, shared.now)
	):
		inputs = shared.inputs(
			zone,
			doctype,
			status,
			also_zones=also_zones,
			records=on,
			preferences=tuple(preferences),
			attempts=tuple(attempts),
			conversations=tuple(conversations),
			last_inbound_at=max(inbound) if inbound else None,
			has_pass=override_pass is not None,
		)
		decision = core.decide(**inputs)
	else:
		# Nothing on record speaks (touches too few and too long ago for any rule to count, if
		# any): people alike decide alike (a mass send's common case).
		memo_key = (zone, also_zones, doctype, status, on)
		if memo_key not in shared.memo:
			inputs = shared.inputs(zone, doctype, status, also_zones=also_zones, records=on)
			shared.memo[memo_key] = (core.decide(**inputs), inputs)
		decision, inputs = shared.memo[memo_key]
		if attempts:  # (what the answer lists as their touches)
			inputs = {**inputs, "attempts": tuple(attempts)}
	used = override_pass if decision.outcome == core.OVERRIDE else None
	return PersonVerdict(keys, decision, [r.name for r in records], title, zone, zone_source, inputs, used)


def decide_for_record(doctype: str, name: str, channel: str, now=None) -> Verdict:
	record = identities.record_facts(doctype, name)
	return decide_for_people(list(record.people), channel, now, record=record)
