"""The shipped cues on the labelled corpus (tests/corpus/): the goal of issue 15 holds on what the
defaults were tuned on, the learned cues do no worse in cross-validation (fitted without the emails
they score), and the held-out sets — never tuned on — do no worse than when they were measured; so
a change to the cues, the stripping, the scoring or the learning that costs recall or adds false
alarms fails here. `python scripts/complaint_corpus.py` prints the same figures with every miss."""

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from humane_crm.policy import complaint_corpus as corpus
from humane_crm.policy.complaint_cues import LEARNED_LAYER
from humane_crm.policy.complaints import DEFAULT_CUES

ROOT = Path(__file__).resolve().parents[1]
EVERYTHING = corpus.load()
EXAMPLES = corpus.load_tuning()
HELD_OUT = {split: [e for e in EVERYTHING if e.split == split] for split in ("holdout-2", "final", "final-3")}
# The held-out figures when each set was scored with the defaults it is tested against: the
# learned cues (before them, by the hand-written list alone: 36/44 and 3/44, 7/16 and 1/16).
# (final-2, written blind and scored once at 55/60 and 8/60, is a tuning file now:
# complaints_tune_final2.jsonl.) final-3: written blind (by someone who saw neither the cues nor the
# corpus, into a folder the tuning never read) and scored once, with the defaults of 8875dd9.
FLOORS = {"holdout-2": (40 / 44, 1 / 44), "final": (15 / 16, 1 / 16), "final-3": (55 / 60, 6 / 60)}
# 5-fold cross-validation of the learned cues over the tuning emails: the goal itself.
CV_FLOOR = (0.90, 0.10)


def test_the_corpus_is_big_balanced_and_varied():
	assert len(EXAMPLES) >= 850
	assert len([e for e in EXAMPLES if e.source == "complaints_tune2.jsonl"]) >= 500
	assert len([e for e in EXAMPLES if e.source == "complaints_tune_final2.jsonl"]) == 120
	# Written for what final-2 showed: prospects on their old vendor, the writer's own slip, warm
	# thanks, titles; and complaints that name a competitor or say thanks.
	assert len([e for e in EXAMPLES if e.source == "complaints_tune3.jsonl"]) >= 120
	labels = Counter(e.complaint for e in EXAMPLES)
	assert 0.4 <= labels[True] / len(EXAMPLES) <= 0.6
	assert all(e.note for e in EXAMPLES)
	assert len({e.text for e in EXAMPLES}) == len(EXAMPLES), "an email is in the corpus twice"
	quoted = [
		e for e in EXAMPLES if " wrote:" in e.text or "divRplyFwdMsg" in e.text or "<b>From:</b>" in e.text
	]
	assert len(quoted) >= 15
	assert {e.split for e in EXAMPLES} == {"tune"}
	assert {e.split for e in EVERYTHING} == {"tune", "holdout-2", "final", "final-3"}
	assert {e for e in EVERYTHING if e.split == "tune"} == set(
		EXAMPLES
	), "a tuning email outside the tuning files"
	assert len(HELD_OUT["holdout-2"]) >= 80 and len(HELD_OUT["final"]) >= 30
	assert len(HELD_OUT["final-3"]) == 120
	for held in HELD_OUT.values():
		assert 0.4 <= sum(e.complaint for e in held) / len(held) <= 0.6
		assert all(e.note for e in held)
	texts = [" ".join(e.text.lower().split()) for e in EVERYTHING]
	assert len(set(texts)) == len(texts), "an email is in two sets"


def test_the_defaults_meet_the_goal_on_what_they_were_tuned_on():
	report = corpus.evaluate(EXAMPLES)
	assert report.meets_goal, corpus.render(report)


def test_held_out_emails_do_no_worse_than_when_measured():
	# Never tuned on: the honest figures (README). A cue list learns its corpus; these guard
	# against losing ground on text it has not seen. Floors: the figures when each was measured.
	for split, (recall, false_alarms) in FLOORS.items():
		report = corpus.evaluate(HELD_OUT[split])
		assert report.recall >= recall - 1e-9, corpus.render(report)
		assert report.false_alarm_rate <= false_alarms + 1e-9, corpus.render(report)


def test_the_report_names_what_was_missed_and_wrongly_flagged():
	no_cues = corpus.evaluate(
		EXAMPLES, cues=[c for c in DEFAULT_CUES if c.kind != "money"], sentiment_weight=0
	)
	text = corpus.render(no_cues, thresholds=(2, 3))
	assert "Missed complaints" in text and "Wrongly flagged" in text
	assert len(no_cues.missed) > len(corpus.evaluate(EXAMPLES, sentiment_weight=0).missed)
	for verdict in no_cues.missed:
		assert f"{verdict.example.where} " in text


def test_the_script_prints_the_figures_and_the_cross_validation_with_plain_python():
	run = subprocess.run(
		[sys.executable, str(ROOT / "scripts" / "complaint_corpus.py")],
		capture_output=True,
		text=True,
		cwd=ROOT,
	)
	# It exits 0: every set meets the goal.
	assert run.returncode == 0, run.stdout + run.stderr
	assert "recall" in run.stdout and "false alarms" in run.stdout
	assert "meets it on every set" in run.stdout
	assert "holdout-2:" in run.stdout and "final:" in run.stdout and "tune:" in run.stdout
	assert "final-3:" in run.stdout
	# The learned cues fitted without the emails they score: no worse than when they were learned.
	line = next(
		line
		for line in run.stdout.splitlines()
		if f"5-fold cross-validation over the {len(EXAMPLES)} tuning emails" in line
	)
	recall, false_alarms = (float(x) / 100 for x in re.findall(r"([\d.]+)%", line))
	assert recall >= CV_FLOOR[0] and false_alarms <= CV_FLOOR[1], line
	assert "complaints_tune2.jsonl: recall" in run.stdout
	assert "complaints_tune3.jsonl: recall" in run.stdout
	tuned = subprocess.run(
		[
			sys.executable,
			str(ROOT / "scripts" / "complaint_corpus.py"),
			"--corpus",
			str(corpus.TUNING),
			"--no-cv",
		],
		capture_output=True,
		text=True,
		cwd=ROOT,
	)
	assert tuned.returncode == 0 and "meets it." in tuned.stdout, tuned.stdout + tuned.stderr
	assert "cross-validation" not in tuned.stdout
	strict = subprocess.run(
		[sys.executable, str(ROOT / "scripts" / "complaint_corpus.py"), "--threshold", "9", "--no-cv"],
		capture_output=True,
		text=True,
		cwd=ROOT,
	)
	assert strict.returncode == 1 and "does NOT meet it" in strict.stdout


def test_the_shipped_learned_cues_are_what_the_tuning_files_give():
	# Deterministic, and fitted on the tuning files alone: the script rebuilds them exactly.
	run = subprocess.run(
		[sys.executable, str(ROOT / "scripts" / "learn_cues.py"), "--check"],
		capture_output=True,
		text=True,
		cwd=ROOT,
	)
	assert run.returncode == 0, run.stdout + run.stderr
	assert LEARNED_LAYER["trained_on"]["files"] == sorted(p.name for p in corpus.TUNING_FILES)
	assert LEARNED_LAYER["trained_on"]["emails"] == len(EXAMPLES)
