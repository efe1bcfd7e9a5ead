"""Does a person's message ask us to stop? (pure, no database)"""

from hypothesis import given
from hypothesis import strategies as st

from humane_crm.policy.stop_words import (
	ANYWHERE,
	DEFAULT_PHRASES,
	FCC_WORDS,
	WHOLE_MESSAGE,
	channel_named,
	hear,
	only_word,
)

ASKS = (
	("Please stop emailing me.", "stop emailing", "Email"),
	("Unsubscribe", "unsubscribe", None),
	("Hi, please remove me from your list. Thanks", "remove me", None),
	("Don't contact me again", "don't contact me", None),
	("Stop calling me at work!", "stop calling", "Call"),
	("I’ve had enough — do not call me", "do not call me", "Call"),
	("How do I opt out of these?", "opt out", None),
)
NOT_ASKS = (
	"Can we meet at the end of the month?",
	"Please cancel my meeting on Thursday.",
	"I do not want to unsubscribe, just fewer emails about shoes.",
	"The bus stop is right outside the shop.",
	"Call me tomorrow, I am interested.",
	"",
)


def test_requests_to_stop_are_heard_with_their_channel_and_words():
	for text, phrase, channel in ASKS:
		heard = hear(text)
		assert heard, text
		assert (heard.phrase, heard.channel) == (phrase, channel), text
		assert heard.words in text.replace("\n", " ") or heard.words == text.strip()


def test_ordinary_sentences_are_not_requests_to_stop():
	for text in NOT_ASKS:
		assert hear(text) is None, text


def test_every_fcc_word_alone_is_a_revocation_in_any_case_with_punctuation():
	for word in FCC_WORDS:
		for shown in (word, word.upper(), f" {word.title()}. ", f"{word}!"):
			heard = only_word(shown)
			assert heard and heard.kind == WHOLE_MESSAGE, shown


def test_fcc_words_inside_a_sentence_are_not_whole_message_revocations():
	assert only_word("stop by the shop on Friday") is None
	assert only_word("END of story, I'm buying it") is None


def test_quoted_history_does_not_speak_for_the_customer():
	body = "Yes please, send the catalogue.\n\nOn Mon, 3 Feb 2026, Shop wrote:\n> Reply STOP to unsubscribe"
	assert hear(body) is None


def test_a_site_phrase_list_replaces_the_defaults():
	phrases = [("arrêtez de m'écrire", ANYWHERE), ("stop", WHOLE_MESSAGE)]
	assert hear("Merci, mais arrêtez de m'écrire.", phrases).phrase == "arrêtez de m'écrire"
	assert hear("Please stop emailing me", phrases) is None


def test_a_channel_is_named_only_when_the_phrase_names_exactly_one():
	assert channel_named("stop calling") == "Call"
	assert channel_named("stop texting") == "SMS"
	assert channel_named("don't email me") == "Email"
	assert channel_named("unsubscribe") is None


@given(st.text(max_size=200))
def test_any_text_gives_an_answer_and_never_raises(text):
	heard = hear(text, DEFAULT_PHRASES)
	assert heard is None or heard.phrase


@given(st.sampled_from([p for p, _k in DEFAULT_PHRASES if _k == ANYWHERE]), st.text("abc ", max_size=30))
def test_an_anywhere_phrase_is_heard_wherever_it_stands(phrase, filler):
	assert hear(f"{filler}. Please {phrase} now.")
