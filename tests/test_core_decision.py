"""The one decision, as far as the person's own preferences go."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from humane_crm.policy.decision import (
	ALLOW,
	BLOCK,
	CHANNELS,
	DO_NOT_CONTACT,
	EXEMPT,
	OPEN,
	PAUSED,
	Decision,
	Preference,
	decide,
	strictest,
)

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def test_nobody_said_anything_allows():
	d = decide("Email", [], NOW)
	assert d.allowed and d.outcome == ALLOW and d.reasons == () and d.next_allowed_at is None


def test_do_not_contact_blocks_every_channel_for_good():
	pref = Preference(
		"CP-1", DO_NOT_CONTACT, reason="asked us to stop", source="Customer", set_by="ana@x.com"
	)
	for channel in CHANNELS:
		d = decide(channel, [pref], NOW)
		assert not d.allowed and d.outcome == BLOCK
		assert d.next_allowed_at is None
		assert d.reasons[0].facts["reason"] == "asked us to stop"


def test_pause_blocks_until_its_end_then_lapses():
	until = NOW + timedelta(days=30)
	pref = Preference("CP-1", PAUSED, paused_until=until)
	d = decide("Call", [pref], NOW)
	assert d.outcome == BLOCK and d.next_allowed_at == until
	assert decide("Call", [pref], until).outcome == ALLOW


def test_channel_opt_out_blocks_only_that_channel():
	pref = Preference("CP-1", OPEN, opted_out=frozenset({"Call"}))
	assert decide("Call", [pref], NOW).outcome == BLOCK
	assert decide("Email", [pref], NOW).outcome == ALLOW


def test_reply_inside_window_is_exempt_even_under_do_not_contact():
	pref = Preference("CP-1", DO_NOT_CONTACT)
	d = decide("Email", [pref], NOW, last_inbound_at=NOW - timedelta(hours=1))
	assert d.allowed and d.outcome == EXEMPT
	# the person's wish is said first; the window says it lets through an answer despite it
	assert [r.kind for r in d.reasons] == ["do_not_contact", "reply_window"]
	assert d.reasons[1].facts["despite"] == ("do_not_contact",)


def test_a_reply_window_with_no_standing_wish_says_nothing_is_overridden():
	d = decide("Email", [], NOW, last_inbound_at=NOW - timedelta(hours=1))
	assert d.outcome == EXEMPT and d.reasons[0].kind == "reply_window"
	assert d.reasons[0].facts["despite"] == ()


def test_reply_window_closes():
	pref = Preference("CP-1", DO_NOT_CONTACT)
	d = decide(
		"Email", [pref], NOW, last_inbound_at=NOW - timedelta(hours=73), reply_window=timedelta(hours=72)
	)
	assert d.outcome == BLOCK


def test_unknown_channel_is_a_clear_error():
	with pytest.raises(ValueError, match="unknown channel"):
		decide("Pigeon", [], NOW)


def test_strictest_of_several_people():
	a = Decision(ALLOW)
	b = decide("Email", [Preference("CP-2", PAUSED, paused_until=NOW + timedelta(days=3))], NOW)
	c = decide("Email", [Preference("CP-3", PAUSED, paused_until=NOW + timedelta(days=9))], NOW)
	combined = strictest([a, b, c])
	assert combined.outcome == BLOCK and combined.next_allowed_at == NOW + timedelta(days=9)
	assert strictest([]).outcome == ALLOW


def test_a_pause_ending_at_night_opens_the_next_morning_also_for_the_record_that_holds_them():
	"""The person's decision follows the pause's end into the night's quiet hours; combining it
	(a record's people, an email's recipients) must not cut that short at the pause's own end: an
	agent told 22:00 would be refused again at 22:00."""
	from humane_crm.policy.cadence import Rule

	daytime = (Rule("Daytime", allowed_from=time(8), allowed_to=time(21)),)
	until_night = Preference("CP-1", PAUSED, paused_until=datetime(2026, 11, 27, 22, 0, tzinfo=UTC))
	morning = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
	alone = decide("Email", [until_night], NOW, rules=daytime, zone=ZoneInfo("UTC"))
	assert alone.next_allowed_at == morning
	assert strictest([alone]).next_allowed_at == morning
	sooner = decide("Email", [Preference("CP-2", PAUSED, paused_until=NOW + timedelta(hours=1))], NOW)
	assert strictest([sooner, alone, Decision(ALLOW)]).next_allowed_at == morning
	forever = decide("Email", [Preference("CP-3", DO_NOT_CONTACT)], NOW)
	assert strictest([alone, forever]).next_allowed_at is None


@given(st.lists(st.lists(st.sampled_from(range(6)), max_size=3), min_size=1, max_size=4))
def test_several_people_are_allowed_again_no_earlier_than_each_of_them(people):
	"""Whoever is refused, the combined time is never before any refused person's own."""
	from humane_crm.policy.cadence import Rule

	daytime = (Rule("Daytime", allowed_from=time(8), allowed_to=time(21)),)
	decisions = [
		decide(
			"Email",
			[
				Preference(f"CP-{i}", PAUSED, paused_until=NOW + timedelta(hours=7 * h))
				for i, h in enumerate(hours)
			],
			NOW,
			rules=daytime,
			zone=ZoneInfo("UTC"),
		)
		for hours in people
	]
	combined = strictest(decisions)
	refused = [d for d in decisions if d.outcome == BLOCK]
	assert combined.allowed == (not refused)
	if refused:
		assert combined.next_allowed_at == max(d.next_allowed_at for d in refused)
		assert all(combined.next_allowed_at >= d.next_allowed_at for d in refused)


