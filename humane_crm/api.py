"""The public API: whitelisted methods for /crm, the desk, integrations and scripts. Each checks who
may ask, then asks the feature that decides.
"""

from __future__ import annotations

import frappe
from frappe import _

from humane_crm.cadence import answers, explain, facts, overrides
from humane_crm.exceptions import InvalidInputError, NoOverrideError, TooManyRecipientsError
from humane_crm.people import identities, ledger, preferences
from humane_crm.permissions import access
from humane_crm.policy import decision as core
from humane_crm.utils import clock, inputs

SUPPORTED = ("CRM Lead", "CRM Deal", "Contact")


MAX_RECIPIENTS = 10_000  # per call of check_contacts (≈ 0.6 s and a few MB of answer)


@frappe.whitelist()
def check_contact(doctype: str, name: str, channel: str = "Email") -> dict:
	"""May the person behind this lead, deal or contact be contacted on `channel` now?"""
	ensure_readable(doctype, name)
	return answers.as_dict(facts.decide_for_record(doctype, name, channel), doctype, name)


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
	paused_until = preferences.paused_until(paused_until)
	reason = inputs.text(reason, _("The reason"), required=False)
	if source not in preferences.SOURCES:
		inputs.refuse(
			_("Unknown source {0}. Use one of: {1}.").format(
				frappe.bold(inputs.shown(source)), ", ".join(preferences.SOURCES)
			),
			title=_("Unknown source"),
		)
	opt_outs = preferences.opt_outs(opt_out)
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
		doc = (
			frappe.get_doc("Contact Preference", person)
			if person
			else preferences.new_preference(keys, doctype, name)
		)
		values = {"status": status, "paused_until": paused_until, "reason": reason, "source": source}
		values.update({"reference_doctype": doctype, "reference_name": name})
		values.update({facts.CHANNEL_FIELDS[channel]: flag for channel, flag in opt_outs.items()})
		preferences.save_preference(doc, values)
	return check_contact(doctype, name, "Email")


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
			**answers.as_dict(verdict, doctype, name),
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
		**answers.as_dict(verdict, doctype, name),
	}


@frappe.whitelist()
def check_contacts(recipients: list | str, channel: str = "Email") -> list[dict]:
	"""Decide for many people at once (a mass send): one query for the whole batch.

	`recipients` are email addresses or phone numbers: a list of strings, a JSON array of them, or
	one string separated by commas; at most 10 000 per call. Each answer carries the recipient as
	given.
	"""
	frappe.has_permission("Contact Preference", "read", throw=True)
	given = inputs.text_list(
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
	return list(answers.answers_for(given, channel))
