"""Sentences for the core's reasons, translated. The core states facts; this says them.

Every value a person typed (a name, a reason, a rule's name, a record's name, a user's full name)
is HTML-escaped as it goes in: these sentences are shown as HTML on the desk and in CRM's toasts.
"""

from __future__ import annotations

import frappe
from frappe.utils import get_fullname as _fullname

from humane_crm.cadence.facts import PersonVerdict, Verdict
from humane_crm.policy import cadence
from humane_crm.policy import decision as core
from humane_crm.utils import clock
from humane_crm.utils.escape import escape_html


def _(msg: str, context: str | None = None) -> str:
	"""`frappe._`, remembered for the request: a batch's refusals ask for the same few sentences
	thousands of times (Frappe's extractor still finds every `_("…")` below)."""
	memo = frappe.local.cache.setdefault("humane_crm_translated", {})
	key = (frappe.local.lang, msg, context)
	if key not in memo:
		memo[key] = frappe._(msg, context=context)
	return memo[key]


def get_fullname(user: str | None) -> str:
	"""A user's full name, escaped (a name is whatever was typed into the User form), remembered for
	the request."""
	memo = frappe.local.cache.setdefault("humane_crm_fullnames", {})
	if user not in memo:
		memo[user] = escape_html(_fullname(user))
	return memo[user]


def when(dt) -> str:
	"""A time on the site's clock, unambiguous in any locale, with the zone named (and cheap: a
	batch refusal writes several per person)."""
	if dt is None:
		return ""
	zone = clock.site_zone()
	return f"{clock.naive(dt, zone):%a %Y-%m-%d %H:%M} ({zone.key})"


def when_for_user(dt) -> str:
	"""A time in the reading user's own zone."""
	zone = clock.user_zone()
	return f"{dt.astimezone(zone).strftime('%a %Y-%m-%d %H:%M')} ({zone.key})"


def who(person: PersonVerdict) -> str:
	keys = escape_html(", ".join(sorted(person.keys)))
	if person.title and person.title not in person.keys:
		return f"{escape_html(person.title)} ({keys})"
	return keys or _("this person")


def channel_name(channel: str) -> str:
	return {"Email": _("email"), "Call": _("call"), "SMS": _("SMS"), "WhatsApp": _("WhatsApp message")}[
		channel
	]


def _set_by(facts: dict) -> str:
	parts = []
	if facts.get("set_by") and facts["set_by"] != "Guest":  # Guest: the customer, from their page
		parts.append(_("set by {0}").format(get_fullname(facts["set_by"])))
	if facts.get("set_on"):
		parts.append(_("on {0}").format(when(facts["set_on"])))
	if facts.get("source"):
		parts.append(_("source: {0}").format(_(facts["source"])))
	if facts.get("reason"):
		parts.append(_("reason: “{0}”").format(escape_html(facts["reason"])))
	return " (" + ", ".join(parts) + ")" if parts else ""


def sentence(reason: core.Reason, person: PersonVerdict) -> str:
	facts = reason.facts
	if reason.kind == core.DO_NOT_CONTACT_REASON:
		return _("{0} asked not to be contacted at all: Do Not Contact{1}.").format(
			who(person), _set_by(facts)
		)
	if reason.kind == core.PAUSED_REASON:
		if facts.get("source") in ("Customer", "Unsubscribe"):
			return _("{0}: the customer paused contact until {1}{2}.").format(
				who(person), when(facts["until"]), _set_by(facts)
			)
		return _("Contact with {0} is paused until {1}{2}.").format(
			who(person), when(facts["until"]), _set_by(facts)
		)
	if reason.kind == core.OPTED_OUT_REASON:
		return _("{0} opted out of {1}{2}.").format(who(person), _(facts["channel"]), _set_by(facts))
	if reason.kind == core.REPLY_WINDOW_REASON:
		if facts.get("despite"):
			return _(
				"They wrote to us on {0}, so you may answer that message on {1} until {2} — only that: reply to what they asked, and nothing more; it does not count against limits."
			).format(when(facts["inbound_at"]), _(facts["channel"]), when(facts["until"]))
		return _(
			"{0} wrote to us on {1}: answering them on {2} is allowed until {3} and does not count against limits."
		).format(who(person), when(facts["inbound_at"]), _(facts["channel"]), when(facts["until"]))
	if reason.kind == cadence.CAP:
		return _("Rule “{0}”: at most {1} per {2}; {3} already reached {4}: {5}.").format(
			escape_html(reason.source),
			touches(facts["max"]),
			duration(facts["window"]),
			touches(facts["count"]),
			who(person),
			"; ".join(attempt_line(a) for a in facts["attempts"]),
		)
	if reason.kind == cadence.GAP:
		return _("Rule “{0}”: at least {1} between touches; the last was {2}.").format(
			escape_html(reason.source), duration(facts["gap"]), attempt_line(facts["last"])
		)
	if reason.kind == cadence.COOL_OFF:
		return _("Rule “{0}”: {1} of room after a conversation; {2} last talked with us {3}.").format(
			escape_html(reason.source), duration(facts["cool_off"]), who(person), when(facts["conversation"])
		)
	if reason.kind == cadence.QUIET_HOURS:
		source = person.zone_source if facts["zone"] == person.zone.key else "phone"
		return _quiet_sentence(reason, who(person), source)
	return _("{0}: {1}").format(reason.kind, who(person))


