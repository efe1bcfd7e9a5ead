"""What install wrote down: the things it seeded once (so a migrate never seeds them again over an
admin's edits) and what it added to others' records (so uninstall removes exactly that).

Not in the settings an admin edits: rows of Frappe's DefaultValue table under the parent
"Humane CRM Settings", which uninstall removes with the settings' own values
(`uninstall.remove_settings`). Read without a cache: an uninstall and a reinstall in one process
must not see what was written before. Every read and write of them is here.
"""

from __future__ import annotations

import frappe

PARENT = "Humane CRM Settings"
# Seeded once: the default cadence rules, complaint cues and checklist, stop phrases.
RULES, COMPLAINTS, STOP_PHRASES = "default_rules_added", "complaint_defaults_added", "stop_defaults_added"
# Others' records: the roles whose Email Template permission rows are the app's own, whether Email
# Template had only its standard permissions before, and the side panels given a time zone field.
TEMPLATE_PERMISSIONS = "template_permissions_added"
TEMPLATE_PERMISSIONS_WERE_STANDARD = "template_permissions_were_standard"
SIDE_PANELS = "side_panels_seeded"
KEYS = (
	RULES,
	COMPLAINTS,
	STOP_PHRASES,
	TEMPLATE_PERMISSIONS,
	TEMPLATE_PERMISSIONS_WERE_STANDARD,
	SIDE_PANELS,
)


def done(flag: str) -> bool:
	return bool(value(flag))


def mark_done(flag: str) -> None:
	write(flag, "1")


def recorded(key: str) -> list[str]:
	"""The names written down under `key`, one per line."""
	return [n for n in (value(key) or "").split("\n") if n]


def record(key: str, names) -> None:
	write(key, "\n".join(sorted(set(names))))


def forget(*keys: str) -> None:
	for key in keys:
		write(key, None)


def value(key: str) -> str | None:
	return frappe.db.get_value("DefaultValue", {"parent": PARENT, "defkey": key}, "defvalue")


def write(key: str, text: str | None) -> None:
	frappe.db.delete("DefaultValue", {"parent": PARENT, "defkey": key})
	if text:
		frappe.db.add_default(key, text, parent=PARENT, parenttype=PARENT)
