"""Contact cadence in the core: caps, gaps, cool-off, quiet hours in the person's zone."""

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from humane_crm.policy.cadence import (
	ANY,
	BLOCK_RULE,
	MAX_LOOK_BACK,
	REASON_RULE,
	WARN_RULE,
	Attempt,
	Rule,
	length_problems,
	next_open,
	validate_rule,
)
from humane_crm.policy.decision import (
	ALLOW,
	BLOCK,
	DO_NOT_CONTACT,
	EXEMPT,
	OVERRIDE,
	WARN,
	Preference,
	attempts_matter,
	decide,
	overridable,
)

UTC = timezone.utc
NY = ZoneInfo("America/New_York")
# The installed defaults.
THREE_A_WEEK = Rule("Three touches a week", max_attempts=3, window=timedelta(days=7))
A_DAY_BETWEEN = Rule("A day between touches", min_gap=timedelta(hours=24))
DAYTIME = Rule(
	"Daytime, Monday to Saturday", allowed_from=time(8), allowed_to=time(21), weekdays=frozenset(range(6))
)
DEFAULTS = (THREE_A_WEEK, A_DAY_BETWEEN, DAYTIME)

# A Tuesday, 15:00 in New York.
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=NY)


def touches(*days_ago, channel="Call", agent="priya"):
	return tuple(Attempt(NOW - timedelta(days=d), channel, agent) for d in days_ago)


def test_the_fourth_touch_in_seven_days_is_refused_with_the_attempts_and_next_time():
	attempts = touches(6, 4, 2, agent="sam")
	d = decide("Email", [], NOW, rules=DEFAULTS, attempts=attempts, zone=NY)
	assert d.outcome == BLOCK
	[cap] = [r for r in d.reasons if r.kind == "cap"]
	assert cap.facts["count"] == 3 and cap.facts["max"] == 3
	assert [a.agent for a in cap.facts["attempts"]] == ["sam", "sam", "sam"]
	# The oldest touch (6 days ago, 15:00) ages out tomorrow at 15:00 — within daytime hours.
	assert d.next_allowed_at == NOW + timedelta(days=1)


def test_any_channel_counts_across_channels():
	attempts = touches(5, channel="Email") + touches(3, channel="Call") + touches(2, channel="WhatsApp")
	assert decide("SMS", [], NOW, rules=(THREE_A_WEEK,), attempts=attempts, zone=NY).outcome == BLOCK
	call_rule = Rule("Calls", channel="Call", max_attempts=2, window=timedelta(days=7))
	assert decide("Email", [], NOW, rules=(call_rule,), attempts=attempts, zone=NY).outcome == ALLOW


def test_a_call_at_22_in_the_persons_zone_waits_until_8_their_time():
	at = datetime(2026, 11, 24, 22, 0, tzinfo=NY)
	d = decide("Call", [], at, rules=DEFAULTS, zone=NY)
	assert d.outcome == BLOCK
	assert d.next_allowed_at.astimezone(NY) == datetime(2026, 11, 25, 8, 0, tzinfo=NY)
	assert d.reasons[0].facts["zone"] == "America/New_York"


def test_saturday_night_waits_until_monday_morning():
	saturday_night = datetime(2026, 11, 28, 21, 30, tzinfo=NY)
	d = decide("Call", [], saturday_night, rules=(DAYTIME,), zone=NY)
	assert d.next_allowed_at.astimezone(NY) == datetime(2026, 11, 30, 8, 0, tzinfo=NY)


def test_gap_and_cool_off():
	d = decide("Email", [], NOW, rules=(A_DAY_BETWEEN,), attempts=touches(0.5), zone=NY)
	assert d.outcome == BLOCK and d.next_allowed_at == NOW + timedelta(hours=12)
	cool = Rule("Give them room", cool_off=timedelta(days=2))
	d = decide("Email", [], NOW, rules=(cool,), conversations=(NOW - timedelta(days=1),), zone=NY)
	assert d.outcome == BLOCK and d.next_allowed_at == NOW + timedelta(days=1)


def test_warn_and_allow_with_reason():
	warn = Rule("Gentle", max_attempts=1, window=timedelta(days=7), enforcement=WARN_RULE)
	assert decide("Email", [], NOW, rules=(warn,), attempts=touches(1), zone=NY).outcome == WARN
	reason = Rule("Explain yourself", max_attempts=1, window=timedelta(days=7), enforcement=REASON_RULE)
	d = decide("Email", [], NOW, rules=(reason,), attempts=touches(1), zone=NY)
	assert d.outcome == BLOCK and overridable(d, frozenset())
	assert (
		decide("Email", [], NOW, rules=(reason,), attempts=touches(1), zone=NY, has_pass=True).outcome
		== OVERRIDE
	)


