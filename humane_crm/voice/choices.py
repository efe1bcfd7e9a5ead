"""What a customer chooses for themselves: from their page, one click in their mail client, or a
`mailto:` unsubscribe. Each choice is the customer's own (source Customer): recorded at once through
the app's one write (`people.preferences.save_preference`), with the page as where it came from, and — being theirs
— only a manager can relax it afterwards (`ContactPreference.keep_customer_choice`), except the
customer themselves, from the same page.
"""

from __future__ import annotations

import re

import frappe
from frappe import _
from frappe.utils import add_days

from humane_crm.people.preferences import save_preference
from humane_crm.policy.preferences import CHANNEL_FIELDS
from humane_crm.utils import clock
from humane_crm.voice import links

CHANNELS = {
	"email": "opt_out_email",
	"call": "opt_out_call",
	"sms": "opt_out_sms",
	"whatsapp": "opt_out_whatsapp",
}
PAUSES = {"pause-30": 30, "pause-90": 90}
CHOICES = (*PAUSES, "stop-all", "open", *(f"{verb}-{c}" for c in CHANNELS for verb in ("stop", "allow")))


def page_reason() -> str:
	# What the business reads later is in the site's language, whatever the page was read in.
	return _("Chosen by the customer on their contact choices page ({0})", lang=links.site_language()).format(
		links.ROUTE
	)


def one_click(person: str) -> bool:
	"""RFC 8058 one-click unsubscribe: no more email to this person, at once. Idempotent: True when
	this click changed something."""
	doc = frappe.get_doc("Contact Preference", person)
	if doc.opt_out_email:
		return False
	save_preference(
		doc,
		{
			"opt_out_email": 1,
			"source": "Customer",
			"reason": _("one-click unsubscribe", lang=links.site_language()),
		},
		by_the_customer=True,
	)
	return True


def choose(person: str, choice: str) -> str:
	"""Apply one choice from the page; the sentence that confirms it."""
	doc = frappe.get_doc("Contact Preference", person)
	values = {"source": "Customer", "reason": page_reason()}
	if choice in PAUSES:
		until = clock.naive(add_days(clock.now(), PAUSES[choice]))
		values.update(status="Paused", paused_until=until.strftime("%Y-%m-%d %H:%M:%S"))
		done = _("Done: we will not contact you until {0}.").format(frappe.utils.format_date(until))
	elif choice == "stop-all":
		values.update(status="Do Not Contact", paused_until=None)
		done = _("Done: we will not contact you again.")
	elif choice == "open":
		values.update(status="Open", paused_until=None, **{f: 0 for f in CHANNEL_FIELDS})
		done = _("Done: we may contact you again, on every channel.")
	elif (m := re.fullmatch(r"(stop|allow)-(email|call|sms|whatsapp)", choice or "")) is not None:
		values[CHANNELS[m[2]]] = int(m[1] == "stop")
		label = channel_label(m[2])
		done = (
			_("Done: no more {0} from us.") if m[1] == "stop" else _("Done: {0} from us are welcome again.")
		).format(label)
	else:
		return ""
	save_preference(doc, values, by_the_customer=True)
	return done


def channel_label(channel: str) -> str:
	return {
		"email": _("emails"),
		"call": _("calls"),
		"sms": _("text messages"),
		"whatsapp": _("WhatsApp messages"),
	}[channel]


def state(person: str) -> dict:
	"""What the page shows the person: their first name and their own choices, nothing else."""
	doc = frappe.get_doc("Contact Preference", person)
	first = (doc.person_name or "").strip().split(" ")[0]
	if "@" in first or first.startswith("+"):
		first = ""  # a person known only by an address: the page never shows it
	opted_out = {c: bool(doc.get(f)) for c, f in CHANNELS.items()}
	return {
		"first_name": first,
		"status": doc.status,
		"paused_until_text": frappe.utils.format_date(doc.paused_until) if doc.status == "Paused" else "",
		"opted_out": opted_out,
		"stopped": [channel_label(c) for c, out in opted_out.items() if out],
		"can_open": doc.status != "Open" or any(opted_out.values()),
	}


def unsubscribe_by_mail(subject: str | None) -> bool:
	"""An email to our inbound address whose subject is the `mailto:` unsubscribe of a link."""
	m = re.search(r"\bunsubscribe\s+([A-Za-z0-9_-]{40,64})\b", subject or "")
	person = links.person_of(m[1]) if m else None
	return one_click(person) or True if person else False
