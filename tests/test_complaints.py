"""The complaint scorer and the reply gate (pure, no database)."""

from hypothesis import given
from hypothesis import strategies as st

from humane_crm.policy.complaints import (
	DEFAULT_PHRASES,
	DEFAULT_THRESHOLD,
	Item,
	missing_items,
	score,
	template_only,
)

FADED = "I'm really disappointed, the colour ran after one wash, I want a refund"


def test_the_faded_outfit_email_is_flagged_with_its_phrases():
	s = score(FADED, DEFAULT_PHRASES, DEFAULT_THRESHOLD)
	assert s.suggests_complaint
	assert s.matched == ("refund", "disappointed")
	assert s.value == 4.0


def test_a_friendly_question_is_not_a_complaint():
	s = score("Hi! Could you tell me whether the blue coat comes in size M?", DEFAULT_PHRASES)
	assert not s.suggests_complaint and s.matched == ()


def test_phrases_match_whole_words_in_any_case_and_spacing_and_in_html():
	assert score("<p>Still\n   WAITING for my parcel</p>", [("still waiting", 1)], 1).matched == (
		"still waiting",
	)
	assert score("Refunded already, thanks", [("refund", 1)], 1).matched == ()
	assert score("I’m not happy", [("not happy", 1)], 1).matched == ("not happy",)


def test_each_phrase_counts_once():
	assert score("refund refund refund", [("refund", 2)], 1).value == 2


phrase_lists = st.lists(
	st.tuples(st.sampled_from([p for p, _w in DEFAULT_PHRASES]), st.floats(0, 5, allow_nan=False)),
	max_size=8,
	unique_by=lambda t: t[0],
)
texts = st.lists(
	st.sampled_from([p for p, _w in DEFAULT_PHRASES] + ["hello", "thanks", "coat"]), max_size=12
).map(" ".join)


@given(texts, phrase_lists, st.sampled_from([p for p, _w in DEFAULT_PHRASES]))
def test_adding_a_phrase_to_a_message_never_lowers_its_score(text, phrases, extra):
	assert score(f"{text} {extra}", phrases).value >= score(text, phrases).value


@given(texts, phrase_lists)
def test_the_score_is_the_sum_of_the_weights_of_what_matched(text, phrases):
	s = score(text, phrases)
	weights = dict(phrases)
	assert abs(s.value - round(sum(weights[p] for p in s.matched), 2)) < 1e-9
	assert set(s.matched) <= set(weights)


def test_missing_items_are_the_required_unticked_ones_in_order():
	items = [Item("Acknowledge", True, True), Item("Apologise", True, False), Item("Remedy", False, False)]
	assert missing_items(items) == ["Apologise"]


def test_a_reply_with_almost_nothing_of_the_senders_own_is_template_only():
	assert template_only(0) and template_only(19)
	assert not template_only(20) and not template_only(None)
