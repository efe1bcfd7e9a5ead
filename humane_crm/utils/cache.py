"""The one cache of the guardrails: values kept in Redis (and for the request), every key named here.

Two kinds, and where their invalidation is wired:
- `kept`: settings and rules, read on every send and changed rarely: one Redis hash, a field per
  key, read whole once per request (one round trip however many are asked). `clear` forgets it when
  Humane CRM Settings, System Settings, a Contact Cadence Rule or an Email Template is saved or
  deleted (hooks.py), and again once that change is committed or rolled back: a decision in another
  process that refilled a key in between read the tables as they were before.
  A send asks no Redis for them: its record's statement reads `KEPT_STAMP` (when each settings
  document and the rules last changed), and `kept_as_of` uses what this process holds while that
  stamp is unchanged, or rebuilds each value from the tables, read in the stamp's own transaction,
  when it changed — a rule changed without a doc event (`frappe.db.set_value`) included.
- `stamped`: what a guardrail must never see looser than it is (the known templates). The stamp —
  one cheap indexed read, e.g. the row count and the latest `modified` — is read every time, and a
  value whose stamp differs is rebuilt before it is used: a direct write no doc event sees, or
  another process, cannot leave a gate looking at a looser picture. A value is immutable for its
  stamp, so the process keeps the last one it built or read beside Redis (no round trip while the
  stamp holds).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import frappe
from redis.exceptions import ConnectionError as RedisConnectionError

KEPT = "humane_crm:kept"  # the Redis hash of every `kept` value, a field per key below
AUTOMATION_USERS = "automation_users"
GOVERNED_RECORD_TYPES = "governed_record_types"
DECISION_SETTINGS = "decision_settings"  # the phone region and the reply window
CADENCE_RULES = "cadence_rules"
TEMPLATES = "humane_crm:templates"  # stamped: a key of its own

# What this process last built or read of each stamped value, per site: (stamp, value).
_STAMPED: dict[tuple[str, str], tuple] = {}

# What this process last built or read of each kept value, per site: a hint, never a fact (`hint`).
_HINTS: dict[tuple[str, str], Any] = {}

# When the kept values' sources last changed: the settings documents (their row in Singles, on
# the (doctype, field) index) and the rules (a handful of rows; a rename changes the names' sum).
KEPT_STAMP = """select concat_ws(' ',
	(select value from `tabSingles` where doctype = 'Humane CRM Settings' and field = 'modified'),
	(select value from `tabSingles` where doctype = 'System Settings' and field = 'modified'),
	(select concat_ws(' ', count(*), max(modified), sum(crc32(name))) from `tabContact Cadence Rule`))"""

# What this process holds of the kept values, per site, and the `KEPT_STAMP` they were built under.
_AS_OF: dict[str, tuple[str, dict]] = {}


def kept(key: str, build: Callable[[], Any]) -> Any:
	"""The value under `key`, built once and kept until `clear`."""
	local = frappe.local.cache
	values = local.get(KEPT)
	if values is None:
		values = local[KEPT] = _read_kept()
	if key not in values:
		values[key] = build()
		frappe.cache.hset(KEPT, key, values[key])
		_HINTS[frappe.local.site, key] = values[key]
	return values[key]


def kept_as_of(stamp: str | None) -> None:
	"""The send path read `KEPT_STAMP` in its own statement: for this request, the kept values are
	this process's own while the stamp is the one they were built under (no Redis read), else
	each is rebuilt from the tables as this transaction sees them, and kept under the new stamp.
	(Not Redis's: a process could have refilled it before the change was committed.)"""
	if stamp is None:
		return
	mine = _AS_OF.get(frappe.local.site)
	if mine is None or mine[0] != stamp:
		mine = _AS_OF[frappe.local.site] = (stamp, {})
	frappe.local.cache[KEPT] = mine[1]


def hint(key: str) -> Any:
	"""The kept value under `key` as this request read it, else as this process last read it
	(None before it ever did), without asking Redis: for what may be wrong without harm — the
	send path's read ahead bounds its ledger read with it, and its decision, on what `kept` says,
	reads again what the bound left out (`query.Ahead.covers`)."""
	values = frappe.local.cache.get(KEPT)
	if values is not None and key in values:
		return values[key]
	return _HINTS.get((frappe.local.site, key))


def _read_kept() -> dict:
	try:
		found = frappe.cache.hgetall(KEPT)
	except RedisConnectionError:
		return {}
	values = {k.decode() if isinstance(k, bytes) else k: v for k, v in found.items()}
	_HINTS.update(((frappe.local.site, k), v) for k, v in values.items())
	return values


def stamped(key: str, stamp_sql: str, build: Callable[[], Any], stamp: str | None = None) -> Any:
	"""The value under `key`, trusted only while the stamp `stamp_sql` reads is unchanged (read
	now, or `stamp`: its one column as the caller read it in the same transaction)."""
	stamp = (stamp,) if stamp is not None else tuple(str(v) for v in frappe.db.sql(stamp_sql)[0])
	mine = _STAMPED.get((frappe.local.site, key))
	if mine is not None and mine[0] == stamp:
		return mine[1]
	cached = frappe.cache.get_value(key)
	if cached is not None and tuple(cached[0]) == stamp:
		value = cached[1]
	else:
		value = build()
		frappe.cache.set_value(key, (stamp, value))
	_STAMPED[frappe.local.site, key] = (stamp, value)
	return value


def forget() -> None:
	"""Forget every kept and stamped value, in Redis, for the request and in this process."""
	frappe.cache.delete_value([KEPT, TEMPLATES])
	frappe.local.cache.pop(KEPT, None)
	_AS_OF.pop(frappe.local.site, None)
	for held in (_STAMPED, _HINTS):
		for site_key in [k for k in held if k[0] == frappe.local.site]:
			del held[site_key]


def clear(doc=None, method=None) -> None:
	"""Doc events (hooks.py): a setting, a rule or a template changed. Forget now, and again once the
	change is committed or rolled back."""
	from humane_crm.utils import after_rollback

	forget()
	frappe.db.after_commit.add(forget)
	after_rollback.add(forget)
