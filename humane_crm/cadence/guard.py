"""The one gate every outbound touch passes, whichever doctype carries it.

`check_outbound` runs in the carrier's `validate` (before insert): it makes sure each person it
reaches exists, locks them, asks the one decision, and refuses with the full explanation. A
refused attempt is written to the ledger after the refused transaction rolls back, so the refusal
itself stays clean. `record_outbound` writes the ledger rows while the person rows are still locked:
in `after_insert`, or for an email at the end of its `validate`, answered at `after_insert`.
`record_inbound` notes a person's own message (the reply window).
"""

from __future__ import annotations

import frappe
from frappe import _

from humane_crm.cadence import explain, facts, overrides
from humane_crm.exceptions import (
	ChannelOptedOutError,
	ContactLimitError,
	ContactPausedError,
	ContactRefused,
	DoNotContactError,
	OutsideContactHoursError,
	ReasonRequiredError,
)
from humane_crm.people import identities, ledger
from humane_crm.permissions import webhooks
from humane_crm.policy import cadence
from humane_crm.policy import decision as core
from humane_crm.utils import after_rollback, clock

_FLAG = "humane_crm_verdict"
_PENDING = "humane_crm_ledger_in_flight"


def _refusal(kind: str | None) -> tuple[type[ContactRefused], str]:
	"""The exception and title of the refusal the core names (`core.refusal_kind`), the title in the
	user's language: translated when the refusal is raised, not once when this module is imported
	(which froze whoever's language came first, and built Frappe's whole translation table then)."""
	return {
		core.DO_NOT_CONTACT_REASON: (DoNotContactError, _("Do not contact")),
		core.OPTED_OUT_REASON: (ChannelOptedOutError, _("Opted out of this channel")),
		core.PAUSED_REASON: (ContactPausedError, _("Contact paused")),
		core.LIMIT: (ContactLimitError, _("Contact limit reached")),
		cadence.QUIET_HOURS: (OutsideContactHoursError, _("Outside contact hours")),
	}.get(kind, (ContactRefused, _("Contact not allowed")))


def from_a_webhook() -> bool:
	"""Is this write a provider's webhook — Twilio, Exotel, WhatsApp — reporting what a person did?
	Their endpoints run as Guest, and only a request the provider proved is theirs counts
	(`humane_crm.permissions.webhooks`). (Email has its own sign: Frappe's InboundMail marks what it pulled in,
	`flags.in_receive`.)"""
	return webhooks.from_a_provider()


def check_outbound(
	doc, channel: str, contact_keys: list[str], reference: tuple, record: identities.RecordFacts | None = None
) -> facts.Verdict | None:
	"""Refuse `doc` when any person it reaches must not be contacted; remember the verdict otherwise.
	(`record`: the referenced record's facts, when the caller read them already.)"""
	if not contact_keys:
		return None
	record = record or identities.record_facts(*reference)
	reached = identities.reached(contact_keys, list(record.people))
	held: dict | None = {}
	created = {}  # people this send creates: nothing on record, and nobody else can see them yet
	for person in reached:
		title = record.title if any(person & p for p in record.people) else None
		found = ledger.resolve(person, title, record.send.held(person) if record.send else None)
		held = {**held, **found.held} if held is not None and found.held is not None else None
		if found.created:
			created[found.name] = found.created
	# One decision, on everything read under the people's locks (their override passes included).
	verdict = facts.decide_for_people(reached, channel, record=record, lock=True, held=held, created=created)
	if not verdict.allowed:
		refuse(verdict, doc)
	if verdict.decision.outcome == core.WARN:
		frappe.msgprint(
			explain.warning(verdict), title=_("Contact rule: warning"), indicator="orange", alert=False
		)
	doc.flags[_FLAG] = (verdict, reference)
	return verdict


def refuse(verdict: facts.Verdict, doc=None):
	exc, title = _refusal(core.refusal_kind(verdict.decision))
	if core.needs_reason(verdict.decision):
		exc, title = ReasonRequiredError, _("A reason is needed")
	if doc is not None:
		user = frappe.session.user
		after_rollback.add(lambda: record_blocked(verdict, doc.doctype, user))
	frappe.throw(explain.refusal(verdict, overridable=overrides.may_override(verdict)), exc=exc, title=title)


def record_blocked(verdict: facts.Verdict, carrier: str, agent: str) -> None:
	"""After the refused transaction rolled back: keep the refusal in the ledger."""
	for person in verdict.people:
		if person.decision.allowed:
			continue
		ledger.record(
			person.keys,
			verdict.channel,
			"Outbound",
			"Blocked",
			reference=_reference_for(person, verdict),
			source=(None, None),
			agent=agent,
			title=person.title,
			reason=_("Refused ({0}): {1}").format(
				_(carrier), " ".join(explain.sentence(r, person) for r in person.decision.blocking)
			)[:1000],
			rules=rules_that_spoke(person),
		)