def _quiet_sentence(reason: core.Reason, named: str, zone_source: str) -> str:
	facts = reason.facts
	return _("Rule “{0}”: contact {1}; it is {2} for {3} ({4}, {5}).").format(
		escape_html(reason.source),
		allowed_hours(facts),
		facts["local"].strftime("%a %H:%M"),
		named,
		facts["zone"],
		zone_source_sentence(zone_source),
	)


def touches(n: int) -> str:
	return _("1 touch") if n == 1 else _("{0} touches").format(n)


def duration(td) -> str:
	hours = td.total_seconds() / 3600
	if hours >= 24 and hours % 24 == 0:
		days = int(hours // 24)
		return _("1 day") if days == 1 else _("{0} days").format(days)
	return _("{0} hours").format(f"{hours:g}")


def attempt_line(a) -> str:
	"""One counted attempt: who, when, channel, record."""
	parts = [get_fullname(a.agent) if a.agent else _("someone"), when(a.at), _(a.channel)]
	if a.reference:
		parts.append(escape_html(a.reference))
	return ", ".join(parts)


def allowed_hours(facts: dict) -> str:
	"""When a quiet-hours rule allows contact (the same few rules for every refusal of a batch:
	remembered for the request)."""
	memo = frappe.local.cache.setdefault("humane_crm_allowed_hours", {})
	key = (frappe.local.lang, frozenset(facts["weekdays"]), facts["from"], facts["to"])
	if key not in memo:
		memo[key] = _allowed_hours(facts)
	return memo[key]


def _allowed_hours(facts: dict) -> str:
	days = facts["weekdays"]
	names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
	day_text = _("every day") if len(days) == 7 else ", ".join(names[d] for d in sorted(days))
	if facts["from"] is None:
		return _("only on {0}").format(day_text)
	return _("between {0} and {1} on {2}, in their time zone").format(
		facts["from"].strftime("%H:%M"), facts["to"].strftime("%H:%M"), day_text
	)


def zone_source_sentence(source: str) -> str:
	if source == "record":
		return _("from the record")
	if source == "phone":
		return _("from their phone number")
	return _("the site's; set the record's Time Zone if theirs differs")


def reasons(verdict: Verdict, said: dict | None = None) -> list[dict]:
	"""Every reason that spoke, as the API returns it: a sentence and where it came from. With
	`said` (one mass check's sentences), a sentence that is the same for many people but for
	their name is said once and named for each."""
	out = []
	for person in verdict.people:
		keys = sorted(person.keys)
		for reason in person.decision.reasons:
			out.append(
				{
					"kind": reason.kind,
					"outcome": reason.outcome,
					"source": reason.source,
					"person": list(keys),
					"message": sentence(reason, person)
					if said is None or reason.kind != cadence.QUIET_HOURS
					else _quiet_for(reason, person, said),
				}
			)
	return out


_WHO = "\x00who\x00"  # where a person is named in a sentence said once for many (no HTML in it)


def _quiet_for(reason: core.Reason, person: PersonVerdict, said: dict) -> str:
	"""A quiet-hours sentence depends on the person only for their name, their zone and where it
	came from: within one mass check (one set of rules) the rule's name, the zone and its local
	time say the rest."""
	facts = reason.facts
	source = person.zone_source if facts["zone"] == person.zone.key else "phone"
	key = (reason.source, facts["zone"], facts["local"], source)
	line = said.get(key)
	if line is None:
		line = said[key] = _quiet_sentence(reason, _WHO, source)
	return line.replace(_WHO, who(person))


def refusal(verdict: Verdict, overridable: bool = False) -> str:
	"""The whole explanation of a refused contact: what, why, who counted, when, and how to override."""
	lines = [
		_("Not sent: this {0} would reach someone who must not be contacted now.").format(
			channel_name(verdict.channel)
		)
	]
	for person in verdict.people:
		for reason in person.decision.blocking:
			lines.append(sentence(reason, person))
	lines.append(next_contact(verdict))
	kinds = {r.kind for r in verdict.decision.blocking}
	if core.needs_reason(verdict.decision) and overridable:
		lines.append(
			_(
				"To send it anyway, give your reason with “Override next contact” on the record, then send again."
			)
		)
	elif overridable:
		lines.append(
			_(
				"You may override once: use “Override next contact” on the record with your reason, then send again."
			)
		)
	else:
		roles = sorted({role for r in verdict.decision.blocking if r.rule for role in r.rule.override_roles})
		if roles and kinds <= {cadence.CAP, cadence.GAP, cadence.COOL_OFF, cadence.QUIET_HOURS}:
			lines.append(
				_("A user with one of these roles can let one touch through, with a reason: {0}.").format(
					", ".join(roles)
				)
			)
	lines.append(_("Nothing was sent; the refused attempt is recorded."))
	return " ".join(lines)


def warning(verdict: Verdict) -> str:
	lines = [_("Sent, but it breaks a rule set to warn:")]
	for person in verdict.people:
		for reason in person.decision.reasons:
			if reason.outcome == core.WARN:
				lines.append(sentence(reason, person))
	return " ".join(lines)


def next_contact(verdict: Verdict) -> str:
	if verdict.allowed:
		return _("Contact is allowed now.")
	if verdict.decision.next_allowed_at is None:
		return _(
			"No contact is allowed until the person, or a manager on their behalf, changes their preference."
		)
	person = next((p for p in verdict.people if not p.decision.allowed), None)
	return _next_at(verdict.decision.next_allowed_at, person.zone if person else None)


def _next_at(at, theirs) -> str:
	"""When contact is allowed next, in the reader's zone and, when it differs, the person's (a
	batch refused at night says the same few sentences ten thousand times: remembered for the
	request)."""
	yours = clock.user_zone()
	memo = frappe.local.cache.setdefault("humane_crm_next_at", {})
	key = (frappe.local.lang, at, theirs, yours)
	if key not in memo:
		if theirs and theirs.key != yours.key:
			their_time = f"{at.astimezone(theirs).strftime('%a %Y-%m-%d %H:%M')} ({theirs.key})"
			memo[key] = _("Next contact allowed {0} their time; {1} yours.").format(
				their_time, when_for_user(at)
			)
		else:
			memo[key] = _("Next contact allowed {0}.").format(when_for_user(at))
	return memo[key]


def headline(verdict: Verdict, who: str) -> str:
	"""One line for the top of a lead or deal: why contact is refused, and until when."""
	reasons = verdict.decision.blocking
	kinds = {r.kind for r in reasons}
	facts = reasons[0].facts if reasons else {}
	by_customer = facts.get("source") in ("Customer", "Unsubscribe")
	if core.DO_NOT_CONTACT_REASON in kinds:
		if by_customer:
			return _("Do not contact: {0} asked us not to contact them.").format(who)
		return _("Do not contact {0} (set by {1}).").format(who, get_fullname(facts.get("set_by")))
	if core.PAUSED_REASON in kinds:
		until = next(r.until for r in reasons if r.kind == core.PAUSED_REASON)
		if by_customer:
			return _("Paused by the customer until {0}.").format(when(until))
		return _("Contact with {0} paused until {1}.").format(who, when(until))
	if core.OPTED_OUT_REASON in kinds:
		return _("{0} opted out of {1}.").format(who, channel_name(verdict.channel))
	cap = next((r for r in reasons if r.kind == cadence.CAP), None)
	if cap:
		agents = sorted({get_fullname(a.agent) for a in cap.facts["attempts"] if a.agent})
		return _("{0} — {1} in {2} by {3}.").format(
			next_contact(verdict).rstrip("."),
			touches(cap.facts["count"]),
			duration(cap.facts["window"]),
			", ".join(agents),
		)
	return next_contact(verdict)
