"""The one gate every outbound touch passes, whichever doctype carries it.

`check_outbound` runs in the carrier's `validate` (before insert): it asks the one decision and
refuses with the full explanation. `record_outbound` runs in `after_insert` and writes the ledger.
`record_inbound` notes a person's own message, which opens the reply window.
"""

from __future__ import annotations

import frappe
from frappe import _

from humane_crm import contact, explain, ledger, people
from humane_crm.exceptions import ChannelOptedOutError, ContactPausedError, ContactRefused, DoNotContactError
from humane_crm.policy import decision as core

_FLAG = "humane_crm_verdict"

# The exception and title for a refusal, by the strongest reason that blocked.
_REFUSALS = (
	(core.DO_NOT_CONTACT_REASON, DoNotContactError, _("Do not contact")),
	(core.OPTED_OUT_REASON, ChannelOptedOutError, _("Opted out of this channel")),
	(core.PAUSED_REASON, ContactPausedError, _("Contact paused")),
)


def check_outbound(doc, channel: str, contact_keys: list[str], reference: tuple) -> contact.Verdict | None:
	"""Refuse `doc` when any person it reaches must not be contacted; remember the verdict otherwise."""
	if not contact_keys:
		return None
	record_people = people.record_people(*reference)
	verdict = contact.decide_for_people(people.reached(contact_keys, record_people), channel)
	if not verdict.allowed:
		refuse(verdict)
	doc.flags[_FLAG] = (verdict, reference, record_people)
	return verdict


def refuse(verdict: contact.Verdict):
	kinds = {r.kind for r in verdict.decision.blocking}
	exc, title = next(
		((e, t) for k, e, t in _REFUSALS if k in kinds), (ContactRefused, _("Contact not allowed"))
	)
	frappe.throw(explain.refusal(verdict), exc=exc, title=title)


def record_outbound(doc) -> list[str]:
	"""Write the ledger rows for a touch `check_outbound` let through."""
	stash = doc.flags.get(_FLAG)
	if not stash:
		return []
	verdict, reference, record_people = stash
	title = people.display_name(*reference)
	rows = []
	for person in verdict.people:
		mine = any(person.keys & p for p in record_people)
		outcome, reason = ledger.OUTCOME_LABELS[person.decision.outcome], None
		if person.decision.outcome == core.BLOCK:
			# Only a touch that already happened gets here (see `note_outbound`): it is recorded,
			# and marked for managers with what it broke.
			outcome = "Warned"
			reason = _("Recorded after it happened; it would have been refused: {0}").format(
				" ".join(explain.sentence(r, person) for r in person.decision.blocking)
			)
		rows.append(
			ledger.record(
				person,
				verdict.channel,
				"Outbound",
				outcome,
				reason=reason,
				reference=reference if mine else (None, None),
				source=(doc.doctype, doc.name),
				title=title if mine else None,
				rules=", ".join(sorted({r.kind for r in person.decision.reasons})) or None,
			)
		)
	return rows


def note_outbound(doc, channel: str, contact_keys: list[str], reference: tuple) -> list[str]:
	"""Record a touch that already happened (a call logged afterwards): never refused, still counted."""
	if not contact_keys:
		return []
	record_people = people.record_people(*reference)
	verdict = contact.decide_for_people(people.reached(contact_keys, record_people), channel)
	doc.flags[_FLAG] = (verdict, reference, record_people)
	return record_outbound(doc)


def record_inbound(doc, channel: str, key: str | None, reference: tuple) -> str | None:
	"""Note a person's own message on `channel`: it opens the reply window on that channel."""
	if not key:
		return None
	record_people = people.record_people(*reference)
	match = [p for p in record_people if key in p]
	if not match and not ledger.persons_holding({key}):
		return None  # a stranger writing to a record we do not track: nobody to answer yet
	person = frozenset().union(*match) if match else frozenset({key})
	return ledger.record(
		person,
		channel,
		"Inbound",
		"Received",
		reference=reference if match else (None, None),
		source=(doc.doctype, doc.name),
		agent=doc.get("owner") if doc.get("owner") != "Guest" else None,
		title=people.display_name(*reference) if match else None,
		key=key,
	)
