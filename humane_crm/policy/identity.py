"""Who is this? Normalised identity keys for a human.

A person is identified by keys: an email address (trimmed, lower-cased) or a phone number in
E.164. Two records that share any key are the same person. Keys are plain strings; an email key
always holds "@" and a phone key always starts with "+", so the two kinds never collide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.utils import getaddresses
from functools import lru_cache

import phonenumbers

_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
# Characters a human may type around a phone number; anything else makes it garbage.
_PHONE_CHARS = re.compile(r"^[\d\s()+\-./]+$")


def normalize_email(value: str | None) -> str | None:
	"""An email key, or None when `value` is not one email address.

	Accepts "Ana <Ana@Example.com>" as well as a bare address. A domain written fully qualified,
	with its trailing dot ("ana@example.com."), is the same mailbox as without it.
	"""
	if not value or not isinstance(value, str) or "@" not in value:
		return None
	bare = _unqualified(value.strip().lower())
	if bare and _EMAIL.match(bare):  # the common case, without the cost of a full address parse
		return bare
	parsed = getaddresses([value.strip()])
	if len(parsed) != 1:
		return None
	address = _unqualified(parsed[0][1].strip().lower())
	return address if address and _EMAIL.match(address) else None


def _unqualified(address: str) -> str | None:
	"""The address without the root dot of a fully qualified domain; None for "x@example.com..",
	whose domain has an empty label."""
	if not address.endswith("."):
		return address
	address = address[:-1]
	return None if address.endswith(".") else address


# Providers that ignore dots in an address's local part, and the domain each answers to.
_DOTS_IGNORED = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox(key: str) -> str:
	"""The mailbox an email key delivers to, as most providers deliver: without a "+tag"
	("ana+news@x.com" reaches ana@x.com), and at Gmail without the dots of the local part
	("a.na@googlemail.com" reaches ana@gmail.com). A phone key, or an address with neither, is itself.
	Deciding for the mailbox too keeps a wish from being walked around by writing the address another
	way; it can only add people to a decision, never drop one."""
	if "@" not in key:
		return key
	local, _, domain = key.rpartition("@")
	local = local.split("+", 1)[0] or local
	if domain in _DOTS_IGNORED:
		local, domain = local.replace(".", "") or local, _DOTS_IGNORED[domain]
	return f"{local}@{domain}"


def split_emails(value: str | None) -> list[str]:
	"""Email keys from a recipients field ("a@x.com, Bob <b@y.com>; c@z.com")."""
	if not value:
		return []
	out: list[str] = []
	for _name, address in getaddresses([value.replace(";", ",")]):
		key = normalize_email(address)
		if key and key not in out:
			out.append(key)
	return out


@lru_cache(maxsize=4096)  # parsing a number is the costly part of reading a record's people
def normalize_phone(value: str | None, default_region: str | None = None) -> str | None:
	"""A phone key in E.164, or None when `value` is not a possible phone number.

	`default_region` is an ISO 3166 alpha-2 code ("US", "GB"), used for national formats.
	"00" followed by a country code is read as an international prefix whatever the region.
	"""
	if not value or not isinstance(value, str):
		return None
	return _normalize_phone(value, default_region)


@lru_cache(maxsize=4096)  # a record's numbers are normalised on every send to it
def _normalize_phone(value: str, default_region: str | None) -> str | None:
	text = value.strip()
	if not text or not _PHONE_CHARS.match(text):
		return None
	compact = re.sub(r"[\s().\-/]", "", text)
	if compact.startswith("00"):
		compact = "+" + compact[2:]
	region = (default_region or "").upper() or None
	try:
		number = phonenumbers.parse(compact, None if compact.startswith("+") else region)
	except phonenumbers.NumberParseException:
		return None
	if not phonenumbers.is_possible_number(number):
		return None
	return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def person_keys(
	emails: Iterable[str | None] = (), phones: Iterable[str | None] = (), default_region: str | None = None
) -> frozenset[str]:
	"""Every valid key among the given emails and phone numbers, and the mailbox each address
	delivers to (`mailbox`): the same person however their address is written."""
	addresses = {normalize_email(e) for e in emails} - {None}
	keys = addresses | {mailbox(a) for a in addresses} | {normalize_phone(p, default_region) for p in phones}
	keys.discard(None)
	return frozenset(keys)


def is_email_key(key: str) -> bool:
	return "@" in key


@lru_cache(maxsize=4096)
def phone_time_zones(key: str) -> tuple[str, ...]:
	"""The time zones `phonenumbers` associates with a phone key (empty when unknown)."""
	try:
		number = phonenumbers.parse(key, None)
	except phonenumbers.NumberParseException:
		return ()
	from phonenumbers import timezone as pn_timezone

	zones = tuple(z for z in pn_timezone.time_zones_for_number(number) if z != "Etc/Unknown")
	return zones


def phone_zones(keys: Iterable[str]) -> frozenset[str]:
	"""Every time zone `phonenumbers` associates with the phone keys among `keys`."""
	return frozenset(zone for key in keys if not is_email_key(key) for zone in phone_time_zones(key))


def zones_text(zones: Iterable[str]) -> str | None:
	"""Zones as a person's record keeps them (`Contact Preference.phone_time_zones`): one a line,
	sorted; None for none."""
	return "\n".join(sorted(set(zones))) or None
