"""The shell around the one decision: gather the facts, ask the core, keep what it said.

`decide_for_people` is the only place facts are read for a decision: one indexed query returns
every Contact Preference that holds any of the people's keys, with each person's last inbound
message on the channel (a correlated subquery on Contact Attempt's (person, timestamp) index).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import frappe

from humane_crm import clock, people
from humane_crm.policy import decision as core

CHANNEL_FIELDS = {
	"Email": "opt_out_email",
	"Call": "opt_out_call",
	"SMS": "opt_out_sms",
	"WhatsApp": "opt_out_whatsapp",
}


@dataclass
class PersonVerdict:
	keys: frozenset
	decision: core.Decision
	persons: list[str] = field(default_factory=list)  # Contact Preference names holding these keys
	title: str | None = None  # the person's name, as their Contact Preference knows them


@dataclass
class Verdict:
	channel: str
	decision: core.Decision
	people: list[PersonVerdict]

	@property
	def allowed(self) -> bool:
		return self.decision.allowed


def normalize_channel(channel: str | None) -> str:
	"""'email', 'EMAIL', 'Email' → 'Email'; anything else is a clear error."""
	for known in core.CHANNELS:
		if (channel or "").strip().lower() == known.lower():
			return known
	frappe.throw(
		frappe._("Unknown channel {0}. Use one of: {1}.").format(
			frappe.bold(channel), ", ".join(core.CHANNELS)
		),
		exc=frappe.ValidationError,
		title=frappe._("Unknown channel"),
	)


def reply_window() -> timedelta:
	hours = frappe.db.get_single_value("Humane CRM Settings", "reply_window_hours")
	return timedelta(hours=72 if hours is None else hours)


def fetch_preferences(keys: set[str], channel: str, since) -> list[dict]:
	"""Every preference holding one of `keys`, with its last inbound time on `channel` since `since`."""
	if not keys:
		return []
	return frappe.db.sql(
		"""
		select k.identity, p.name, p.person_name, p.status, p.paused_until, p.reason, p.source,
			p.status_set_by, p.status_set_on, p.opt_out_email, p.opt_out_call, p.opt_out_sms,
			p.opt_out_whatsapp,
			(select max(a.`timestamp`) from `tabContact Attempt` a
				where a.person = p.name and a.`timestamp` >= %(since)s
				and a.direction = 'Inbound' and a.channel = %(channel)s) as last_inbound_at
		from `tabContact Preference Key` k
		join `tabContact Preference` p on p.name = k.parent
		where k.parenttype = 'Contact Preference' and k.identity in %(keys)s
		""",
		{"keys": tuple(keys), "channel": channel, "since": since},
		as_dict=True,
	)


def to_preference(row: dict) -> core.Preference:
	return core.Preference(
		name=row.name,
		status=row.status,
		paused_until=clock.aware(row.paused_until),
		opted_out=frozenset(ch for ch, f in CHANNEL_FIELDS.items() if row.get(f)),
		reason=row.reason,
		source=row.source,
		set_by=row.status_set_by,
		set_on=clock.aware(row.status_set_on),
	)


def decide_for_people(persons: list[frozenset], channel: str, now=None) -> Verdict:
	"""The decision for contacting every one of `persons` (sets of keys) on `channel`."""
	channel = normalize_channel(channel)
	now = now or clock.now()
	window = reply_window()
	rows = fetch_preferences(set().union(*persons) if persons else set(), channel, clock.naive(now - window))
	verdicts = []
	for keys in persons:
		mine = {r.name: r for r in rows if r.identity in keys}
		inbound = [clock.aware(r.last_inbound_at) for r in mine.values() if r.last_inbound_at]
		decision = core.decide(
			channel,
			[to_preference(r) for r in mine.values()],
			now,
			last_inbound_at=max(inbound) if inbound else None,
			reply_window=window,
		)
		title = next((mine[n].person_name for n in sorted(mine) if mine[n].person_name), None)
		verdicts.append(PersonVerdict(keys, decision, sorted(mine), title))
	return Verdict(channel, core.strictest([v.decision for v in verdicts]), verdicts)


def decide_for_record(doctype: str, name: str, channel: str, now=None) -> Verdict:
	return decide_for_people(people.record_people(doctype, name), channel, now)
