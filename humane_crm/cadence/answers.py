"""A decision as the API answers it: for one record, or for a mass send's recipients, a page at a
time in bounded memory, with the sentences and the touches that counted.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager

from frappe import _

from humane_crm.cadence import explain, facts
from humane_crm.people import identities
from humane_crm.policy import decision as core
from humane_crm.policy.cadence import QUIET_HOURS
from humane_crm.policy.identity import mailbox
from humane_crm.utils import clock, inputs

PAGE = 10_000  # recipients decided at a time (the most `check_contacts` takes in one call)


def answers_for(recipients: list[str], channel: str, page: int = PAGE, progress=None):
	"""`check_contacts`'s answers, in order, for any number of recipients (a mass send of 100 000):
	decided a page at a time, so what is held in memory is one page's facts and answers, whatever
	the list's length. `progress(done, total)` is called after each page. (A Python API for the
	server's own mass sends: the caller checks permission, as `check_contacts` does.)"""
	channel = facts.normalize_channel(channel)
	for start in range(0, len(recipients), page):
		with collector_paused():
			answers = list(_answers(recipients[start : start + page], channel))
		yield from answers
		if progress:
			progress(min(start + page, len(recipients)), len(recipients))


@contextmanager
def collector_paused():
	"""Python's cycle collector held off while a page is decided: a page makes some hundred
	thousand small objects (verdicts, answers, their lists and dicts), each of which counts towards
	the next collection, and each collection walks the young objects of the whole process; nothing
	a page makes holds a cycle that must be freed meanwhile (plain references free it). Of a
	10 000-recipient check on a slow host, the deferred collection timed: 2–5 % by day, 6 % at
	23:00 (pair ratios 0.951–0.977 and 0.940, 10–12 pairs). Restored as it was, also on an error;
	the caller's use of the answers runs with the collector as usual."""
	was_on = gc.isenabled()
	gc.disable()
	try:
		yield
	finally:
		if was_on:
			gc.enable()


def _answers(given: list[str], channel: str):
	# An address written another way ("ana+news@", Gmail's dots) is decided with its mailbox too, as
	# a send to it is: the check never says yes where the send would refuse.
	keyed = [(r, _person(identities.email_key(r) or identities.phone_key(r))) for r in given]
	by_keys, done, plain_yes = {}, 0, _("Contact is allowed now.")
	said = {}  # sentences said once for everyone they fit (`_answer`)
	# Answered as each page of people is decided, while MariaDB reads the next page.
	for verdicts in facts.decide_in_pages(list(dict.fromkeys(p for _r, p in keyed if p)), channel):
		by_keys.update((v.keys, v) for v in verdicts)
		while done < len(keyed) and (not keyed[done][1] or keyed[done][1] in by_keys):
			yield _answer(*keyed[done], by_keys, channel, plain_yes, said)
			done += 1
	for recipient, keys in keyed[done:]:  # (only recipients that are no email or phone are left)
		yield _answer(recipient, keys, by_keys, channel, plain_yes, said)


def _answer(
	recipient: str, keys: frozenset | None, by_keys: dict, channel: str, plain_yes: str, said: dict
) -> dict:
	if not keys:
		return {
			"recipient": recipient,
			"allowed": False,
			"outcome": "invalid",
			"summary": _("{0} is neither an email address nor a phone number.").format(
				inputs.shown(recipient)
			),
		}
	person = by_keys[keys]
	decision = person.decision
	if decision.outcome == core.ALLOW and not decision.reasons:
		# Nothing spoke: the short answer, without building sentences nobody needs.
		return {
			"recipient": recipient,
			"allowed": True,
			"outcome": core.ALLOW,
			"channel": channel,
			"summary": plain_yes,
			"reasons": [],
			"next_allowed_at": None,
			"keys": sorted(person.keys),
			"attempts": [],
		}
	one = facts.Verdict(channel, decision, [person])
	at = decision.next_allowed_at
	if decision.outcome == core.BLOCK and all(r.kind == QUIET_HOURS for r in decision.reasons):
		# Refused for contact hours and nothing else (a mass send at night: everyone): the line
		# names no one and is the same for everyone refused until the same time in the same
		# zone; said once.
		key = ("summary", at, person.zone)
		line = said.get(key)
		if line is None:
			line = said[key] = summary(one)
	else:
		line = summary(one)
	return {
		"recipient": recipient,
		"allowed": one.allowed,
		"outcome": decision.outcome,
		"channel": channel,
		"summary": line,
		"reasons": explain.reasons(one, said),
		"next_allowed_at": {"site": _in_site_time(at, said)},
		"keys": sorted(person.keys),
		"attempts": attempt_list([person]),
	}


def _in_site_time(at, said: dict) -> str | None:
	"""An instant as the site's clock shows it (the core answers in UTC): once per instant in a
	mass check (at night, everyone refused until the same few times)."""
	if at is None:
		return None
	key = ("site time", at)
	shown = said.get(key)
	if shown is None:
		shown = said[key] = at.astimezone(clock.site_zone()).isoformat()
	return shown


def _person(key: str | None) -> frozenset | None:
	return frozenset({key, mailbox(key)}) if key else None


def as_dict(verdict: facts.Verdict, doctype: str | None = None, name: str | None = None) -> dict:
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
			"site": at.astimezone(clock.site_zone()).isoformat() if at else None,
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


def summary(verdict: facts.Verdict, doctype=None, name=None) -> str:
	"""One line: may they be reached now, and if not, the strongest reason. The person is named by
	the record, else by what the app knows them as, else "this person"."""
	title = identities.display_name(doctype, name) or next((p.title for p in verdict.people if p.title), None)
	who = inputs.shown(title) if title else _("this person")
	if not verdict.people:
		return _("{0} has no email address or phone number yet.").format(who)
	if verdict.decision.outcome == core.EXEMPT:
		return _("You can answer {0} now: they wrote to us.").format(who)
	if verdict.allowed:
		return _("You can reach {0} now.").format(who)
	return explain.headline(verdict, who)