def test_override_needs_the_role_and_never_passes_do_not_contact():
	strict = Rule(
		"Strict", max_attempts=1, window=timedelta(days=7), override_roles=frozenset({"Sales Manager"})
	)
	blocked = decide("Email", [], NOW, rules=(strict,), attempts=touches(1), zone=NY)
	assert not overridable(blocked, frozenset({"Sales User"})) and overridable(
		blocked, frozenset({"Sales Manager"})
	)
	kw = dict(rules=(strict,), attempts=touches(1), zone=NY, has_pass=True)
	assert decide("Email", [], NOW, roles=frozenset({"Sales User"}), **kw).outcome == BLOCK
	assert decide("Email", [], NOW, roles=frozenset({"Sales Manager"}), **kw).outcome == OVERRIDE
	dnc = Preference("CP-1", DO_NOT_CONTACT)
	assert decide("Email", [dnc], NOW, roles=frozenset({"Sales Manager"}), **kw).outcome == BLOCK


def test_rules_apply_to_their_doctypes_statuses_and_channels():
	deals_only = Rule(
		"Deals in negotiation",
		max_attempts=1,
		window=timedelta(days=7),
		applies_to=frozenset({"CRM Deal"}),
		statuses=frozenset({"Negotiation"}),
	)
	kw = dict(rules=(deals_only,), attempts=touches(1), zone=NY)
	assert decide("Email", [], NOW, doctype="CRM Lead", status="Negotiation", **kw).outcome == ALLOW
	assert decide("Email", [], NOW, doctype="CRM Deal", status="Qualification", **kw).outcome == ALLOW
	assert decide("Email", [], NOW, doctype="CRM Deal", status="Negotiation", **kw).outcome == BLOCK


@pytest.mark.parametrize(
	"rule, problem",
	[
		(Rule("r", max_attempts=0, window=timedelta(days=1)), "max_below_one"),
		(Rule("r", max_attempts=3), "cap_without_window"),
		(Rule("r", max_attempts=3, window=timedelta(0)), "empty_window"),
		(Rule("r", allowed_from=time(8), allowed_to=time(8)), "same_hours"),
		(Rule("r", allowed_from=time(8)), "hours_incomplete"),
		(Rule("r", weekdays=frozenset()), "no_weekday"),
		(Rule("r"), "limits_nothing"),
	],
)
def test_invalid_rules_are_explained(rule, problem):
	assert problem in validate_rule(rule)


def test_defaults_are_valid():
	assert all(validate_rule(r) == [] for r in DEFAULTS)


DAY = 24  # hours in a day unit


@pytest.mark.parametrize(
	"numbers, problem",
	[
		# "At most 0" with a window is a cap of nothing, not "no cap": refused, never dropped.
		(dict(max_attempts=0, window_length=7), "max_below_one"),
		(dict(max_attempts=-1, window_length=7), "max_below_one"),
		(dict(max_attempts=10**12, window_length=7), "max_too_large"),
		(dict(max_attempts=3, window_length=10**9), "window_too_long"),
		(dict(max_attempts=3, window_length=-(10**9)), "empty_window"),
		(dict(min_gap_hours=10**12), "gap_too_long"),
		(dict(min_gap_hours=float("inf")), "gap_too_long"),
		(dict(min_gap_hours=float("nan")), "gap_too_long"),
		(dict(min_gap_hours=-5), "negative_gap"),
		(dict(cool_off_days=10**12), "cool_off_too_long"),
		(dict(cool_off_days=-1), "negative_cool_off"),
	],
)
def test_numbers_a_rule_cannot_hold_are_named_before_they_become_durations(numbers, problem):
	assert problem in length_problems(unit_hours=DAY, **numbers)


@pytest.mark.parametrize(
	"numbers",
	[
		dict(max_attempts=3, window_length=7),
		dict(min_gap_hours=24),
		dict(cool_off_days=2.5),
		dict(),  # nothing set: no cap (empty "At Most" is stored as 0)
		dict(max_attempts=0, window_length=0),
		dict(max_attempts=1, window_length=MAX_LOOK_BACK.days),
		dict(min_gap_hours=MAX_LOOK_BACK.total_seconds() / 3600),
	],
)
def test_sound_numbers_pass(numbers):
	assert length_problems(unit_hours=DAY, **numbers) == []


