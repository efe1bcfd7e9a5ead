"""An address written another way to the same mailbox is the same person's (policy core)."""

from hypothesis import given
from hypothesis import strategies as st

from humane_crm.policy.identity import mailbox, normalize_email

LOCAL = st.from_regex(r"[a-z][a-z0-9]{0,10}", fullmatch=True)
DOMAIN = st.sampled_from(["example.com", "shop.io", "gmail.com", "outlook.com"])


def test_a_plus_tag_reaches_the_untagged_mailbox():
	assert mailbox("ana+news@example.com") == "ana@example.com"
	assert mailbox("ana+a+b@example.com") == "ana@example.com"


def test_gmail_ignores_dots_and_answers_for_googlemail():
	assert mailbox("a.n.a@gmail.com") == "ana@gmail.com"
	assert mailbox("A.na+x@googlemail.com".lower()) == "ana@gmail.com"
	assert mailbox("a.na@example.com") == "a.na@example.com"  # dots matter elsewhere


def test_phone_keys_and_odd_addresses_are_themselves():
	assert mailbox("+14155550199") == "+14155550199"
	assert mailbox("+tag@example.com") == "+tag@example.com"  # nothing before the tag: kept whole


@given(LOCAL, st.one_of(st.just(""), LOCAL.map(lambda t: "+" + t)), DOMAIN)
def test_the_mailbox_is_a_valid_key_and_a_fixed_point(local, tag, domain):
	key = normalize_email(f"{local}{tag}@{domain}")
	box = mailbox(key)
	assert normalize_email(box) == box
	assert mailbox(box) == box
	assert box == mailbox(f"{local}@{domain}")
