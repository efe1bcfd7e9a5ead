"""Whitelisted API. Every method checks permission on the record it touches."""

from __future__ import annotations

import json

import frappe
from frappe import _

from humane_crm import access, clock, contact, explain, ledger, overrides, people
from humane_crm.exceptions import NoOverrideError
from humane_crm.policy import decision as core

SUPPORTED = ("CRM Lead", "CRM Deal", "Contact")


@frappe.whitelist()
def check_contact(doctype: str, name: str, channel: str = "Email") -> dict:
	"""May the person behind this lead, deal or contact be contacted on `channel` now?"""
	ensure_readable(doctype, name)
	return as_dict(contact.decide_for_record(doctype, name, channel), doctype, name)


@frappe.whitelist(methods=["POST"])
def set_contact_preference(
	doctype: str,
	name: str,
	status: str,
	paused_until: str | None = None,
	reason: str | None = None,
	opt_out: list | str | None = None,
	source: str = "Agent",
) -> dict:
	"""Set Do Not Contact, a pause, channel opt-outs, or Open again, for the person behind a record.

	`opt_out` lists channels the person opted out of (["Call"]); when given it replaces the current
	opt-outs. Relaxing a choice the customer made themselves needs a Sales Manager or Cadence Manager.
	"""
	ensure_readable(doctype, name)
	if status not in core.STATUSES:
		frappe.throw(
			_("Unknown status {0}. Use one of: {1}.").format(frappe.bold(status), ", ".join(core.STATUSES)),
			title=_("Unknown status"),
		)
	record_people = people.record_people(doctype, name)
	if not record_people:
		frappe.throw(
			_(
				"{0} {1} has no email address or phone number, so there is nobody to set a preference for."
			).format(_(doctype), name),
			title=_("No email or phone"),
		)
	keys = record_people[0]
	channels = [contact.normalize_channel(c) for c in _as_list(opt_out)] if opt_out is not None else None
	for person in sorted(set(ledger.persons_holding(keys).values())) or [None]:
		doc = frappe.get_doc("Contact Preference", person) if person else new_preference(keys, doctype, name)
		doc.update({"status": status, "paused_until": paused_until, "reason": reason, "source": source})
		doc.update({"reference_doctype": doctype, "reference_name": name})
		if channels is not None:
			for channel, fieldname in contact.CHANNEL_FIELDS.items():
				doc.set(fieldname, int(channel in channels))
		doc.save()
	return check_contact(doctype, name, "Email")


def new_preference(keys, doctype: str, name: str):
	return frappe.get_doc(
		{
			"doctype": "Contact Preference",
			"person_name": people.display_name(doctype, name),
			"identities": [{"identity": k} for k in sorted(keys)],
		}
	)


def ensure_readable(doctype: str, name: str) -> None:
	if doctype not in SUPPORTED:
		frappe.throw(
			_("Humane CRM decides for {0}; {1} is not one of them.").format(
				", ".join(SUPPORTED), frappe.bold(doctype)
			),
			title=_("Unsupported record type"),
		)
	if not frappe.db.exists(doctype, name):
		frappe.throw(_("{0} {1} not found").format(_(doctype), name), exc=frappe.DoesNotExistError)
	access.ensure_may_read_record(doctype, name)


@frappe.whitelist(methods=["POST"])
def override_next_contact(doctype: str, name: str, channel: str, reason: str) -> dict:
	"""A single pass past the rules that block contacting this person on `channel`, for 15 minutes.

	Needs one of the blocking rules' override roles (anyone may give a reason for an "Allow with
	reason" rule). Used by the caller's next send on any path and logged as Overridden.
	"""
	ensure_readable(doctype, name)
	reason = (reason or "").strip()
	if len(reason) < 5:
		frappe.throw(
			_("Say why this contact cannot wait (a few words at least)."), title=_("A reason is needed")
		)
	verdict = contact.decide_for_record(doctype, name, channel)
	if verdict.allowed:
		return {
			"passes": [],
			"message": _("Contact is allowed now; no override is needed."),
			**as_dict(verdict, doctype, name),
		}
	if not overrides.may_override(verdict):
		frappe.throw(overrides.refusal_to_grant(verdict), exc=NoOverrideError, title=_("No override"))
	passes = overrides.grant(verdict, reason, (doctype, name))
	return {
		"passes": passes,
		"valid_until": clock.naive(clock.now() + overrides.VALID_FOR).isoformat(),
		"message": _("You may send one {0} in the next 15 minutes; it will be logged as overridden.").format(
			explain.channel_name(verdict.channel)
		),
		**as_dict(verdict, doctype, name),
	}