@given(
	st.one_of(st.none(), st.integers(), st.floats(allow_nan=True, allow_infinity=True)),
	st.one_of(st.none(), st.integers()),
	st.sampled_from([1, 24]),
	st.one_of(st.none(), st.integers(), st.floats(allow_nan=True, allow_infinity=True)),
	st.one_of(st.none(), st.integers(), st.floats(allow_nan=True, allow_infinity=True)),
)
def test_numbers_that_pass_always_make_durations(max_attempts, window_length, unit_hours, gap, cool_off):
	if isinstance(max_attempts, float):
		max_attempts = None
	if length_problems(max_attempts, window_length, unit_hours, gap, cool_off):
		return
	# What the shell builds from the fields once they pass: never an OverflowError.
	timedelta(hours=(window_length or 0) * unit_hours)
	timedelta(hours=gap or 0)
	timedelta(days=cool_off or 0)


# --- DST ---------------------------------------------------------------------------------------


def test_quiet_hours_across_spring_forward_and_fall_back():
	# New York springs forward on 2026-03-08 (02:00 → 03:00) and falls back on 2026-11-01.
	late = datetime(2026, 3, 7, 23, 0, tzinfo=NY)  # Saturday 23:00, the night of the change
	rule = Rule("Daytime", allowed_from=time(8), allowed_to=time(21))
	assert next_open(rule, late, NY).astimezone(NY) == datetime(2026, 3, 8, 8, 0, tzinfo=NY)
	assert next_open(rule, late, NY) - late.astimezone(UTC) == timedelta(hours=8)  # one hour lost overnight
	late = datetime(2026, 10, 31, 23, 0, tzinfo=NY)
	assert next_open(rule, late, NY) - late.astimezone(UTC) == timedelta(hours=10)  # one hour gained
	# A window inside the missing hour shifts forward with the clocks, as a scheduler's would:
	# 02:15–02:45 does not exist that night, so it is 03:15–03:45 EDT.
	missing = Rule("2:15 to 2:45", allowed_from=time(2, 15), allowed_to=time(2, 45))
	opened = next_open(missing, datetime(2026, 3, 8, 1, 0, tzinfo=NY), NY)
	assert opened.astimezone(NY).replace(tzinfo=None) == datetime(2026, 3, 8, 3, 15)
	assert next_open(missing, opened + timedelta(minutes=29), NY) == opened + timedelta(minutes=29)
	assert (
		next_open(missing, opened + timedelta(minutes=30), NY).astimezone(NY).date()
		== datetime(2026, 3, 9).date()
	)


# --- properties --------------------------------------------------------------------------------

zones = st.sampled_from(
	["America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]
).map(ZoneInfo)
instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)).map(
	lambda d: d.replace(tzinfo=UTC)
)
hours = st.times().map(lambda t: t.replace(second=0, microsecond=0))
rules = st.builds(
	Rule,
	name=st.sampled_from(["a", "b", "c"]),
	channel=st.sampled_from([ANY, "Email", "Call"]),
	max_attempts=st.one_of(st.none(), st.integers(1, 5)),
	window=st.integers(1, 24 * 14).map(lambda h: timedelta(hours=h)),
	min_gap=st.one_of(st.none(), st.integers(1, 72).map(lambda h: timedelta(hours=h))),
	cool_off=st.one_of(st.none(), st.integers(1, 10).map(lambda d: timedelta(days=d))),
	allowed_from=st.one_of(st.none(), hours),
	allowed_to=hours,
	weekdays=st.frozensets(st.integers(0, 6), min_size=1),
	enforcement=st.sampled_from([BLOCK_RULE, BLOCK_RULE, WARN_RULE, REASON_RULE]),
).map(lambda r: r if r.allowed_from is not None else Rule(**{**r.__dict__, "allowed_to": None}))


def hours_set_by_one(rule_list: list[Rule]) -> list[Rule]:
	"""The first rule sets the hours and days; the others keep every hour (two rules allowing only
	Monday and only Tuesday would never both be satisfied: a contradiction in the configuration,
	not a time to find)."""
	assume(all(r.allowed_from != r.allowed_to for r in rule_list if r.allowed_from is not None))
	return [rule_list[0]] + [
		Rule(**{**r.__dict__, "allowed_from": None, "allowed_to": None, "weekdays": frozenset(range(7))})
		for r in rule_list[1:]
	]


