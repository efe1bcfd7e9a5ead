"""Override passes: one touch past a rule, for one user, one person and one channel, for 15 minutes.

A pass is granted by `humane_crm.api.override_next_contact` to a user who holds one of the
blocking rules' override roles (or to anyone, with a reason, for an "Allow with reason" rule). The
user's next send to that person on that channel, on any path, uses it and is logged as Overridden:
the pass is read with the person's ledger, under the same locks (`cadence.query`), and the core
decides once with it (`has_pass`).
Do Not Contact, pauses and opt-outs are never overridden.
"""

from __future__ import annotations

from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import escape_html

from humane_crm.cadence import facts
from humane_crm.people import ledger
from humane_crm.policy import decision as core
from humane_crm.utils import clock

VALID_FOR = timedelta(minutes=15)


def may_override(verdict: facts.Verdict, roles: frozenset[str] | None = None) -> bool:
	roles = frozenset(frappe.get_roles()) if roles is None else roles
	blocked = [p for p in verdict.people if not p.decision.allowed]
	return bool(blocked) and all(core.overridable(p.decision, roles) for p in blocked)


def mark_used(pass_, doc) -> None:
	frappe.db.set_value(
		"Contact Override",
		pass_.name,
		{
			"used": 1,
			"used_on": clock.naive(clock.now()),
			"used_by_doctype": doc.doctype,
			"used_by_name": doc.name,
		},
		update_modified=False,
	)


def grant(verdict: facts.Verdict, reason: str, reference: tuple) -> list[str]:
	"""Passes for every person the verdict blocks; the caller has checked `may_override`."""
	names = []
	for person in verdict.people:
		if person.decision.allowed:
			continue
		doc = frappe.get_doc(
			{
				"doctype": "Contact Override",
				"user": frappe.session.user,
				"person": ledger.person_for(person.keys, person.title),
				"channel": verdict.channel,
				"reason": reason,
				"valid_until": clock.naive(clock.now() + VALID_FOR),
				"reference_doctype": reference[0],
				"reference_name": reference[1],
			}
		)
		doc.insert(ignore_permissions=True)
		names.append(doc.name)
	return names


def refusal_to_grant(verdict: facts.Verdict) -> str:
	blocking = verdict.decision.blocking
	if any(r.rule is None for r in blocking):
		return _(
			"No override is possible: the person's own preference (Do Not Contact, a pause or an opt-out) blocks this contact."
		)
	roles = sorted({role for r in blocking if r.rule for role in r.rule.override_roles})
	if not roles:
		return _("No override is possible: the rule that blocks this contact names no override roles.")
	return _("Only a user with one of these roles may override this: {0}.").format(
		escape_html(", ".join(roles))
	)
