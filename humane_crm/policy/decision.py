"""May this person be contacted on this channel now?

One function, `decide`, answers for every path. It takes plain facts (the person's preferences,
their last inbound message per channel, `now`) and returns a `Decision`: an outcome, the reasons
that spoke (each with the facts a sentence needs) and the earliest time contact is allowed again.
Sentences are written by the shell, which translates them; the core only states facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from humane_crm.policy import cadence
from humane_crm.policy.cadence import Attempt, Rule

CHANNELS = ("Email", "Call", "SMS", "WhatsApp")

# A person's status, as their Contact Preference says it.
STATUSES = OPEN, PAUSED, DO_NOT_CONTACT = ("Open", "Paused", "Do Not Contact")
# What a decision says. OVERRIDE: a blocking rule let through by an override pass (logged with
# its reason).
ALLOW, WARN, BLOCK, EXEMPT, OVERRIDE = "allow", "warn", "block", "exempt", "override"
# How strict an outcome is when several reasons speak; the strictest wins, except that a reply
# inside the reply window exempts (see `decide`).
_SEVERITY = {ALLOW: 0, EXEMPT: 1, WARN: 2, OVERRIDE: 3, BLOCK: 4}

# Reason kinds. The shell turns each into a sentence.
DO_NOT_CONTACT_REASON = "do_not_contact"
PAUSED_REASON = "paused"
OPTED_OUT_REASON = "opted_out"
REPLY_WINDOW_REASON = "reply_window"


@dataclass(frozen=True)
class Preference:
	"""A person's own wishes, as stored in a Contact Preference."""

	name: str
	status: str = OPEN
	paused_until: datetime | None = None
	opted_out: frozenset[str] = frozenset()
	reason: str | None = None
	source: str | None = None
	set_by: str | None = None
	set_on: datetime | None = None


@dataclass(frozen=True)
class Reason:
	kind: str
	outcome: str
	source: str  # the Contact Preference (or rule) that spoke
	facts: dict = field(default_factory=dict, hash=False, compare=True)
	until: datetime | None = None  # when this reason stops applying; None with BLOCK means never
	rule: Rule | None = None  # the cadence rule that spoke, when a rule spoke


@dataclass(frozen=True)
class Decision:
	outcome: str
	reasons: tuple[Reason, ...] = ()
	next_allowed_at: datetime | None = None

	@property
	def allowed(self) -> bool:
		return self.outcome != BLOCK

	@property
	def blocking(self) -> tuple[Reason, ...]:
		return tuple(r for r in self.reasons if r.outcome == BLOCK)


def preference_reasons(preference: Preference, channel: str, now: datetime) -> list[Reason]:
	"""What one preference says about contacting on `channel` at `now`."""
	reasons: list[Reason] = []
	facts = {
		"reason": preference.reason,
		"source": preference.source,
		"set_by": preference.set_by,
		"set_on": preference.set_on,
		"channel": channel,
	}
	if preference.status == DO_NOT_CONTACT:
		reasons.append(Reason(DO_NOT_CONTACT_REASON, BLOCK, preference.name, facts))
	elif preference.status == PAUSED and preference.paused_until and now < preference.paused_until:
		reasons.append(
			Reason(
				PAUSED_REASON,
				BLOCK,
				preference.name,
				facts | {"until": preference.paused_until},
				until=preference.paused_until,
			)
		)
	if channel in preference.opted_out:
		reasons.append(Reason(OPTED_OUT_REASON, BLOCK, preference.name, facts))
	return reasons


def in_reply_window(last_inbound_at: datetime | None, now: datetime, window: timedelta) -> bool:
	return last_inbound_at is not None and last_inbound_at <= now < last_inbound_at + window


