"""What a refusal is called, whether a reason lets it through, and what the ledger keeps: rules the
shell used to hold, now decided by the core."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from humane_crm.policy import decision as core
from humane_crm.policy.cadence import REASON_RULE, Attempt, Rule

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
ONE_A_WEEK = Rule("One a week", max_attempts=1, window=timedelta(days=7))
ONE_A_WEEK_WITH_REASON = Rule("One a week", max_attempts=1, window=timedelta(days=7), enforcement=REASON_RULE)
TOUCHED = (Attempt(NOW - timedelta(days=1), "Email", "priya@example.com", ("CRM Lead", "L-1"), "A-1"),)


def test_a_customer_wish_names_the_refusal_before_any_rule():
	dnc = core.Preference("CP-1", core.DO_NOT_CONTACT)
	decision = core.decide("Email", [dnc], NOW, rules=(ONE_A_WEEK,), attempts=TOUCHED)
	assert core.refusal_kind(decision) == core.DO_NOT_CONTACT_REASON
	paused = core.Preference("CP-1", core.PAUSED, paused_until=NOW + timedelta(days=3))
	assert core.refusal_kind(core.decide("Email", [paused], NOW)) == core.PAUSED_REASON


def test_a_cap_is_a_limit_and_an_allowed_send_is_no_refusal():
	assert (
		core.refusal_kind(core.decide("Email", [], NOW, rules=(ONE_A_WEEK,), attempts=TOUCHED)) == core.LIMIT
	)
	assert core.refusal_kind(core.decide("Email", [], NOW)) is None


def test_a_reason_lets_through_only_an_allow_with_reason_rule_and_never_a_customer_wish():
	capped = core.decide("Email", [], NOW, rules=(ONE_A_WEEK_WITH_REASON,), attempts=TOUCHED)
	assert core.needs_reason(capped)
	assert not core.needs_reason(core.decide("Email", [], NOW, rules=(ONE_A_WEEK,), attempts=TOUCHED))
	opted_out = core.Preference("CP-1", core.OPEN, opted_out=frozenset({"Email"}))
	both = core.decide("Email", [opted_out], NOW, rules=(ONE_A_WEEK_WITH_REASON,), attempts=TOUCHED)
	assert not core.needs_reason(both)


def test_a_touch_that_already_happened_is_kept_as_warned_and_counts():
	blocked = core.decide(
		"Call",
		[],
		NOW,
		rules=(ONE_A_WEEK,),
		attempts=(Attempt(NOW - timedelta(days=1), "Call", "p", ("CRM Lead", "L-1"), "A-1"),),
	)
	assert blocked.outcome == core.BLOCK
	assert core.ledger_outcome(blocked) == "Blocked"
	assert core.ledger_outcome(blocked, already_happened=True) == "Warned"
	assert core.counts_against_caps("Outbound", core.ledger_outcome(blocked, already_happened=True))
	assert not core.counts_against_caps("Outbound", "Blocked")


@given(st.sampled_from(sorted(core.LEDGER_OUTCOMES)), st.sampled_from(["Outbound", "Inbound"]))
def test_only_outbound_touches_that_went_out_count(outcome, direction):
	label = core.LEDGER_OUTCOMES[outcome]
	assert core.counts_against_caps(direction, label) == (
		direction == "Outbound" and label in ("Allowed", "Warned", "Overridden")
	)
	assert not core.is_conversation(label)


def test_quiet_hours_hold_in_every_zone_the_person_is_known_by():
	from datetime import time
	from zoneinfo import ZoneInfo

	daytime = Rule("Daytime", allowed_from=time(8), allowed_to=time(20))
	new_york, tokyo = ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo")
	at = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 10:00 in New York, 00:00 in Tokyo
	assert core.decide("Call", [], at, rules=(daytime,), zone=new_york).outcome == core.ALLOW
	both = core.decide("Call", [], at, rules=(daytime,), zone=new_york, also_zones=(tokyo,))
	assert both.outcome == core.BLOCK
	[reason] = both.blocking
	assert reason.facts["zone"] == "Asia/Tokyo"
	# allowed again only once it is daytime in both: 08:00 in Tokyo is 18:00 in New York
	assert both.next_allowed_at == datetime(2026, 11, 24, 23, 0, tzinfo=UTC)
