"""The learned layer of the cue list (`complaint_learning`, `scripts/learn_cues.py`): learned cues
are rows like any other, counted next to the hand-written ones, explained in the same line; the
learning is plain, deterministic and reads only what it is given."""

from humane_crm.policy import complaint_learning as learning
from humane_crm.policy.complaint_corpus import Example, load_tuning
from humane_crm.policy.complaint_cues import (
	DEFAULT_CUES,
	LEARNED,
	LEARNED_CUES,
	LEARNED_LAYER,
	Cue,
)
from humane_crm.policy.complaints import (
	DEFAULT_SENTIMENT_WEIGHT,
	DEFAULT_THRESHOLD,
	LEARNED_SHOWN,
	WARM_SHARE,
	score,
)

NEGATION = Cue("not", 0, "negation")


def test_the_shipped_list_carries_the_learned_cues_and_the_settings_chosen_with_them():
	assert len(LEARNED_CUES) >= 100
	assert {c.kind for c in LEARNED_CUES} == {LEARNED}
	assert all(c.weight for c in LEARNED_CUES)
	assert any(c.weight > 0 for c in LEARNED_CUES) and any(c.weight < 0 for c in LEARNED_CUES)
	assert set(LEARNED_CUES) <= set(DEFAULT_CUES)
	assert (DEFAULT_THRESHOLD, DEFAULT_SENTIMENT_WEIGHT) == (
		LEARNED_LAYER["threshold"],
		LEARNED_LAYER["sentiment_weight"],
	)


def test_a_plain_fact_complaint_without_an_evaluative_word_is_suggested():
	s = score("Our photographer arrived after the ceremony had finished. We have no pictures of the vows.")
	assert s.suggests_complaint, s.explain()
	assert all(f.kind == LEARNED for f in s.found)
	assert s.explain().startswith("learned: “") and "“arrived” +" in s.explain()


def test_a_learned_cue_counts_inside_a_longer_hand_written_one():
	cues = [Cue("never arrived", 3, "failure"), Cue("arriv*", 1, LEARNED), NEGATION]
	s = score("The parcel never arrived.", cues, 1, 0)
	assert s.matched == ("never arrived", "arriv*") and s.value == 4
	assert s.explain().startswith("failure: “never arrived” +3; learned: “arrived” +1;")


def test_a_negative_learned_cue_takes_away_and_is_shown():
	cues = [Cue("late", 2, "failure"), Cue("sorry for the", -1.5, LEARNED)]
	s = score("Sorry for the late reply, Tuesday works.", cues, 1, 0)
	assert s.value == 0.5 and not s.suggests_complaint
	assert s.explain().startswith("failure: “late” +2; learned: “sorry for the” -1.5;")
	assert score("The late reply, Tuesday works.", cues, 1, 0).suggests_complaint


def test_a_learned_cue_after_a_negation_does_not_count_and_clutters_nothing():
	cues = [Cue("disappoint*", 2, LEARNED), NEGATION]
	s = score("I am not disappointed at all.", cues, 1, 0)
	assert s.value == 0 and not s.suggests_complaint
	assert "not counted" not in s.explain()


def test_tone_alone_or_negative_cues_alone_never_suggest():
	cues = [Cue("thank*", -1, LEARNED)]
	assert not score("Thanks. This is awful, awful, awful.", cues, 0.5, 3).suggests_complaint


def test_the_explanation_names_the_strongest_learned_cues_then_how_many_more():
	cues = [
		Cue(w, weight, LEARNED)
		for w, weight in zip("a b c d e f g h".split(), (1, 2, 3, 4, 5, 6, 7, 0.5), strict=True)
	]
	s = score("a b c d e f g h", cues, 1, 0)
	shown = s.explain().split(";")[0]
	assert shown.startswith("learned: “g” +7, “f” +6, “e” +5, “d” +4, “c” +3, “b” +2")
	assert shown.endswith(f"and {8 - LEARNED_SHOWN} more (+1.5)")


def test_stems_reach_other_forms_and_pairs_and_patterns_are_candidates():
	assert learning.stem("arrived") == learning.stem("arrival") == learning.stem("arrive") == "arriv"
	assert learning.stem("class") == "class"
	texts = ["Your engineer arrived late on Monday.", "The engineer arrived at 9. Thanks, Priya!"] * 2
	found = learning.candidates(texts, (Cue("late", 2, "failure"),))
	assert "engine*" in found and "arriv*" in found and "engineer arrived" in found
	assert "#weekday" in found
	assert "late" not in found and "late*" not in found  # the hand-written list has it
	assert not any(p.startswith("priya") for p in found)  # a name is no cue


def _emails(pairs):
	return [Example(i, text, complaint) for i, (text, complaint) in enumerate(pairs, 1)]


TOY = _emails(
	[(f"The {thing} arrived broken yesterday.", True) for thing in "lamp vase chair table desk".split()]
	+ [(f"The {thing} arrived, thank you so much.", False) for thing in "lamp vase chair table desk".split()]
)


def test_the_learning_gives_complaint_words_weight_for_and_thanks_weight_against_the_same_each_time():
	first, rows = learning.learn_from(TOY, hand=())
	again, _rows = learning.learn_from(TOY, hand=())
	assert first == again
	weights = dict(first.cues)
	assert weights["broken*"] > 0 and weights["yesterday*"] > 0
	assert weights["thank*"] < 0
	layer_cues = [Cue(p, w, LEARNED) for p, w in first.cues]
	for e, row in zip(TOY, rows, strict=True):
		s = score(e.text, layer_cues, first.threshold, first.sentiment_weight, warm_share=first.warm_share)
		assert s.suggests_complaint == e.complaint, s.explain()
		assert (s.value, s.suggests_complaint) == (
			first.value(row, learning.phrases_of(TOY, ()))[0],
			first.suggests(row, learning.phrases_of(TOY, ())),
		)


def test_the_fitted_model_is_the_score_the_scorer_gives():
	examples = load_tuning()[::8]
	phrases = [c.phrase for c in LEARNED_CUES]
	layer = learning.Layer(
		tuple((c.phrase, c.weight) for c in LEARNED_CUES),
		DEFAULT_THRESHOLD,
		DEFAULT_SENTIMENT_WEIGHT,
		WARM_SHARE,
	)
	for e, row in zip(examples, learning.featurize(examples, phrases), strict=True):
		s = score(e.text, subject=e.subject)
		assert layer.value(row, phrases) == (s.value, any(f.weight > 0 for f in s.found)), e.where


def test_cross_validation_scores_every_email_by_cues_fitted_without_it():
	folds = learning.folds(learning.featurize(TOY, learning.phrases_of(TOY)), k=5)
	assert sorted(i for fold in folds for i in fold) == list(range(len(TOY)))
	assert all(sum(TOY[i].complaint for i in fold) == 1 for fold in folds)  # stratified