def decide(
	channel: str,
	preferences: list[Preference] | tuple[Preference, ...],
	now: datetime,
	last_inbound_at: datetime | None = None,
	reply_window: timedelta = timedelta(hours=72),
	*,
	rules: tuple[Rule, ...] | list[Rule] = (),
	attempts: tuple[Attempt, ...] | list[Attempt] = (),
	conversations: tuple[datetime, ...] | list[datetime] = (),
	zone: ZoneInfo | None = None,
	also_zones: tuple[ZoneInfo, ...] = (),
	doctype: str | None = None,
	status: str | None = None,
	records: tuple[tuple[str | None, str | None], ...] = (),
	roles: frozenset[str] = frozenset(),
	has_pass: bool = False,
) -> Decision:
	"""The one decision.

	- Do Not Contact, a running pause and a channel opt-out block; they beat every rule and no
	  override passes them.
	- A reply to the person's own inbound message on this channel inside the reply window is
	  exempt: it is always allowed and does not count against caps.
	- The rules that apply are those of the person's CRM records (`records`: (doctype, status)
	  pairs), whichever record the message is filed on; without `records`, those of (doctype, status).
	- Every enabled rule that applies speaks: Block blocks; Warn warns; Allow with reason blocks
	  until a reason is given (an override pass carries it). A pass lets through the Block rules
	  the user holds an override role for.
	- The strictest outcome wins; `next_allowed_at` is the earliest instant at which nothing blocks
	  (quiet hours included), or None when something blocks for good.
	"""
	if channel not in CHANNELS:
		raise ValueError(f"unknown channel {channel!r}; expected one of {', '.join(CHANNELS)}")
	zone = zone or ZoneInfo("UTC")
	now = now.astimezone(timezone.utc)  # (once: every rule compares instants in UTC, see `cadence`)
	on = tuple(records) if records else ((doctype, status),)
	applicable = _applicable(tuple(rules), channel, on)
	preferences = sorted(preferences, key=lambda p: p.name)
	attempts = cadence.in_order(attempts)  # once: `evaluate` runs per rule, and again per instant

	def evaluate(at: datetime, with_pass: bool) -> list[Reason]:
		reasons: list[Reason] = []
		for preference in preferences:
			reasons.extend(preference_reasons(preference, channel, at))
		for rule in applicable:
			for v in cadence.violations(rule, attempts, conversations, at, zone, also_zones):
				reasons.append(rule_reason(v, with_pass, roles))
		return reasons

	reasons = evaluate(now, has_pass)
	if in_reply_window(last_inbound_at, now, reply_window):
		# Their own message may be answered even against their standing wishes; those come first,
		# so whoever answers knows it is an answer to what they asked and nothing more.
		wishes = tuple(r for r in reasons if r.rule is None and r.outcome == BLOCK)
		window_reason = Reason(
			REPLY_WINDOW_REASON,
			EXEMPT,
			"reply_window",
			{
				"inbound_at": last_inbound_at,
				"until": last_inbound_at + reply_window,
				"channel": channel,
				"despite": tuple(r.kind for r in wishes),
			},
			until=last_inbound_at + reply_window,
		)
		others = tuple(r for r in reasons if r not in wishes)
		return Decision(EXEMPT, (*wishes, window_reason, *others), None)

	outcome = max((r.outcome for r in reasons), key=_SEVERITY.__getitem__, default=ALLOW)
	next_at = next_allowed(lambda at: evaluate(at, False), now) if outcome == BLOCK else None
	return Decision(outcome, tuple(reasons), next_at)


def attempts_matter(rules: tuple[Rule, ...] | list[Rule], attempts, now: datetime) -> bool:
	"""Could any of `rules` say anything about these attempts at `now` or later? When not, `decide`
	answers with them as it answers without them (a mass check decides such people alike, once).
	Erring towards yes, it reads only how many there are and the latest: a cap needs at least its
	number of touches, a gap a touch less than its length before `now` (or after it)."""
	if not attempts:
		return False
	latest = None
	for rule in rules:
		if rule.max_attempts and rule.window and len(attempts) >= rule.max_attempts:
			return True
		if rule.min_gap:
			latest = latest or max(a.at for a in attempts)
			if latest + rule.min_gap > now:
				return True
	return False


@lru_cache(maxsize=1024)
def _applicable(rules: tuple[Rule, ...], channel: str, records: tuple) -> tuple[Rule, ...]:
	"""The rules that speak for a person with these records (a mass check asks the same for each
	of ten thousand people)."""
	return tuple(r for r in rules if r.applies_to_any(channel, records))


def rule_reason(v: cadence.Violation, with_pass: bool, roles: frozenset[str]) -> Reason:
	rule = v.rule
	if rule.enforcement == cadence.WARN_RULE:
		outcome = WARN
	elif with_pass and (rule.enforcement == cadence.REASON_RULE or rule.override_roles & roles):
		outcome = OVERRIDE
	else:
		outcome = BLOCK
	facts = dict(v.facts, enforcement=rule.enforcement, rule_name=rule.name)
	return Reason(v.kind, outcome, rule.name, facts, until=v.until, rule=rule)


