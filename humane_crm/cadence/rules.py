"""Contact Cadence Rules as the core's `Rule`s, cached until a rule changes."""

from __future__ import annotations

import re
from datetime import time, timedelta

import frappe

from humane_crm.constants import CRM_RECORDS
from humane_crm.exceptions import InvalidRuleError
from humane_crm.policy.cadence import Rule
from humane_crm.utils import cache, inputs

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
APPLIES_TO = {
	"CRM Lead and CRM Deal": frozenset(CRM_RECORDS),
	"CRM Lead": frozenset({"CRM Lead"}),
	"CRM Deal": frozenset({"CRM Deal"}),
}


def enabled_rules() -> tuple[Rule, ...]:
	"""Every enabled rule (one small query, then kept until a rule changes: `utils.cache`)."""
	return cache.kept(cache.CADENCE_RULES, _read_rules)


def _read_rules() -> tuple[Rule, ...]:
	return tuple(to_rule(d) for d in frappe.get_all("Contact Cadence Rule", {"enabled": 1}, pluck="name"))


def to_rule(doc_or_name) -> Rule:
	doc = frappe.get_doc("Contact Cadence Rule", doc_or_name) if isinstance(doc_or_name, str) else doc_or_name
	unit = timedelta(hours=1) if doc.window_unit == "Hours" else timedelta(days=1)
	return Rule(
		name=doc.rule_name or doc.name,
		channel=doc.channel or "Any",
		max_attempts=doc.max_attempts or None,
		window=(doc.window_length * unit) if doc.window_length else None,
		min_gap=timedelta(hours=doc.min_gap_hours) if doc.min_gap_hours else None,
		cool_off=timedelta(days=doc.cool_off_days) if doc.cool_off_days else None,
		allowed_from=_time(doc.allowed_from),
		allowed_to=_time(doc.allowed_to),
		weekdays=frozenset(i for i, day in enumerate(WEEKDAYS) if doc.get(day)),
		enforcement=doc.enforcement,
		override_roles=frozenset(r.role for r in doc.override_roles or []),
		applies_to=APPLIES_TO.get(doc.applies_to, APPLIES_TO["CRM Lead and CRM Deal"]),
		statuses=frozenset(filter(None, (s.strip() for s in (doc.statuses or "").splitlines()))),
	)


def _time(value) -> time | None:
	"""'8:00', '08:00' or '08:00:00' as a time of day; None when empty."""
	value = (value or "").strip() if isinstance(value, str) else value
	if value in (None, ""):
		return None
	if isinstance(value, time):
		return value
	match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", value)
	if not match or int(match[1]) > 23 or int(match[2]) > 59:
		frappe.throw(
			frappe._(
				"“{0}” is not a time of day: write it as HH:MM on a 24-hour clock, e.g. 08:00 or 21:30."
			).format(inputs.shown(value)),
			exc=InvalidRuleError,
			title=frappe._("Not a time of day"),
		)
	return time(int(match[1]), int(match[2]))
