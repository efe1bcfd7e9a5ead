"""Whitelisted API. Every method checks permission on the record it touches."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import get_datetime

from humane_crm.cadence import explain, facts, overrides
from humane_crm.exceptions import InvalidInputError, NoOverrideError, TooManyRecipientsError
from humane_crm.people import identities, ledger
from humane_crm.permissions import access
from humane_crm.policy import decision as core
from humane_crm.policy.identity import mailbox
from humane_crm.utils import clock, inputs

SUPPORTED = ("CRM Lead", "CRM Deal", "Contact")
MAX_RECIPIENTS = 10_000  # per call of check_contacts (≈ 0.6 s and a few MB of answer)
SOURCES = ("Customer", "Agent", "Import", "Unsubscribe")


@frappe.whitelist()
def check_contact(doctype: str, name: str, channel: str = "Email") -> dict:
	"""May the person behind this lead, deal or contact be contacted on `channel` now?"""
	ensure_readable(doctype, name)
	return as_dict(facts.decide_for_record(doctype, name, channel), doctype, name)


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

	`opt_out` is either a list of the channels the person opted out of (["Call"], or "Call, SMS"),
	which replaces the current opt-outs, or an object of channel → 1 (opted out) or 0 (not), which
	changes only the channels it names ({"Email": 0} lets email through again). Relaxing a choice
	the customer made themselves needs a Sales Manager or Cadence Manager. Every argument is checked
	before anything is saved.
	"""
	ensure_readable(doctype, name)
	if not isinstance(status, str) or status not in core.STATUSES:
		inputs.refuse(
			_("Unknown status {0}. Use one of: {1}.").format(
				frappe.bold(inputs.shown(status)), ", ".join(core.STATUSES)
			),
			title=_("Unknown status"),
		)
	paused_until = _paused_until(paused_until)
	reason = inputs.text(reason, _("The reason"), required=False)
	if source not in SOURCES:
		inputs.refuse(
			_("Unknown source {0}. Use one of: {1}.").format(
				frappe.bold(inputs.shown(source)), ", ".join(SOURCES)
			),
			title=_("Unknown source"),
		)
	opt_outs = _opt_outs(opt_out)
	record_people = identities.record_people(doctype, name)
	if not record_people:
		frappe.throw(
			_(
				"{0} {1} has no email address or phone number, so there is nobody to set a preference for."
			).format(_(doctype), inputs.shown(name)),
			exc=InvalidInputError,
			title=_("No email or phone"),
		)
	keys = record_people[0]
	for person in sorted(set(ledger.persons_holding(keys).values())) or [None]:
		doc = frappe.get_doc("Contact Preference", person) if person else new_preference(keys, doctype, name)
		values = {"status": status, "paused_until": paused_until, "reason": reason, "source": source}
		values.update({"reference_doctype": doctype, "reference_name": name})
		values.update({facts.CHANNEL_FIELDS[channel]: flag for channel, flag in opt_outs.items()})
		save_preference(doc, values)
	return check_contact(doctype, name, "Email")


def save_preference(doc, values: dict, by_the_customer: bool = False) -> None:
	"""The app's own write of a person's wishes: the only way they change.

	`by_the_customer`: the person chose this themselves (their contact choices page, their own
	message), so they may relax their own earlier choice, and no user's permission is asked."""
	doc.update(values)
	doc.flags.humane_crm_app_write = True
	if by_the_customer:
		doc.flags.by_the_customer = doc.flags.ignore_permissions = True
	doc.save()


def _paused_until(value) -> str | None:
	"""A pause's end as the database stores it, or a sentence saying what a date looks like."""
	if value is None or (isinstance(value, str) and not value.strip()):
		return None
	try:
		parsed = get_datetime(value.strip()) if isinstance(value, str) else None
	except (ValueError, TypeError, OverflowError):
		parsed = None
	if parsed is None:
		inputs.refuse(
			_(
				"Paused Until {0} is not a date and time. Write it as YYYY-MM-DD HH:MM:SS or YYYY-MM-DD, e.g. 2030-02-01 09:00:00."
			).format(frappe.bold(inputs.shown(value))),
			title=_("Not a date"),
		)
	return clock.naive(parsed).strftime("%Y-%m-%d %H:%M:%S")


FLAGS = {0: 0, 1: 1, "0": 0, "1": 1}  # (True and False are 1 and 0 here)


def _opt_outs(value) -> dict[str, int]:
	"""channel → 1 or 0 for the channels `opt_out` sets (see `set_contact_preference`)."""
	if value is None:
		return {}
	if isinstance(value, str) and value.strip().startswith("{"):
		value = inputs.json_value(value, _("opt_out"), _("an object such as {0}").format('{"Email": 0}'))
	if isinstance(value, dict):
		out = {}
		for channel, flag in value.items():
			if isinstance(flag, str):
				flag = flag.strip()
			if not isinstance(flag, int | str) or flag not in FLAGS:
				inputs.refuse(
					_("opt_out for {0} must be 1 (opted out) or 0 (not opted out), but {1} was sent.").format(
						frappe.bold(inputs.shown(channel)), inputs.kind(flag)
					),
					title=_("Not a flag"),
				)
			out[facts.normalize_channel(channel)] = FLAGS[flag]
		return out
	channels = {
		facts.normalize_channel(c) for c in _text_list(value, _("opt_out"), '["Call"]', _("a channel name"))
	}
	return {channel: int(channel in channels) for channel in facts.CHANNEL_FIELDS}