def overridable(decision: Decision, roles: frozenset[str]) -> bool:
	"""Could an override pass of a user with `roles` let this decision through?"""
	blocking = decision.blocking
	return bool(blocking) and all(
		r.rule is not None and (r.rule.enforcement == cadence.REASON_RULE or r.rule.override_roles & roles)
		for r in blocking
	)


def next_allowed(evaluate, now: datetime, limit: int = 200) -> datetime | None:
	"""The earliest instant from `now` at which `evaluate` finds nothing that blocks.

	Each blocking reason knows when it lapses; jump to the latest of those and ask again, until
	nothing blocks (a cap can lapse into quiet hours, which can lapse into a gap, …).
	"""
	at = now
	for _ in range(limit):
		blocking = [r for r in evaluate(at) if r.outcome == BLOCK]
		if not blocking:
			return at
		if any(r.until is None for r in blocking):
			return None
		at = max(r.until.astimezone(timezone.utc) for r in blocking)
	return None


def strictest(decisions: list[Decision]) -> Decision:
	"""Combine the decisions for several people (one message to many recipients, a record's
	people). Refused, it is allowed again when every refused person is: the latest of their own
	next allowed times, each of which `decide` found by following one lapse into the next (a pause
	ending at 22:00 opens at 08:00, not at 22:00), never earlier than the latest of them. (Where
	people are refused until different times, one may be refused again by then — another cap, their
	contact hours — and the send refused with the next time: a bound, not a promise.)"""
	if not decisions:
		return Decision(ALLOW)
	if len(decisions) == 1:
		return decisions[0]
	outcome = max((d.outcome for d in decisions), key=_SEVERITY.__getitem__)
	reasons = tuple(r for d in decisions for r in d.reasons)
	next_at = None
	if outcome == BLOCK:
		refused = [d.next_allowed_at for d in decisions if d.outcome == BLOCK]
		next_at = None if None in refused else max(refused)
	return Decision(outcome, reasons, next_at)


# What a refusal is called, what the ledger keeps: rules the shell used to hold
# ------------------

# A refusal is named for the strongest reason that blocked: the customer's own wishes first.
LIMIT = "limit"  # a cap, a gap or a cool-off
REFUSAL_PRECEDENCE = (
	(DO_NOT_CONTACT_REASON, DO_NOT_CONTACT_REASON),
	(OPTED_OUT_REASON, OPTED_OUT_REASON),
	(PAUSED_REASON, PAUSED_REASON),
	(cadence.CAP, LIMIT),
	(cadence.GAP, LIMIT),
	(cadence.COOL_OFF, LIMIT),
	(cadence.QUIET_HOURS, cadence.QUIET_HOURS),
)
CUSTOMER_WISHES = (DO_NOT_CONTACT_REASON, OPTED_OUT_REASON, PAUSED_REASON)


def refusal_kind(decision: Decision) -> str | None:
	"""The name of a refusal: the strongest kind of reason that blocked (None: none known)."""
	kinds = {r.kind for r in decision.blocking}
	return next((name for kind, name in REFUSAL_PRECEDENCE if kind in kinds), None)


def needs_reason(decision: Decision) -> bool:
	"""Would a reason let it through? Only when an "Allow with reason" rule blocks and none of the
	customer's own wishes does (those are never overridden)."""
	blocking = decision.blocking
	return any(
		r.rule is not None and r.rule.enforcement == cadence.REASON_RULE for r in blocking
	) and not any(r.kind in CUSTOMER_WISHES for r in blocking)


# The ledger's outcomes, and which count.
LEDGER_OUTCOMES = {
	ALLOW: "Allowed",
	WARN: "Warned",
	BLOCK: "Blocked",
	EXEMPT: "Exempt",
	OVERRIDE: "Overridden",
}
COUNTED = ("Allowed", "Warned", "Overridden")  # outbound touches that count against caps
CONVERSATIONS = ("Received", "Conversation")  # the person wrote or called in, or a call was completed
DECIDING = COUNTED + CONVERSATIONS  # the ledger rows a decision reads (refusals and exemptions never count)


def ledger_outcome(decision: Decision, already_happened: bool = False) -> str:
	"""What the ledger writes for a touch. A touch that already happened (a call logged after it was
	made) cannot be refused: a blocked one is kept as Warned, and counts."""
	if decision.outcome == BLOCK and already_happened:
		return "Warned"
	return LEDGER_OUTCOMES[decision.outcome]


def counts_against_caps(direction: str, outcome: str) -> bool:
	return direction == "Outbound" and outcome in COUNTED


def is_conversation(outcome: str) -> bool:
	return outcome in CONVERSATIONS