def _reference_for(person, verdict) -> tuple:
	record = verdict.record
	if record and record.doctype and any(person.keys & p for p in record.people):
		return (record.doctype, record.name)
	return (None, None)


def rules_that_spoke(person) -> str | None:
	names = sorted({r.source for r in person.decision.reasons if r.rule is not None})
	kinds = sorted({r.kind for r in person.decision.reasons if r.rule is None})
	return ", ".join(names + kinds) or None


def record_outbound(doc, wait: bool = True) -> list[str]:
	"""Write the ledger rows for a touch `check_outbound` let through (once: the verdict is used up).

	`wait=False` (an email's own `validate`, once it is decided): the rows are sent without waiting
	for MariaDB's answer, which is read by `recorded` at `after_insert`. MariaDB writes them while
	Frappe validates the Communication; a refusal of the rows still fails the send, there."""
	stash = doc.flags.pop(_FLAG, None)
	if not stash:
		return []
	verdict, _reference = stash
	rows = []
	for person in verdict.people:
		# Only a touch that already happened gets here blocked (see `note_outbound`): it is
		# recorded as Warned, and marked for managers with what it broke.
		outcome = core.ledger_outcome(person.decision, already_happened=True)
		reason = None
		if person.decision.outcome == core.BLOCK:
			reason = _("Recorded after it happened; it would have been refused: {0}").format(
				" ".join(explain.sentence(r, person) for r in person.decision.blocking)
			)
		elif person.decision.outcome == core.WARN:
			reason = explain.warning(facts.Verdict(verdict.channel, person.decision, [person]))
		pass_ = person.override_pass
		if pass_:
			reason = _("Override by {0}: {1}").format(pass_.user, pass_.reason)
			overrides.mark_used(pass_, doc)
		rows.append(
			ledger.row_for(
				person,
				verdict.channel,
				"Outbound",
				outcome,
				reason=reason,
				reference=_reference_for(person, verdict),
				source=(doc.doctype, doc.name),
				title=person.title,
				rules=rules_that_spoke(person),
			)
		)
	pending = ledger.insert(rows, wait=wait)
	if pending is not None:
		doc.flags[_PENDING] = pending
	return [row["name"] for row in rows]


def recorded(doc) -> None:
	"""`after_insert` of a touch whose ledger rows `record_outbound(doc, wait=False)` sent: MariaDB's
	answer to them, raised if it refused them (whatever statement read it first)."""
	pending = doc.flags.pop(_PENDING, None)
	if pending is not None:
		pending.rows()


def note_outbound(doc, channel: str, contact_keys: list[str], reference: tuple) -> list[str]:
	"""Record a touch that already happened (a call logged afterwards): never refused, still counted."""
	if not contact_keys:
		return []
	record = identities.record_facts(*reference)
	verdict = facts.decide_for_people(
		identities.reached(contact_keys, list(record.people)), channel, record=record
	)
	doc.flags[_FLAG] = (verdict, reference)
	return record_outbound(doc)


def record_inbound(
	doc, channel: str, key: str | None, reference: tuple, outcome: str = "Received"
) -> str | None:
	"""Note a person's own message on `channel`: it opens the reply window on that channel."""
	if not key:
		return None
	person, reference, title = _person_behind(key, reference)
	if reference == (None, None) and not ledger.persons_holding({key}):
		return None  # a stranger writing to a record we do not track: nobody to answer yet
	return ledger.record(
		person,
		channel,
		"Inbound",
		outcome,
		reference=reference,
		source=(doc.doctype, doc.name),
		agent=doc.get("owner") if doc.get("owner") not in (None, "Guest") else None,
		title=title,
		key=key,
	)


def record_conversation(doc, channel: str, key: str | None, reference: tuple) -> str | None:
	"""A completed call: a conversation, which starts a rule's cool-off."""
	if not key:
		return None
	person, reference, title = _person_behind(key, reference)
	return ledger.record(
		person,
		channel,
		"Outbound" if doc.get("type") == "Outgoing" else "Inbound",
		"Conversation",
		reference=reference,
		source=(doc.doctype, doc.name),
		title=title,
		key=key,
		at=clock.now(),
	)


def _person_behind(key: str, reference: tuple) -> tuple[frozenset, tuple, str | None]:
	"""The person `key` belongs to on the referenced record (all their keys, the record, its title),
	or just `key` when the record does not know it."""
	record = identities.record_facts(*reference)
	match = [p for p in record.people if key in p]
	if not match:
		return frozenset({key}), (None, None), None
	return frozenset().union(*match), reference, record.title
