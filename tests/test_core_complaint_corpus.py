"""The shipped cues on the labelled corpus (tests/corpus/): the goal of issue 15 holds on what the
defaults were tuned on, and the held-out sets — written before the last change, never tuned on —
do no worse than when they were measured; so a change to the cues, the stripping or the scoring
that costs recall or adds false alarms fails here. `python scripts/complaint_corpus.py` prints the
same figures with every miss."""

import subprocess
import sys
from collections import Counter
from pathlib import Path

from humane_crm.policy import complaint_corpus as corpus
from humane_crm.policy.complaints import DEFAULT_CUES

ROOT = Path(__file__).resolve().parents[1]
EVERYTHING = corpus.load()
EXAMPLES = corpus.load(corpus.TUNING)
HELD_OUT = {split: [e for e in EVERYTHING if e.split == split] for split in ("holdout-2", "final")}
# The held-out figures when each set was first scored with the defaults it is tested against.
# (held-out 2 scored 37/44 and 3/44 with the first list of patterns; the second lost one.)
FLOORS = {"holdout-2": (36 / 44, 3 / 44), "final": (7 / 16, 1 / 16)}


def test_the_corpus_is_big_balanced_and_varied():
	assert len(EXAMPLES) >= 150
	labels = Counter(e.complaint for e in EXAMPLES)
	assert 0.4 <= labels[True] / len(EXAMPLES) <= 0.6
	assert all(e.note for e in EXAMPLES)
	assert len({e.text for e in EXAMPLES}) == len(EXAMPLES), "an email is in the corpus twice"
	quoted = [
		e for e in EXAMPLES if " wrote:" in e.text or "divRplyFwdMsg" in e.text or "<b>From:</b>" in e.text
	]
	assert len(quoted) >= 15
	assert {e.split for e in EXAMPLES} == {"tune"}
	assert {e.split for e in EVERYTHING} == {"tune", "holdout-2", "final"}
	assert len(HELD_OUT["holdout-2"]) >= 80 and len(HELD_OUT["final"]) >= 30
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
	assert len(no_cues.missed) > len(corpus.evaluate(EXAMPLES).missed)
	for verdict in no_cues.missed:
		assert f"{verdict.example.where} " in text


def test_the_script_prints_the_figures_with_plain_python():
	run = subprocess.run(
		[sys.executable, str(ROOT / "scripts" / "complaint_corpus.py")],
		capture_output=True,
		text=True,
		cwd=ROOT,
	)
	# Held out, the defaults miss the goal: the script says so, and exits 1.
	assert run.returncode == 1, run.stdout + run.stderr
	assert "recall" in run.stdout and "false alarms" in run.stdout
	assert "does NOT meet it on final, holdout-2 (meets it on tune)." in run.stdout
	assert "holdout-2:" in run.stdout and "final:" in run.stdout and "tune:" in run.stdout
	tuned = subprocess.run(
		[sys.executable, str(ROOT / "scripts" / "complaint_corpus.py"), "--corpus", str(corpus.TUNING)],
		capture_output=True,
		text=True,
		cwd=ROOT,
	)
	assert tuned.returncode == 0 and "meets it." in tuned.stdout, tuned.stdout + tuned.stderr
	strict = subprocess.run(
		[sys.executable, str(ROOT / "scripts" / "complaint_corpus.py"), "--threshold", "9"],
		capture_output=True,
		text=True,
		cwd=ROOT,
	)
	assert strict.returncode == 1 and "does NOT meet it" in strict.stdout
