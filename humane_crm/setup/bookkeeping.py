"""What install wrote down: the things it seeded once (so a migrate never seeds them again over an
admin's edits) and what it added to others' records (so uninstall removes exactly that).

Kept in hidden, read-only fields of Humane CRM Settings; every read and write of them is here.
"""

from __future__ import annotations

import frappe

SETTINGS = "Humane CRM Settings"
# Seeded once: the default cadence rules, complaint cues and checklist, stop phrases.
RULES, COMPLAINTS, STOP_PHRASES = "default_rules_added", "complaint_defaults_added", "stop_defaults_added"
# Others' records: the roles whose Email Template permission rows are the app's own, whether Email
# Template had only its standard permissions before, and the side panels given a time zone field.
TEMPLATE_PERMISSIONS = "template_permissions_added"
TEMPLATE_PERMISSIONS_WERE_STANDARD = "template_permissions_were_standard"
SIDE_PANELS = "side_panels_seeded"


def done(flag: str) -> bool:
	return bool(frappe.db.get_single_value(SETTINGS, flag, cache=False))


def mark_done(flag: str) -> None:
	frappe.db.set_single_value(SETTINGS, flag, 1)


def recorded(field: str) -> list[str]:
	"""The names written down under `field`, one per line."""
	value = frappe.db.get_single_value(SETTINGS, field, cache=False) or ""
	return [n for n in value.split("\n") if n]


def record(field: str, names) -> None:
	frappe.db.set_single_value(SETTINGS, field, "\n".join(sorted(set(names))))
