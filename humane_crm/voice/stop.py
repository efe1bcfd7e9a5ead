""" "Stop" understood: a customer's message that asks us to stop is honoured at once, and a human
decides what it meant.

- `heard` (an inbound email an Email Account pulled in, an incoming WhatsApp message, or an SMS an
  SMS gateway reported through `voice.sms.received`, on a lead or deal): the core (`policy.stop_words`) reads the customer's own words against the settings' Stop
  Phrases. A message that is exactly one revocation word on SMS or WhatsApp opts out of that channel
  at once, as carriers do. Any other request to stop pauses all contact at once (source Customer,
  their words quoted, for Stop Request Pause days) and opens a *Stop Request* for the record's
  owner, told in /crm's notifications panel and the desk's.
- `confirm`: Do Not Contact, or — when they named one channel ("stop calling") — that channel's
  opt-out, with the pause lifted. `dismiss` with a reason: the pause the request made is undone
  (contact opens again as it was before), when nothing has changed it since.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, get_fullname, now_datetime

from humane_crm.exceptions import StopRequestError
from humane_crm.people import identities, ledger
from humane_crm.people.preferences import save_preference
from humane_crm.permissions import access, app_fields
from humane_crm.policy import preferences as preference_core
from humane_crm.policy import stop_words as core
from humane_crm.policy.preferences import CHANNEL_FIELDS
from humane_crm.utils import clock, inputs
from humane_crm.utils.actions import save_action
from humane_crm.utils.notifications import crm_notify, notify

CRM_RECORDS = ("CRM Lead", "CRM Deal")
CHANNEL_FIELD = dict(zip(("Email", "Call", "SMS", "WhatsApp"), CHANNEL_FIELDS, strict=True))
DEFAULT_PAUSE_DAYS = 365


def phrases() -> list[tuple[str, str]]:
	settings = frappe.get_cached_doc("Humane CRM Settings")
	rows = [(r.phrase, r.match or core.ANYWHERE) for r in settings.get("stop_phrases") or []]
	return rows or list(core.DEFAULT_PHRASES)


def lone_word(body: str | None) -> core.Heard | None:
	"""A message that is exactly one revocation word ("STOP"), as carriers read SMS and WhatsApp."""
	return core.only_word(body, phrases())


def heard(
	channel: str, body: str | None, subject: str | None, key: str | None, reference: tuple, message: tuple
) -> str | None:
	"""A customer's message on `channel`: honour a request to stop. The Stop Request's name, or the
	person's name when a single word opted them out of the channel, or None."""
	doctype, name = reference
	if doctype not in CRM_RECORDS or not name or not key:
		return None
	listed = phrases()
	if channel in ("SMS", "WhatsApp"):
		word = core.only_word(body, listed)
		if word:
			return opt_out_at_once(channel, word, key, reference)
	found = core.hear(body, listed, subject=subject if channel == "Email" else None)
	if not found:
		return None
	person = ledger.person_for(frozenset({key}), identities.display_name(doctype, name))
	doc = frappe.get_doc("Contact Preference", person)
	before = {"status": doc.status, "paused_until": doc.paused_until}
	reason = _("They wrote: “{0}”").format(found.words)
	until = clock.naive(add_days(clock.now(), _pause_days()))
	pause = {"status": "Paused", "paused_until": until, "source": "Customer"}
	if not preference_core.relaxes(_facts(doc), {**_facts(doc), **pause}):
		save_preference(doc, {**pause, "reason": reason}, by_the_customer=True)
	waiting = frappe.db.get_value(
		"Stop Request", {"reference_doctype": doctype, "reference_name": name, "status": "Waiting"}
	)
	if waiting:
		frappe.get_doc("Stop Request", waiting).add_comment(
			"Info", _("They wrote again: “{0}”").format(found.words)
		)
		return waiting
	request = frappe.get_doc(
		{
			"doctype": "Stop Request",
			"status": "Waiting",
			"request_owner": identities.record_owner(doctype, name),
			"reference_doctype": doctype,
			"reference_name": name,
			"person": person,
			"words": found.words,
			"phrase": found.phrase,
			"channel": found.channel or "",
			"heard_on": channel,
			"source_doctype": message[0],
			"source_name": message[1],
			"previous_status": before["status"],
			"previous_paused_until": before["paused_until"],
		}
	)
	request.flags.humane_crm_app_write = request.flags.ignore_permissions = True
	request.insert()
	_tell_owner(
		request,
		_("{0} asked us to stop: “{1}”. Contact is paused. Confirm or dismiss it (Stop Request {2}).").format(
			_title(request), found.words, request.name
		),
	)
	return request.name


