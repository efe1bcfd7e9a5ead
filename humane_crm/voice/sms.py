"""A text message a person sent us: the entry point an SMS gateway's webhook calls.

Neither Frappe nor Frappe CRM keeps an inbound SMS: Frappe's *SMS Settings* and *SMS Log* only send,
and CRM (1.25 and 1.56) takes calls from Twilio and Exotel and WhatsApp from frappe_whatsapp, but no
text messages. So there is no record to hook, as there is for WhatsApp (`events.whatsapp`). A gateway
that receives a person's SMS (Twilio Messaging, Vonage, a modem gateway…) forwards it here:

	POST /api/method/humane_crm.voice.sms.received
	Authorization: token API_KEY:API_SECRET     (a user with the role SMS Gateway, or a System Manager)
	from_number=+34600123456&message=STOP[&message_id=the gateway's id, for its retries]

The number finds the person: the CRM record with that number (a deal first, then a lead not yet
converted, then any lead — as CRM's own WhatsApp lookup), else the person the app already knows by it.
Exactly one revocation word ("STOP", "UNSUBSCRIBE", …) opts them out of SMS at once, as carriers
do, and is not a conversation: it opens no reply window. Any other message is recorded in the
person's ledger as their own (it opens the reply window on SMS, as any inbound message) and read as
an email or a WhatsApp message is (`voice.stop.heard`): a request to stop pauses contact and asks
the record's owner to decide. The answer tells the gateway what
happened (`outcome`), so that it can send the carrier's one confirmation text after an opt-out.

Rate-limited per gateway address (`rate_limit`; `humane_crm_sms_rate_limit` in site config, per
minute). A retried delivery with the same `message_id` changes nothing the second time.
"""

from __future__ import annotations

import re

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit

from humane_crm.cadence import guard
from humane_crm.people import identities, ledger
from humane_crm.utils import inputs
from humane_crm.voice import stop

ROLES = ("SMS Gateway", "System Manager")
PER_MINUTE = 300


def _limit() -> int:
	return int(frappe.conf.get("humane_crm_sms_rate_limit") or PER_MINUTE)


@frappe.whitelist(methods=["POST"])
@rate_limit(limit=_limit, seconds=60)
def received(from_number: str, message: str | None = None, message_id: str | None = None) -> dict:
	"""A person's SMS, as the gateway received it. {"outcome": "opted out" | "stop request" |
	"received" | "unknown number" | "already received", "stop_request": name or None}"""
	if not set(ROLES) & set(frappe.get_roles()):
		frappe.throw(
			_("Only an SMS gateway's user (role SMS Gateway) or a System Manager may report a received SMS."),
			frappe.PermissionError,
			title=_("Not permitted"),
		)
	number = inputs.text(from_number, _("The sender's number"))
	body = inputs.text(message, _("The message"), required=False) or ""
	key = identities.phone_key(number)
	if not key:
		inputs.refuse(
			_("{0} is not a phone number. Send the sender's number, e.g. +34600123456.").format(
				frappe.bold(inputs.shown(number))
			),
			title=_("Not a phone number"),
		)
	if message_id and not _first_delivery(key, message_id):
		return {"outcome": "already received", "stop_request": None}
	reference = record_of(key)
	known = ledger.persons_holding({key})
	if reference == (None, None) and not known:
		return {"outcome": "unknown number", "stop_request": None}
	word = stop.lone_word(body)
	if word:  # a carrier's STOP: that channel, at once; not a conversation to answer
		stop.opt_out_at_once("SMS", word, key, reference)
		return {"outcome": "opted out", "stop_request": None}
	row = guard.record_inbound(frappe._dict(doctype=None, name=None), "SMS", key, reference)
	if reference == (None, None):
		return {"outcome": "received", "stop_request": None}
	answer = stop.heard("SMS", body, None, key, reference, ("Contact Attempt", row) if row else (None, None))
	return {"outcome": "stop request" if answer else "received", "stop_request": answer}


def _first_delivery(key: str, message_id: str) -> bool:
	cache_key = f"humane_crm_sms:{key}:{str(message_id)[:140]}"
	if frappe.cache.get_value(cache_key):
		return False
	frappe.cache.set_value(cache_key, 1, expires_in_sec=2 * 24 * 60 * 60)
	return True


def record_of(key: str) -> tuple[str | None, str | None]:
	"""The CRM record a number belongs to: a deal, else a lead not converted, else any lead (the
	latest of each), as CRM's own WhatsApp lookup orders them; numbers compared as the app reads
	them (`identities.phone_key`), whatever way they were typed."""
	digits = re.sub(r"\D", "", key)[-7:]
	for doctype, where in (
		("CRM Deal", ""),
		("CRM Lead", "and ifnull(converted, 0) = 0"),
		("CRM Lead", ""),
	):
		rows = frappe.db.sql(
			f"""select name, mobile_no, phone from `tab{doctype}`
			where (regexp_replace(ifnull(mobile_no, ''), '[^0-9]', '') like %(tail)s
				or regexp_replace(ifnull(phone, ''), '[^0-9]', '') like %(tail)s) {where}
			order by modified desc limit 50""",
			{"tail": f"%{digits}"},
			as_dict=True,
		)
		for row in rows:
			if key in (identities.phone_key(row.mobile_no), identities.phone_key(row.phone)):
				return (doctype, row.name)
	return (None, None)
