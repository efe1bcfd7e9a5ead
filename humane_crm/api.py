"""Whitelisted API. Every method checks permission on the record it touches."""

from __future__ import annotations

import json

import frappe
from frappe import _

from humane_crm import clock, contact, explain, ledger, people
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
	frappe.has_permission(doctype, "read", name, throw=True)


def as_dict(verdict: contact.Verdict, doctype: str | None = None, name: str | None = None) -> dict:
	at = verdict.decision.next_allowed_at
	return {
		"allowed": verdict.allowed,
		"outcome": verdict.decision.outcome,
		"channel": verdict.channel,
		"summary": summary(verdict, doctype, name),
		"reasons": explain.reasons(verdict),
		"next_allowed_at": {
			"site": at.isoformat() if at else None,
			"agent": at.astimezone(clock.user_zone()).isoformat() if at else None,
			"person": at.isoformat() if at else None,
		},
		"keys": sorted(set().union(*(p.keys for p in verdict.people))) if verdict.people else [],
		"people": [
			{"keys": sorted(p.keys), "outcome": p.decision.outcome, "preferences": p.persons}
			for p in verdict.people
		],
	}


def summary(verdict: contact.Verdict, doctype=None, name=None) -> str:
	who = people.display_name(doctype, name) or _("this person")
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
