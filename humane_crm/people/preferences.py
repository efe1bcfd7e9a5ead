"""What a person asked for, written the one way the app writes it: who set it, why, and whether the
customer did (then only a manager may relax it). Callers' values are checked here.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import get_datetime

from humane_crm.cadence import facts
from humane_crm.people import identities
from humane_crm.utils import clock, inputs

SOURCES = ("Customer", "Agent", "Import", "Unsubscribe")


def save_preference(doc, values: dict, by_the_customer: bool = False) -> None:
	"""The app's own write of a person's wishes: the only way they change.

	`by_the_customer`: the person chose this themselves (their contact choices page, their own
	message), so they may relax their own earlier choice, and no user's permission is asked."""
	doc.update(values)
	doc.flags.humane_crm_app_write = True
	if by_the_customer:
		doc.flags.by_the_customer = doc.flags.ignore_permissions = True
	doc.save()


def paused_until(value) -> str | None:
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


def opt_outs(value) -> dict[str, int]:
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
		facts.normalize_channel(c)
		for c in inputs.text_list(value, _("opt_out"), '["Call"]', _("a channel name"))
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
