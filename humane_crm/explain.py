"""Sentences for the core's reasons, translated. The core states facts; this says them."""

from __future__ import annotations

from frappe import _
from frappe.utils import format_datetime, get_fullname

from humane_crm import clock
from humane_crm.contact import PersonVerdict, Verdict
from humane_crm.policy import decision as core


def when(dt) -> str:
	"""A time as the site writes it, with the zone named."""
	if dt is None:
		return ""
	return f"{format_datetime(clock.naive(dt))} ({clock.site_zone().key})"


def when_for_user(dt) -> str:
	"""A time in the reading user's own zone."""
	zone = clock.user_zone()
	return f"{dt.astimezone(zone).strftime('%Y-%m-%d %H:%M')} ({zone.key})"


def who(person: PersonVerdict) -> str:
	keys = ", ".join(sorted(person.keys))
	if person.title and person.title not in person.keys:
		return f"{person.title} ({keys})"
	return keys or _("this person")


def channel_name(channel: str) -> str:
	return {"Email": _("email"), "Call": _("call"), "SMS": _("SMS"), "WhatsApp": _("WhatsApp message")}[
		channel
	]


def _set_by(facts: dict) -> str:
	parts = []
	if facts.get("set_by"):
		parts.append(_("set by {0}").format(get_fullname(facts["set_by"])))
	if facts.get("set_on"):
		parts.append(_("on {0}").format(when(facts["set_on"])))
	if facts.get("source"):
		parts.append(_("source: {0}").format(_(facts["source"])))
	if facts.get("reason"):
		parts.append(_("reason: “{0}”").format(facts["reason"]))
	return " (" + ", ".join(parts) + ")" if parts else ""


def sentence(reason: core.Reason, person: PersonVerdict) -> str:
	facts = reason.facts
	if reason.kind == core.DO_NOT_CONTACT_REASON:
		return _("{0} asked not to be contacted at all: Do Not Contact{1}.").format(
			who(person), _set_by(facts)
		)
	if reason.kind == core.PAUSED_REASON:
		return _("Contact with {0} is paused until {1}{2}.").format(
			who(person), when(facts["until"]), _set_by(facts)
		)
	if reason.kind == core.OPTED_OUT_REASON:
		return _("{0} opted out of {1}{2}.").format(who(person), _(facts["channel"]), _set_by(facts))
	if reason.kind == core.REPLY_WINDOW_REASON:
		return _(
			"{0} wrote to us on {1}: answering them on {2} is allowed until {3} and does not count against limits."
		).format(who(person), when(facts["inbound_at"]), _(facts["channel"]), when(facts["until"]))
	return _("{0}: {1}").format(reason.kind, who(person))


def reasons(verdict: Verdict) -> list[dict]:
	"""Every reason that spoke, as the API returns it: a sentence and where it came from."""
	out = []
	for person in verdict.people:
		for reason in person.decision.reasons:
			out.append(
				{
					"kind": reason.kind,
					"outcome": reason.outcome,
					"source": reason.source,
					"person": sorted(person.keys),
					"message": sentence(reason, person),
				}
			)
	return out


def refusal(verdict: Verdict) -> str:
	"""The whole explanation of a refused contact: what, why, and when it is allowed again."""
	lines = [
		_("Not sent: this {0} would reach someone who must not be contacted now.").format(
			channel_name(verdict.channel)
		)
	]
	for person in verdict.people:
		for reason in person.decision.blocking:
			lines.append(sentence(reason, person))
	lines.append(next_contact(verdict))
	lines.append(_("Nothing was sent and nothing was recorded as a contact."))
	return " ".join(lines)


def next_contact(verdict: Verdict) -> str:
	if verdict.allowed:
		return _("Contact is allowed now.")
	if verdict.decision.next_allowed_at is None:
		return _(
			"No contact is allowed until the person, or a manager on their behalf, changes their preference."
		)
	at = verdict.decision.next_allowed_at
	return _("Next contact allowed {0}; in your time zone {1}.").format(when(at), when_for_user(at))


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
	return next_contact(verdict)