preferences = st.builds(
	Preference,
	name=st.sampled_from(["CP-1", "CP-2", "CP-3"]),
	status=st.sampled_from([OPEN, PAUSED, DO_NOT_CONTACT]),
	paused_until=st.one_of(st.none(), st.integers(-1000, 1000).map(lambda h: NOW + timedelta(hours=h))),
	opted_out=st.frozensets(st.sampled_from(CHANNELS)),
)


@given(
	st.lists(preferences, max_size=4), st.sampled_from(CHANNELS), st.one_of(st.none(), st.integers(0, 200))
)
def test_properties(prefs, channel, inbound_hours_ago):
	inbound = None if inbound_hours_ago is None else NOW - timedelta(hours=inbound_hours_ago)
	d = decide(channel, prefs, NOW, last_inbound_at=inbound)
	# A reply inside the window is always allowed and exempt.
	if inbound_hours_ago is not None and inbound_hours_ago < 72:
		assert d.outcome == EXEMPT and d.allowed
		return
	# Do Not Contact and an opt-out on this channel always block, for good.
	if any(p.status == DO_NOT_CONTACT or channel in p.opted_out for p in prefs):
		assert d.outcome == BLOCK and d.next_allowed_at is None
	# When contact is refused for a while, it is allowed at the time the decision names.
	if d.outcome == BLOCK and d.next_allowed_at is not None:
		assert decide(channel, prefs, d.next_allowed_at).allowed
		assert not decide(channel, prefs, d.next_allowed_at - timedelta(seconds=1)).allowed


def test_the_rules_of_the_persons_records_apply_whichever_record_the_message_is_filed_on():
	from humane_crm.policy.cadence import Attempt, Rule

	deals_only = Rule(
		"Deals: one a week", max_attempts=1, window=timedelta(days=7), applies_to=frozenset({"CRM Deal"})
	)
	touched = (Attempt(NOW - timedelta(days=1), "Email", "priya@example.com", ("CRM Deal", "D-1"), "A-1"),)
	filed_on_contact = decide("Email", [], NOW, rules=(deals_only,), attempts=touched, doctype="Contact")
	assert filed_on_contact.outcome == ALLOW  # the old way: the record filed on decides
	theirs = decide(
		"Email",
		[],
		NOW,
		rules=(deals_only,),
		attempts=touched,
		doctype="Contact",
		records=(("CRM Lead", "New"), ("CRM Deal", "Negotiation")),
	)
	assert theirs.outcome == BLOCK  # the person has a deal: the deal's rule speaks
	only_a_lead = decide(
		"Email", [], NOW, rules=(deals_only,), attempts=touched, records=(("CRM Lead", "New"),)
	)
	assert only_a_lead.outcome == ALLOW


def test_a_status_rule_speaks_when_any_of_the_persons_records_is_in_that_status():
	from humane_crm.policy.cadence import Attempt, Rule

	negotiating = Rule(
		"Negotiation: one a week",
		max_attempts=1,
		window=timedelta(days=7),
		statuses=frozenset({"Negotiation"}),
	)
	touched = (Attempt(NOW - timedelta(days=1), "Email", "priya@example.com", ("CRM Lead", "L-1"), "A-1"),)
	on_lead = decide(
		"Email",
		[],
		NOW,
		rules=(negotiating,),
		attempts=touched,
		records=(("CRM Lead", "New"), ("CRM Deal", "Negotiation")),
	)
	assert on_lead.outcome == BLOCK
	assert (
		decide(
			"Email", [], NOW, rules=(negotiating,), attempts=touched, records=(("CRM Lead", "New"),)
		).outcome
		== ALLOW
	)
