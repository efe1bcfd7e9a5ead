"""The one cache helper for the guardrails: a value kept in Redis (and for the request), trusted
only while its table's stamp is unchanged.

A guardrail's cache may only make it stricter when stale, never looser: invalidating on doc events
alone misses direct writes, other processes and the window between clearing and committing. So the
stamp — one cheap indexed read, e.g. the row count and the latest `modified` — is read every time,
and a cached value whose stamp differs is rebuilt before it is used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import frappe


def stamped(key: str, stamp_sql: str, build: Callable[[], Any]) -> Any:
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


def forget(key: str) -> None:
	frappe.cache.delete_value(key)
	frappe.local.cache.pop(key, None)
