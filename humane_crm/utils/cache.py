"""The one cache of the guardrails: values kept in Redis (and for the request), every key named here.

Two kinds, and where their invalidation is wired:
- `kept`: settings and rules, read on every send and changed rarely. `clear` forgets every key when
  Humane CRM Settings, System Settings, a Contact Cadence Rule or an Email Template is saved or
  deleted (hooks.py), and again once that change is committed or rolled back: a decision in another
  process that refilled a key in between read the tables as they were before.
- `stamped`: what a guardrail must never see looser than it is (the known templates). The stamp —
  one cheap indexed read, e.g. the row count and the latest `modified` — is read every time, and a
  value whose stamp differs is rebuilt before it is used: a direct write no doc event sees, or
  another process, cannot leave a gate looking at a looser picture.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import frappe

AUTOMATION_USERS = "humane_crm:automation_users"
GOVERNED_RECORD_TYPES = "humane_crm:governed_record_types"
DECISION_SETTINGS = "humane_crm:decision_settings"  # the phone region and the reply window
CADENCE_RULES = "humane_crm:cadence_rules"
TEMPLATES = "humane_crm:templates"
KEYS = (AUTOMATION_USERS, GOVERNED_RECORD_TYPES, DECISION_SETTINGS, CADENCE_RULES, TEMPLATES)


def kept(key: str, build: Callable[[], Any]) -> Any:
	"""The value under `key`, built once and kept until `clear`."""
	local = frappe.local.cache
	if key not in local:
		local[key] = frappe.cache.get_value(key, build)
	return local[key]


def stamped(key: str, stamp_sql: str, build: Callable[[], Any]) -> Any:
	"""The value under `key`, trusted only while the stamp `stamp_sql` reads is unchanged."""
	stamp = tuple(str(v) for v in frappe.db.sql(stamp_sql)[0])
	local = frappe.local.cache.get(key)
	if local is not None and local[0] == stamp:
		return local[1]
	cached = frappe.cache.get_value(key)
	if cached is not None and tuple(cached[0]) == stamp:
		value = cached[1]
	else:
		value = build()
		frappe.cache.set_value(key, (stamp, value))
	frappe.local.cache[key] = (stamp, value)
	return value


def forget(*keys: str) -> None:
	"""Forget these keys (every key when none is named), in Redis and for the request."""
	for key in keys or KEYS:
		frappe.cache.delete_value(key)
		frappe.local.cache.pop(key, None)


def clear(doc=None, method=None) -> None:
	"""Doc events (hooks.py): a setting, a rule or a template changed. Forget now, and again once the
	change is committed or rolled back."""
	from humane_crm.utils import after_rollback

	forget()
	frappe.db.after_commit.add(forget)
	after_rollback.add(forget)
