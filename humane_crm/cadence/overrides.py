"""Override passes: one touch past a rule, for one user, one person and one channel, for 15 minutes.

A pass is granted by `humane_crm.api.override_next_contact` to a user who holds one of the
blocking rules' override roles (or to anyone, with a reason, for an "Allow with reason" rule). The
user's next send to that person on that channel, on any path, uses it and is logged as Overridden.
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


def apply_passes(verdict: facts.Verdict) -> tuple[facts.Verdict, dict]:
	"""Let the verdict through where the user holds an unused pass for every blocked person."""
	if not may_override(verdict):
		return verdict, {}
	found, people_ = {}, []
	for person in verdict.people:
		if person.decision.allowed:
			people_.append(person)
			continue
		pass_ = find_pass(person.persons, verdict.channel)
		if not pass_:
			return verdict, {}
		found[person.keys] = pass_
		people_.append(person.redecide(has_pass=True))
	return verdict.recombine(people_), found


def find_pass(persons: list[str], channel: str):
	if not persons:
		return None
	rows = frappe.db.sql(
		"""select name, user, reason from `tabContact Override`
		where user = %(user)s and person in %(persons)s and channel = %(channel)s
			and used = 0 and valid_until > %(now)s
		order by valid_until limit 1 for update""",
		{
			"user": frappe.session.user,
			"persons": tuple(persons),
			"channel": channel,
			"now": clock.naive(clock.now()),
		},
		as_dict=True,
	)
	return rows[0] if rows else None


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
