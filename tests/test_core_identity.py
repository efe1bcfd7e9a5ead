"""Identity keys: the same human, however their number or address was typed."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from humane_crm.policy.identity import (
	normalize_email,
	normalize_phone,
	person_keys,
	phone_zones,
	split_emails,
	zones_text,
)


@pytest.mark.parametrize(
	"typed",
	["(415) 555-0100", "+1 415-555-0100", "415.555.0100", "+1 (415) 555 0100", "001 415 555 0100"],
)
def test_us_formats_are_one_key(typed):
	assert normalize_phone(typed, "US") == "+14155550100"


@pytest.mark.parametrize("typed", ["0044 20 7946 0018", "+44 20 7946 0018", "+44 (0)20 7946 0018"])
def test_international_prefix_needs_no_region(typed):
	assert normalize_phone(typed, "US") == "+442079460018"
	assert normalize_phone(typed, None) == "+442079460018"


def test_national_format_uses_the_default_region():
	assert normalize_phone("020 7946 0018", "GB") == "+442079460018"
	assert normalize_phone("020 7946 0018", None) is None


@pytest.mark.parametrize("garbage", ["", "   ", "garbage", "12", "call me", "+", "555-CALL-NOW", None, 42])
def test_garbage_is_not_a_phone(garbage):
	assert normalize_phone(garbage, "US") is None


@pytest.mark.parametrize(
	"typed", ["ana@example.com", "  Ana@Example.COM ", "Ana Ruiz <ana@EXAMPLE.com>", "\tANA@example.com\n"]
)
def test_email_is_trimmed_and_lower_cased(typed):
	assert normalize_email(typed) == "ana@example.com"


@pytest.mark.parametrize(
	"garbage", ["", "ana", "ana@", "@example.com", "a@b", "a b@c.com", None, "a@x.com, b@y.com"]
)
def test_garbage_is_not_an_email(garbage):
	assert normalize_email(garbage) is None


def test_split_recipients():
	assert split_emails("Ana <Ana@Example.com>, b@x.io; junk,ana@example.com") == [
		"ana@example.com",
		"b@x.io",
	]
	assert split_emails(None) == []


def test_person_keys_drop_garbage_and_merge_formats():
	keys = person_keys(["ANA@example.com", "nope"], ["(415) 555-0100", "+1 415 555 0100", "x"], "US")
	assert keys == {"ana@example.com", "+14155550100"}


@given(st.text())
def test_never_raises_on_any_text(text):
	phone = normalize_phone(text, "US")
	email = normalize_email(text)
	assert phone is None or phone.startswith("+")
	assert email is None or ("@" in email and email == email.strip().lower())


@given(
	st.from_regex(r"[2-9][0-9]{2}[2-9][0-9]{6}", fullmatch=True),
	st.sampled_from(["{a}-{b}-{c}", "({a}) {b}-{c}", "+1 {a} {b} {c}", "{a}.{b}.{c}", "1{a}{b}{c}"]),
)
def test_any_us_number_in_any_format_is_the_same_key(digits, fmt):
	typed = fmt.format(a=digits[:3], b=digits[3:6], c=digits[6:])
	assert normalize_phone(typed, "US") == "+1" + digits


@given(st.emails())
def test_emails_are_idempotent_keys(address):
	key = normalize_email(address)
	if key is not None:
		assert normalize_email(key) == key
		assert normalize_email(key.upper()) == key


@pytest.mark.parametrize(
	"typed", ["ana@example.com.", "Ana@Example.COM.", " ana@example.com. ", "Ana <ana@example.com.>"]
)
def test_a_trailing_dot_on_the_domain_is_the_same_person(typed):
	# "example.com." is the fully qualified form of "example.com": one mailbox, one person.
	assert normalize_email(typed) == "ana@example.com"


@pytest.mark.parametrize("garbage", ["ana@example.", "ana@.", "ana@example.com..", "ana@com."])
def test_a_domain_that_is_only_a_dot_away_from_nothing_is_not_an_email(garbage):
	assert normalize_email(garbage) is None


def test_split_recipients_reads_a_trailing_dot_as_the_same_address():
	assert split_emails("ana@example.com., Ana <ANA@example.com>") == ["ana@example.com"]


@given(st.emails())
def test_a_trailing_dot_never_makes_a_new_key(address):
	key = normalize_email(address)
	if key is not None:
		assert normalize_email(address + ".") == key


def test_a_persons_phone_zones_are_their_numbers_only_and_kept_one_a_line():
	keys = ["ana@example.com", "+12125550123", "+81355551234", "+12125550199"]
	assert phone_zones(keys) == {"America/New_York", "Asia/Tokyo"}
	assert zones_text(phone_zones(keys)) == "America/New_York\nAsia/Tokyo"
	assert phone_zones(["ana@example.com", "+14150000000"]) == frozenset()  # not a number in use
	assert zones_text(()) is None


@given(st.lists(st.sampled_from(["+12125550123", "+81355551234", "+442079460018", "+61293744000"])))
def test_zones_kept_as_text_read_back_as_the_same_zones(phones):
	text = zones_text(phone_zones(phones))
	assert frozenset((text or "").split()) == phone_zones(phones)
