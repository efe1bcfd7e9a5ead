"""Does a change to a person's preference relax what they asked for? Pure: plain values in."""

from __future__ import annotations

from datetime import datetime

STRICTNESS = {"Open": 0, "Paused": 1, "Do Not Contact": 2}
CUSTOMER_SOURCES = ("Customer", "Unsubscribe")
CHANNEL_FIELDS = ("opt_out_email", "opt_out_call", "opt_out_sms", "opt_out_whatsapp")


def relaxes(before: dict, after: dict) -> bool:
	"""Does `after` allow any contact that `before` refused? Pauses are compared as times
	(`datetime`s, never as the strings a caller happened to send)."""
	if STRICTNESS[after["status"]] < STRICTNESS[before["status"]]:
		return True
	if after["status"] == before["status"] == "Paused" and _earlier(
		after["paused_until"], before["paused_until"]
	):
		return True
	if after.get("source") != before.get("source") and after.get("source") not in CUSTOMER_SOURCES:
		return True
	return any(before.get(f) and not after.get(f) for f in CHANNEL_FIELDS)


def _earlier(a: datetime | None, b: datetime | None) -> bool:
	if b is None:
		return False
	return a is None or a < b
