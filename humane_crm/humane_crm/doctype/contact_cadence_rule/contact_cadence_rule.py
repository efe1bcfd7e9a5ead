# Copyright (c) 2026, Humane CRM contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from humane_crm.cadence import rules
from humane_crm.exceptions import InvalidRuleError
from humane_crm.policy.cadence import MAX_ATTEMPTS, MAX_LOOK_BACK, length_problems, validate_rule
from humane_crm.utils import inputs


def problem_sentences() -> dict[str, str]:
	return {
		"max_below_one": _(
			"“At Most” must be at least 1 attempt; for no cap, leave both “At Most” and “Per Window Of” empty."
		),
		"max_too_large": _("“At Most” can be at most {0} attempts.").format(f"{MAX_ATTEMPTS:,}"),
		"window_too_long": _("“Per Window Of” can be at most {0} days ({1} hours).").format(
			f"{MAX_LOOK_BACK.days:,}", f"{MAX_LOOK_BACK.days * 24:,}"
		),
		"negative_gap": _("“Minimum Gap (Hours)” cannot be below zero; leave it empty for no gap."),
		"gap_too_long": _("“Minimum Gap (Hours)” can be at most {0} hours ({1} days).").format(
			f"{MAX_LOOK_BACK.days * 24:,}", f"{MAX_LOOK_BACK.days:,}"
		),
		"negative_cool_off": _("“Cool-off (Days)” cannot be below zero; leave it empty for no cool-off."),
		"cool_off_too_long": _("“Cool-off (Days)” can be at most {0} days.").format(
			f"{MAX_LOOK_BACK.days:,}"
		),
		"cap_without_window": _("A cap needs a window: set “Per Window Of” (hours or days)."),
		"empty_window": _("The window must be longer than zero."),
		"hours_incomplete": _("Allowed hours need both “Allowed From” and “Allowed To”."),
		"same_hours": _("“Allowed From” and “Allowed To” cannot be the same time."),
		"no_weekday": _("Allow at least one weekday."),
		"bad_enforcement": _("Enforcement must be Block, Warn or Allow with reason."),
		"limits_nothing": _(
			"This rule limits nothing: set a cap, a minimum gap, a cool-off, or allowed hours or days."
		),
	}


class ContactCadenceRule(Document):
	"""How often, when and on which channels a person may be contacted."""

	def validate(self):
		self.validate_statuses()
		self.refuse(self.length_problems())  # before they become durations: 10**9 days overflow one
		rule = rules.to_rule(self)
		self.allowed_from = rule.allowed_from.strftime("%H:%M") if rule.allowed_from else None
		self.allowed_to = rule.allowed_to.strftime("%H:%M") if rule.allowed_to else None
		self.refuse(validate_rule(rule))

	def length_problems(self) -> list[str]:
		return length_problems(
			max_attempts=self.max_attempts,
			window_length=self.window_length,
			unit_hours=1 if self.window_unit == "Hours" else 24,
			min_gap_hours=self.min_gap_hours,
			cool_off_days=self.cool_off_days,
		)

	def refuse(self, problems: list[str]) -> None:
		if problems:
			sentences = problem_sentences()
			frappe.throw(
				"<br>".join(sentences[p] for p in problems),
				exc=InvalidRuleError,
				title=_("This rule cannot work"),
			)

	def validate_statuses(self):
		known = set(frappe.get_all("CRM Lead Status", pluck="name")) | set(
			frappe.get_all("CRM Deal Status", pluck="name")
		)
		lines = [s.strip() for s in (self.statuses or "").splitlines() if s.strip()]
		unknown = [s for s in lines if s not in known]
		if unknown:
			frappe.throw(
				_("Unknown lead or deal status: {0}. Known statuses: {1}.").format(
					", ".join(inputs.shown(s) for s in unknown), ", ".join(sorted(known))
				),
				exc=InvalidRuleError,
				title=_("Unknown status"),
			)
		self.statuses = "\n".join(lines)