def opt_out_at_once(channel: str, word: core.Heard, key: str, reference: tuple) -> str:
	"""One revocation word alone on SMS or WhatsApp: that channel's opt-out, at once, and the
	record's owner (when there is a record) told."""
	person = ledger.person_for(frozenset({key}), identities.display_name(*reference))
	doc = frappe.get_doc("Contact Preference", person)
	if not doc.get(CHANNEL_FIELD[channel]):
		save_preference(
			doc,
			{
				CHANNEL_FIELD[channel]: 1,
				"source": "Customer",
				"reason": _("They wrote “{0}” on {1}").format(word.words, channel),
			},
			by_the_customer=True,
		)
	owner = identities.record_owner(*reference)
	if owner:
		text = _("{0} wrote “{1}” on {2}: they are opted out of {2}.").format(
			identities.display_name(*reference) or reference[1], word.words, channel
		)
		notify(owner, doc, text)
		crm_notify(owner, doc, text, *reference)
	return person


def _pause_days() -> int:
	days = frappe.db.get_single_value("Humane CRM Settings", "stop_pause_days")
	return int(days) if days else DEFAULT_PAUSE_DAYS


def _facts(doc) -> dict:
	from humane_crm.humane_crm.doctype.contact_preference.contact_preference import _facts

	return _facts(doc)


# A human decides
# ------------------


@frappe.whitelist(methods=["POST"])
def confirm(name: str) -> dict:
	"""They asked us to stop: Do Not Contact, or the one channel they named."""
	request = _request(name)
	doc = frappe.get_doc("Contact Preference", request.person)
	values = {
		"source": "Customer",
		"reason": _("They wrote: “{0}” (confirmed by {1})").format(request.words, get_fullname()),
	}
	if request.channel:
		values[CHANNEL_FIELD[request.channel]] = 1
		if _still_our_pause(doc, request):
			values.update(
				status=request.previous_status or "Open", paused_until=request.previous_paused_until
			)
	else:
		values.update(status="Do Not Contact", paused_until=None)
	save_preference(doc, values, by_the_customer=True)
	_decide(request, "Confirmed", _("{0} confirmed: {1}").format(get_fullname(), _outcome(request)))
	return {"name": request.name, "status": request.status}


@frappe.whitelist(methods=["POST"])
def dismiss(name: str, reason: str) -> dict:
	"""They did not ask us to stop: the pause this request made is undone."""
	reason = (inputs.text(reason, _("The reason"), required=False) or "").strip()
	if not reason:
		frappe.throw(
			_("Say why this message is not a request to stop."),
			exc=StopRequestError,
			title=_("A reason is needed"),
		)
	request = _request(name)
	doc = frappe.get_doc("Contact Preference", request.person)
	if _still_our_pause(doc, request):
		# The owner's decision on the app's own pause: it undoes only what the customer's words did.
		save_preference(
			doc,
			{
				"status": request.previous_status or "Open",
				"paused_until": request.previous_paused_until,
				"source": "Agent",
				"reason": _("Stop request {0} dismissed by {1}: {2}").format(
					request.name, get_fullname(), reason
				),
			},
			by_the_customer=True,
		)
	_decide(
		request,
		"Dismissed",
		_("{0} dismissed it: {1}").format(get_fullname(), reason),
		dismissed_reason=reason,
	)
	return {"name": request.name, "status": request.status}


def _still_our_pause(doc, request) -> bool:
	return (
		doc.status == "Paused"
		and doc.source == "Customer"
		and (doc.reason or "").startswith(_("They wrote: “{0}”").format(request.words))
	)


def _outcome(request) -> str:
	if request.channel:
		return _("opted out of {0}").format(_(request.channel))
	return _("Do Not Contact")


def _request(name):
	request = access.document_about_a_record("Stop Request", name, _("There is no stop request {0}."))
	if request.status != "Waiting":
		frappe.throw(
			_("Stop request {0} was already decided ({1}).").format(request.name, _(request.status)),
			exc=StopRequestError,
			title=_("Already decided"),
		)
	return request


def _decide(request, status: str, note: str, **values) -> None:
	request.flags.humane_crm_app_write = True
	save_action(
		request,
		{"status": status, "decided_by": frappe.session.user, "decided_on": now_datetime(), **values},
		note,
	)


def _tell_owner(request, text: str) -> None:
	notify(request.request_owner, request, text)
	crm_notify(request.request_owner, request, text, request.reference_doctype, request.reference_name)


def _title(request) -> str:
	return (
		identities.display_name(request.reference_doctype, request.reference_name) or request.reference_name
	)


def refuse_edits(doc) -> None:
	"""Stop Request validate: made by the app from a customer's message, decided only by its actions."""
	app_fields.made_only_by_the_app(
		doc,
		_("A stop request is made by Humane CRM from a customer's own message."),
		[f.fieldname for f in doc.meta.fields if f.fieldtype not in ("Section Break", "Column Break")],
		_("Confirm or dismiss it (humane_crm.voice.stop.confirm / dismiss)."),
		exc=StopRequestError,
	)


# Who sees what
# ------------------


def has_permission(doc, ptype=None, user=None, debug=False) -> bool:
	from humane_crm.permissions.doctypes import complaint_has_permission

	return complaint_has_permission(doc, ptype, user)


def conditions(user: str | None = None, doctype: str | None = None) -> str:
	from humane_crm.permissions.doctypes import _sees_everything

	user = user or frappe.session.user
	if _sees_everything(user) or access.reads_every_record(user):
		return ""
	return access.record_condition("Stop Request", user)