def new_preference(keys, doctype: str, name: str):
	return frappe.get_doc(
		{
			"doctype": "Contact Preference",
			"person_name": identities.display_name(doctype, name),
			"identities": [{"identity": k} for k in sorted(keys)],
		}
	)


def ensure_readable(doctype, name) -> None:
	if not isinstance(doctype, str) or doctype not in SUPPORTED:
		inputs.refuse(
			_("Humane CRM decides for {0}; {1} is not one of them.").format(
				", ".join(SUPPORTED), frappe.bold(inputs.shown(doctype))
			),
			title=_("Unsupported record type"),
		)
	if not isinstance(name, str) or not name.strip():
		inputs.refuse(
			_(
				"name must be the name of one {0}, as text (e.g. CRM-LEAD-2026-00001), but {1} was sent; filters are not accepted here."
			).format(_(doctype), inputs.kind(name)),
			title=_("Not a record name"),
		)
	if not frappe.db.exists(doctype, name):
		frappe.throw(
			_("{0} {1} not found").format(_(doctype), frappe.bold(inputs.shown(name))),
			exc=frappe.DoesNotExistError,
		)
	access.ensure_may_read_record(doctype, name)


@frappe.whitelist(methods=["POST"])
def override_next_contact(doctype: str, name: str, channel: str, reason: str) -> dict:
	"""A single pass past the rules that block contacting this person on `channel`, for 15 minutes.

	Needs one of the blocking rules' override roles (anyone may give a reason for an "Allow with
	reason" rule). Used by the caller's next send on any path and logged as Overridden.
	"""
	ensure_readable(doctype, name)
	reason = (inputs.text(reason, _("The reason"), required=False) or "").strip()
	if len(reason) < 5:
		frappe.throw(
			_("Say why this contact cannot wait (a few words at least)."), title=_("A reason is needed")
		)
	verdict = facts.decide_for_record(doctype, name, channel)
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

	`recipients` are email addresses or phone numbers: a list of strings, a JSON array of them, or
	one string separated by commas; at most 10 000 per call. Each answer carries the recipient as
	given.
	"""
	frappe.has_permission("Contact Preference", "read", throw=True)
	given = _text_list(
		recipients,
		_("Recipients"),
		'["ana@example.com", "+14155550100"]',
		_("one email address or phone number"),
	)
	if len(given) > MAX_RECIPIENTS:
		inputs.refuse(
			_(
				"{0} recipients in one call is too many: check at most {1} at a time. Split the list and call check_contacts once for each part."
			).format(f"{len(given):,}", f"{MAX_RECIPIENTS:,}"),
			title=_("Too many recipients"),
			exc=TooManyRecipientsError,
		)
	return list(answers_for(given, channel))


def answers_for(recipients: list[str], channel: str, page: int = MAX_RECIPIENTS, progress=None):
	"""`check_contacts`'s answers, in order, for any number of recipients (a mass send of 100 000):
	decided a page at a time, so what is held in memory is one page's facts and answers, whatever
	the list's length. `progress(done, total)` is called after each page. (A Python API for the
	server's own mass sends: the caller checks permission, as `check_contacts` does.)"""
	channel = facts.normalize_channel(channel)
	for start in range(0, len(recipients), page):
		yield from _answers(recipients[start : start + page], channel)
		if progress:
			progress(min(start + page, len(recipients)), len(recipients))


def _answers(given: list[str], channel: str) -> list[dict]:
	keyed = [(r, identities.email_key(r) or identities.phone_key(r)) for r in given]
	# An address written another way ("ana+news@", Gmail's dots) is decided with its mailbox too, as
	# a send to it is: the check never says yes where the send would refuse.
	persons = [frozenset({k, mailbox(k)}) for _r, k in keyed if k]
	verdict = facts.decide_for_people(list(dict.fromkeys(persons)), channel)
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
					"summary": _("{0} is neither an email address nor a phone number.").format(
						inputs.shown(recipient)
					),
				}
			)
			continue
		person = by_keys[frozenset({key, mailbox(key)})]
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
					"keys": sorted(person.keys),
					"attempts": [],
				}
			)
			continue
		one = facts.Verdict(verdict.channel, person.decision, [person])
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


def _text_list(value, label: str, example: str, each: str) -> list[str]:
	"""A list of strings, a JSON array of strings, or one string separated by commas, as a list;
	anything else (an object, a number, true, nested lists, malformed JSON) is refused saying so."""
	accepted = _("a list of text, e.g. {0}, or one text separated by commas").format(example)
	if isinstance(value, str):
		value = value.strip()
		if not value.startswith("["):
			return [v for v in (s.strip() for s in value.split(",")) if v]
		value = inputs.json_value(value, label, accepted)
	if not isinstance(value, list | tuple):
		inputs.refuse(
			_("{0} must be {1}, but {2} was sent.").format(label, accepted, inputs.kind(value)),
			title=_("Not a list"),
		)
	for i, item in enumerate(value, 1):
		if not isinstance(item, str):
			inputs.refuse(
				_("{0}: item {1} is {2}; each item must be {3}, as text: send {4}.").format(
					label, i, inputs.kind(item), each, accepted
				),
				title=_("Not a list of text"),
			)
	return list(value)
