"""Contact cadence: what each rule says about one more touch to a person.

Pure functions over plain data. A rule may combine a cap (at most N attempts per window), a
minimum gap between attempts, a cool-off after a conversation, and allowed hours and weekdays in
the person's own time zone. Every comparison of instants is made in UTC: Python compares two
datetimes of the same zone by wall time, which is wrong across a DST change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from functools import cached_property, lru_cache
from operator import attrgetter
from zoneinfo import ZoneInfo

UTC = timezone.utc
ANY = "Any"
# How a rule is enforced, as a Contact Cadence Rule's Enforcement field says it.
ENFORCEMENTS = BLOCK_RULE, WARN_RULE, REASON_RULE = ("Block", "Warn", "Allow with reason")
# What a rule limits.
CAP, GAP, COOL_OFF, QUIET_HOURS = "cap", "gap", "cool_off", "quiet_hours"
EVERY_DAY = frozenset(range(7))  # 0 = Monday


@dataclass(frozen=True)
class Rule:
	name: str
	channel: str = ANY
	max_attempts: int | None = None
	window: timedelta | None = None
	min_gap: timedelta | None = None
	cool_off: timedelta | None = None
	allowed_from: time | None = None
	allowed_to: time | None = None
	weekdays: frozenset[int] = EVERY_DAY
	enforcement: str = BLOCK_RULE
	override_roles: frozenset[str] = frozenset()
	applies_to: frozenset[str] = frozenset({"CRM Lead", "CRM Deal"})
	statuses: frozenset[str] = frozenset()

	def __hash__(self) -> int:
		# Rules are hashed on every cached quiet-hours lookup: the name alone keeps that cheap (equal
		# rules have equal names, so this agrees with the generated __eq__).
		return hash(self.name)

	def applies(self, channel: str, doctype: str | None = None, status: str | None = None) -> bool:
		if self.channel not in (ANY, channel):
			return False
		if doctype and self.applies_to and doctype not in self.applies_to:
			return False
		return not (self.statuses and status not in self.statuses)

	@property
	def selective(self) -> bool:
		"""Does it matter which of a person's CRM records, in which status, this rule meets?"""
		return bool(self.statuses) or not {"CRM Lead", "CRM Deal"} <= self.applies_to

	def applies_to_any(self, channel: str, records) -> bool:
		"""Counting the person, not the record: the rule speaks when any of the person's CRM
		records — (doctype, status) pairs; (None, None) for "a CRM person, records not read" — is one
		it applies to."""
		return any(self.applies(channel, doctype, status) for doctype, status in records)

	@cached_property
	def keeps_hours(self) -> bool:
		"""Does it limit the hours or the weekdays of contact? (Asked per person and instant.)"""
		return self.allowed_from is not None or self.weekdays != EVERY_DAY

	def counts(self, attempt: Attempt) -> bool:
		return self.channel in (ANY, attempt.channel)

	@property
	def horizon(self) -> timedelta:
		"""How far back this rule ever looks."""
		return max(self.window or timedelta(0), self.min_gap or timedelta(0), self.cool_off or timedelta(0))


@dataclass(frozen=True)
class Attempt:
	"""An outbound touch that counts against caps (allowed, warned or overridden)."""

	at: datetime
	channel: str
	agent: str | None = None
	reference: str | None = None
	id: str | None = None  # the ledger row, when it came from one


@dataclass(frozen=True)
class Violation:
	rule: Rule
	kind: str
	until: datetime | None  # when this constraint lapses, given no new attempts
	facts: dict


MAX_LOOK_BACK = timedelta(days=3650)  # ten years: the longest window, gap or cool-off a rule may have
MAX_ATTEMPTS = 1_000_000  # the largest cap a rule may set


