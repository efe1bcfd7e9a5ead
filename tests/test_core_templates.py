"""Template fingerprints, placeholders and the sender's own words (pure, no database)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from humane_crm.policy.templates import (
	PERSONAL_NOTE,
	PLACEHOLDERS_LEFT,
	UNAPPROVED,
	Template,
	check_message,
	fingerprint,
	skeleton,
	templates_used,
	text_of,
	unfilled_placeholders,
)

words = st.lists(st.from_regex(r"[A-Za-z]{1,12}", fullmatch=True), min_size=1, max_size=30)
spaces = st.sampled_from([" ", "  ", "\n", "\t", " \n "])
wrappers = st.sampled_from([("", ""), ("<b>", "</b>"), ("<p>", "</p>"), ("<span class='x'>", "</span>")])


@given(words, st.data())
def test_whitespace_and_html_changes_keep_the_fingerprint(ws, data):
	plain = " ".join(ws)
	dressed = ""
	for w in ws:
		before, after = data.draw(wrappers)
		dressed += before + w + after + data.draw(spaces)
	assert fingerprint("Hello", plain) == fingerprint("Hello", f"<div>{dressed}</div>")
	assert fingerprint("Hello", plain) == fingerprint("  Hello ", plain + "  ")


@given(words, st.data())
def test_any_word_change_changes_the_fingerprint(ws, data):
	i = data.draw(st.integers(0, len(ws) - 1))
	new = data.draw(st.from_regex(r"[A-Za-z]{1,12}", fullmatch=True).filter(lambda w: w != ws[i]))
	changed = [*ws[:i], new, *ws[i + 1 :]]
	assert fingerprint("Hello", " ".join(ws)) != fingerprint("Hello", " ".join(changed))


def test_inline_tags_inside_a_word_do_not_split_it():
	assert fingerprint("Hi", "Hello world") == fingerprint("Hi", "<b>Hel</b>lo <i>world</i>")
	assert fingerprint("Hi", "Hello world") != fingerprint("Hi", "Hello<br>world there")


def test_subject_changes_change_the_fingerprint():
	assert fingerprint("Hello", "Body") != fingerprint("Hi", "Body")


def test_entities_read_as_the_characters_they_stand_for():
	assert text_of("<p>Caf&eacute; &amp; co</p><p>next</p>") == "Café & co next"


@pytest.mark.parametrize(
	"text, left",
	[
		("Hi {{ first_name }}, thanks", ["{{ first_name }}"]),
		("<p>Hi {{first_name}}</p>", ["{{first_name}}"]),
		("{% if x %}maybe{% endif %}", ["{% if x %}", "{% endif %}"]),
		("Dear [First Name], about [Company]", ["[First Name]", "[Company]"]),
		("Dear [FIRST_NAME]", ["[FIRST_NAME]"]),
		("Dear [first_name]", ["[first_name]"]),
		("Dear &lt;&lt;Name&gt;&gt;,", ["<<Name>>"]),
		("Dear %NAME%, your %ORDER_ID%", ["%NAME%", "%ORDER_ID%"]),
	],
)
def test_unfilled_placeholders_are_named(text, left):
	assert unfilled_placeholders(text) == left


@pytest.mark.parametrize(
	"text",
	[
		"See note [1] and [2].",
		"Read the [Terms](https://example.com/terms).",
		"A 20% discount, 100% cotton.",
		"We use a < b and c > d in maths.",
		"Hi Ana, thanks for your order.",
	],
)
def test_ordinary_text_is_not_a_placeholder(text):
	assert unfilled_placeholders(text) == []


THANKS = (
	"<p>Hi {{ lead_name }},</p><p>Thank you for your visit to our store today. We hope to see you again.</p>"
)


def test_skeleton_is_the_literal_text_between_tags():
	assert skeleton(THANKS) == (
		"Hi",
		", Thank you for your visit to our store today. We hope to see you again.",
	)


def test_a_message_made_from_a_template_is_recognised_with_its_own_words():
	t = Template("Thanks", True, skeleton(THANKS))
	plain = "<p>Hi Ana Diaz,</p><p>Thank you for your visit to our store today. We hope to see you again.</p>"
	[(found, m)] = templates_used(plain, [t])
	assert found is t and m.own_chars == 0
	note = "It was lovely to talk about the blue coat."
	[(found, m)] = templates_used(plain + f"<p>{note}</p>", [t])
	assert m.own_chars == len(note) + 1  # and the space before it
	assert templates_used("<p>Hi Ana, something else entirely.</p>", [t]) == []


def test_check_message_refuses_placeholders_unapproved_templates_and_missing_notes():
	unapproved = Template("Thanks", False, skeleton(THANKS))
	needs_note = Template("Thanks", True, skeleton(THANKS), personal_note=True)
	rendered = "Hi Ana, Thank you for your visit to our store today. We hope to see you again."
	assert [p.kind for p in check_message("Hi {{ name }}", "Hello", [])] == [PLACEHOLDERS_LEFT]
	assert [p.kind for p in check_message("Thanks", rendered, [unapproved])] == [UNAPPROVED]
	[short] = check_message("Thanks", rendered + " See you!", [needs_note], min_note=40)
	assert (
		short.kind == PERSONAL_NOTE and short.facts["own"] == len(" See you!") and short.facts["needed"] == 40
	)
	long_note = " It was a pleasure to help you choose the blue coat for your trip."
	assert check_message("Thanks", rendered + long_note, [needs_note], min_note=40) == []


def test_a_template_too_short_to_recognise_matches_nothing():
	tiny = Template("Tiny", False, skeleton("Hi {{ name }}"))
	assert templates_used("Hi Ana, how are you?", [tiny]) == []