@frappe.whitelist()
def check_contacts(recipients: list | str, channel: str = "Email") -> list[dict]:
	"""Decide for many people at once (a mass send): one query for the whole batch.

	`recipients` are email addresses or phone numbers. Each answer carries the recipient as given.
	"""
	frappe.has_permission("Contact Preference", "read", throw=True)
	given = _as_list(recipients)
	keyed = [(r, people.email_key(r) or people.phone_key(r)) for r in given]
	persons = [frozenset({k}) for _r, k in keyed if k]
	verdict = contact.decide_for_people(list(dict.fromkeys(persons)), channel)
	by_keys = {p.keys: p for p in verdict.people}
	plain_yes = _("Contact is allowed now.")
	out = []
	for recipient, key in keyed:
		if not key:
			out.append(
				{
					"recipient": recipient,
					"allowed": False,
					"outcome": "invalid",
					"summary": _("{0} is neither an email address nor a phone number.").format(recipient),
				}
			)
			continue
		person = by_keys[frozenset({key})]
		if person.decision.outcome == core.ALLOW and not person.decision.reasons:
			# Nothing spoke: the short answer, without building sentences nobody needs.
			out.append(
				{
					"recipient": recipient,
					"allowed": True,
					"outcome": core.ALLOW,
					"channel": verdict.channel,
					"summary": plain_yes,
					"reasons": [],
					"next_allowed_at": None,
					"keys": [key],
					"attempts": [],
				}
			)
			continue
		one = contact.Verdict(verdict.channel, person.decision, [person])
		at = person.decision.next_allowed_at
		out.append(
			{
				"recipient": recipient,
				"allowed": one.allowed,
				"outcome": person.decision.outcome,
				"channel": verdict.channel,
				"summary": summary(one),
				"reasons": explain.reasons(one),
				"next_allowed_at": {"site": at.isoformat() if at else None},
				"keys": sorted(person.keys),
				"attempts": attempt_list([person]),
			}
		)
	return out


def as_dict(verdict: contact.Verdict, doctype: str | None = None, name: str | None = None) -> dict:
	at = verdict.decision.next_allowed_at
	person = next(
		(p for p in verdict.people if not p.decision.allowed), verdict.people[0] if verdict.people else None
	)
	return {
		"allowed": verdict.allowed,
		"outcome": verdict.decision.outcome,
		"channel": verdict.channel,
		"summary": summary(verdict, doctype, name),
		"reasons": explain.reasons(verdict),
		"next_allowed_at": {
			"site": at.isoformat() if at else None,
			"agent": at.astimezone(clock.user_zone()).isoformat() if at else None,
			"person": at.astimezone(person.zone).isoformat() if at and person and person.zone else None,
		},
		"person_time_zone": {"zone": person.zone.key, "source": person.zone_source}
		if person and person.zone
		else None,
		"attempts": attempt_list(verdict.people),
		"keys": sorted(set().union(*(p.keys for p in verdict.people))) if verdict.people else [],
		"people": [
			{"keys": sorted(p.keys), "outcome": p.decision.outcome, "preferences": p.persons}
			for p in verdict.people
		],
	}


def attempt_list(people_) -> list[dict]:
	"""The touches that counted: who, when, channel, record."""
	return [
		{"agent": a.agent, "at": a.at.isoformat(), "channel": a.channel, "record": a.reference}
		for p in people_
		for a in p.inputs.get("attempts", ())
	]


def summary(verdict: contact.Verdict, doctype=None, name=None) -> str:
	who = people.display_name(doctype, name) or explain._("this person")
	if not verdict.people:
		return _("{0} has no email address or phone number yet.").format(who)
	if verdict.decision.outcome == core.EXEMPT:
		return _("You can answer {0} now: they wrote to us.").format(who)
	if verdict.allowed:
		return _("You can reach {0} now.").format(who)
	return explain.headline(verdict, who)


def _as_list(value) -> list:
	if isinstance(value, str):
		value = value.strip()
		if value.startswith("["):
			return json.loads(value)
		return [v for v in (s.strip() for s in value.split(",")) if v]
	return list(value or [])