def length_problems(
	max_attempts: int | None = None,
	window_length: float | None = None,
	unit_hours: float = 24,
	min_gap_hours: float | None = None,
	cool_off_days: float | None = None,
) -> list[str]:
	"""Codes of the numbers a rule's fields cannot hold, checked before they become durations
	(a window of 10**9 days is more than a `timedelta` holds); empty when they are sound.

	max_below_one (below 1 — with a window, "at most 0" is a cap of nothing, not "no cap": an empty
	"At Most" is stored as 0, so 0 without a window is no cap), max_too_large, empty_window (below
	zero), window_too_long, negative_gap, gap_too_long, negative_cool_off, cool_off_too_long.
	A number that is not finite is too long.
	"""
	limit_hours = MAX_LOOK_BACK.total_seconds() / 3600
	problems = []
	window_hours = (window_length or 0) * unit_hours
	if max_attempts is not None and (max_attempts < 0 or (max_attempts == 0 and window_hours)):
		problems.append("max_below_one")
	if max_attempts is not None and max_attempts > MAX_ATTEMPTS:
		problems.append("max_too_large")
	for hours, negative, too_long in (
		(window_hours, "empty_window", "window_too_long"),
		(min_gap_hours or 0, "negative_gap", "gap_too_long"),
		((cool_off_days or 0) * 24, "negative_cool_off", "cool_off_too_long"),
	):
		if hours < 0:
			problems.append(negative)
		elif not hours <= limit_hours:  # (also NaN and infinity)
			problems.append(too_long)
	return problems


def validate_rule(rule: Rule) -> list[str]:
	"""Codes of the problems that make a rule meaningless; empty when it is sound.

	max_below_one, cap_without_window, empty_window, hours_incomplete, same_hours, no_weekday,
	bad_enforcement, limits_nothing. The shell turns each into a sentence.
	"""
	problems = []
	if rule.max_attempts is not None and rule.max_attempts < 1:
		problems.append("max_below_one")
	if rule.max_attempts is not None and not rule.window:
		problems.append("cap_without_window")
	if rule.window is not None and rule.window <= timedelta(0):
		problems.append("empty_window")
	if (rule.allowed_from is None) != (rule.allowed_to is None):
		problems.append("hours_incomplete")
	if rule.allowed_from is not None and rule.allowed_from == rule.allowed_to:
		problems.append("same_hours")
	if not rule.weekdays:
		problems.append("no_weekday")
	if rule.enforcement not in ENFORCEMENTS:
		problems.append("bad_enforcement")
	limits = (
		rule.max_attempts,
		rule.min_gap,
		rule.cool_off,
		rule.allowed_from,
		rule.weekdays != frozenset(range(7)),
	)
	if not problems and not any(limits):
		problems.append("limits_nothing")
	return problems


def in_order(attempts) -> tuple[Attempt, ...]:
	"""Attempts with their times in UTC, oldest first: what `violations` reads."""
	utc = (a if a.at.tzinfo is UTC else replace(a, at=a.at.astimezone(UTC)) for a in attempts)
	return tuple(sorted(utc, key=_at))


_at = attrgetter("at")