@settings(max_examples=300, deadline=None)
@given(
	st.lists(rules, min_size=1, max_size=4),
	st.lists(st.tuples(st.integers(0, 60 * 24 * 20), st.sampled_from(["Email", "Call"])), max_size=12),
	st.lists(st.integers(0, 60 * 24 * 20), max_size=2),
	instants,
	zones,
	st.sampled_from(["Email", "Call"]),
)
def test_next_allowed_at_is_itself_allowed_and_nothing_earlier_is(rule_list, ago, talks, now, zone, channel):
	rule_list = hours_set_by_one(rule_list)
	assume(
		all(
			r.max_attempts or r.min_gap or r.cool_off or r.allowed_from or len(r.weekdays) < 7
			for r in rule_list
		)
	)
	attempts = tuple(Attempt(now - timedelta(minutes=m), ch) for m, ch in ago)
	conversations = tuple(now - timedelta(minutes=m) for m in talks)
	kw = dict(rules=rule_list, attempts=attempts, conversations=conversations, zone=zone)
	d = decide(channel, [], now, **kw)
	if d.outcome != BLOCK:
		return
	assert d.next_allowed_at is not None and d.next_allowed_at >= now
	assert decide(channel, [], d.next_allowed_at, **kw).outcome != BLOCK
	if d.next_allowed_at > now:
		assert decide(channel, [], d.next_allowed_at - timedelta(seconds=1), **kw).outcome == BLOCK


@settings(max_examples=200, deadline=None)
@given(
	st.integers(1, 5), st.integers(1, 24 * 10), st.lists(st.integers(1, 60 * 24 * 12), max_size=30), instants
)
def test_never_allowed_above_a_cap(cap, window_hours, gaps, start):
	"""Send whenever the decision allows: no window ever holds more than `cap` touches."""
	rule = Rule("cap", max_attempts=cap, window=timedelta(hours=window_hours))
	sent: list[datetime] = []
	at = start
	for gap in gaps:
		at += timedelta(minutes=gap)
		if decide("Email", [], at, rules=(rule,), attempts=tuple(Attempt(t, "Email") for t in sent)).allowed:
			sent.append(at)
	for t in sent:
		assert sum(1 for s in sent if t - rule.window < s <= t) <= cap


@given(st.lists(rules, max_size=3), instants, st.integers(0, 71 * 60), st.booleans())
def test_a_reply_inside_the_window_is_always_exempt(rule_list, now, minutes_ago, do_not_contact):
	prefs = [Preference("CP", DO_NOT_CONTACT)] if do_not_contact else []
	d = decide(
		"Email",
		prefs,
		now,
		last_inbound_at=now - timedelta(minutes=minutes_ago),
		rules=rule_list,
		attempts=tuple(Attempt(now - timedelta(hours=h), "Email") for h in range(5)),
		zone=NY,
	)
	assert d.outcome == EXEMPT and d.allowed


@settings(max_examples=400, deadline=None)
@given(
	st.lists(rules, min_size=1, max_size=3),
	st.lists(st.tuples(st.integers(-60 * 24, 60 * 24 * 10), st.sampled_from(["Email", "Call"])), max_size=6),
	st.lists(st.integers(0, 60 * 24 * 10), max_size=2),
	instants,
	zones,
	st.sampled_from(["Email", "Call"]),
)
def test_attempts_no_rule_can_count_decide_as_no_attempts(rule_list, ago, talks, now, zone, channel):
	# A mass check decides people whose touches no rule can count as people without any, once:
	# the decision (reasons, next allowed time) must be the same. (Some touches may be later than
	# `now`: a later instant may count them.)
	rule_list = hours_set_by_one(rule_list)
	attempts = tuple(Attempt(now - timedelta(minutes=m), ch) for m, ch in ago)
	kw = dict(rules=rule_list, conversations=tuple(now - timedelta(minutes=m) for m in talks), zone=zone)
	if attempts_matter(rule_list, attempts, now):
		return
	assert decide(channel, [], now, attempts=attempts, **kw) == decide(channel, [], now, **kw)


def test_which_attempts_a_rule_can_count():
	now = datetime(2026, 11, 24, 15, tzinfo=UTC)
	week = Rule("week", max_attempts=3, window=timedelta(days=7), min_gap=timedelta(hours=24))
	touches = lambda *hours_ago: tuple(Attempt(now - timedelta(hours=h), "Email") for h in hours_ago)  # noqa: E731
	assert not attempts_matter([week], (), now)
	assert not attempts_matter([week], touches(48, 100), now)  # two, the last two days ago
	assert attempts_matter([week], touches(48, 100, 120), now)  # a third: the cap may count them
	assert attempts_matter([week], touches(23), now)  # inside the gap
	assert attempts_matter([week], touches(-2, 48), now)  # one later than now: the gap will count it
	assert not attempts_matter(
		[Rule("hours", allowed_from=time(8), allowed_to=time(21))], touches(1, 2, 3, 4), now
	)