def violations(
	rule: Rule,
	attempts: tuple[Attempt, ...],
	conversations,
	at: datetime,
	zone: ZoneInfo,
	also_zones: tuple[ZoneInfo, ...] = (),
) -> list[Violation]:
	"""Every constraint of `rule` that one more touch at `at` would break. `attempts` as
	`in_order` gives them (`decide` orders them once for every rule and instant it asks about).
	Quiet hours hold in `zone` and in each of `also_zones` (a person known by more than one zone:
	a Time Zone someone typed on the record must not make 3 a.m. at their phone's zone daytime)."""
	if at.tzinfo is not UTC:
		at = at.astimezone(UTC)
	found: list[Violation] = []
	mine = attempts
	if (rule.max_attempts or rule.min_gap) and attempts:  # (the rest of a rule reads no attempts)
		if rule.channel != ANY:
			mine = [a for a in mine if a.channel == rule.channel]
		if mine and mine[-1].at > at:  # asked about an instant before some touches
			mine = [a for a in mine if a.at <= at]

	if rule.max_attempts and rule.window:
		since = at - rule.window
		counted = [a for a in mine if a.at > since]
		if len(counted) >= rule.max_attempts:
			# The touch is allowed once enough of the counted attempts have aged out of the window.
			until = counted[len(counted) - rule.max_attempts].at + rule.window
			found.append(
				Violation(
					rule,
					CAP,
					until,
					{
						"count": len(counted),
						"max": rule.max_attempts,
						"window": rule.window,
						"attempts": tuple(counted),
					},
				)
			)

	if rule.min_gap and mine:
		last = mine[-1]
		until = last.at + rule.min_gap
		if at < until:
			found.append(Violation(rule, GAP, until, {"gap": rule.min_gap, "last": last}))

	if rule.cool_off and conversations:
		talks = [c for c in (c.astimezone(UTC) for c in conversations) if c <= at]
		if talks:
			until = max(talks) + rule.cool_off
			if at < until:
				found.append(
					Violation(rule, COOL_OFF, until, {"cool_off": rule.cool_off, "conversation": max(talks)})
				)

	if rule.keeps_hours:
		closed = quiet_hours(rule, at, zone, also_zones)
		if closed:
			found.append(closed)
	return found


@lru_cache(maxsize=4096)
def quiet_hours(
	rule: Rule, at: datetime, zone: ZoneInfo, also_zones: tuple[ZoneInfo, ...] = ()
) -> Violation | None:
	"""The quiet-hours violation of one more touch at `at` (UTC), in the first of the zones where
	`rule`'s hours or weekdays are closed, else None. (A mass check asks it for thousands of people
	in the same few zones at the same instant: remembered.)"""
	closed = ((z, next_open(rule, at, z)) for z in (zone, *also_zones))
	closed_in, opens = next(((z, o) for z, o in closed if o != at), (zone, at))
	if opens == at:
		return None
	return Violation(
		rule,
		QUIET_HOURS,
		opens,
		{
			"zone": closed_in.key,
			"local": at.astimezone(closed_in),
			"from": rule.allowed_from,
			"to": rule.allowed_to,
			"weekdays": rule.weekdays,
		},
	)


@lru_cache(maxsize=4096)
def _windows(rule: Rule, day: date, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
	"""The allowed interval (UTC) that starts on local `day`, or None when `day` is not allowed."""
	if day.weekday() not in rule.weekdays:
		return None
	start_t = rule.allowed_from or time(0)
	end_t = rule.allowed_to or time(0)
	start = datetime.combine(day, start_t, tzinfo=zone).astimezone(UTC)
	end_day = day if (rule.allowed_to is not None and end_t > start_t) else day + timedelta(days=1)
	end = datetime.combine(end_day, end_t, tzinfo=zone).astimezone(UTC)
	return (start, end) if end > start else None


@lru_cache(maxsize=4096)
def next_open(rule: Rule, at: datetime, zone: ZoneInfo) -> datetime:
	"""`at` itself when allowed hours and weekdays admit it, else the next instant they do."""
	at = at.astimezone(UTC)
	local_day = at.astimezone(zone).date()
	for offset in range(-1, 9):
		window = _windows(rule, local_day + timedelta(days=offset), zone)
		if window is None:
			continue
		start, end = window
		if start <= at < end:
			return at
		if start > at:
			return start
	raise ValueError(f"rule {rule.name!r} allows no time at all")


def zone_or(name: str | None, fallback: ZoneInfo) -> ZoneInfo:
	"""A ZoneInfo for `name`, or `fallback` when it is empty or unknown."""
	if not name:
		return fallback
	try:
		return ZoneInfo(name)
	except (KeyError, ValueError):
		return fallback


def is_zone(name: str) -> bool:
	try:
		ZoneInfo(name)
	except (KeyError, ValueError):
		return False
	return True
