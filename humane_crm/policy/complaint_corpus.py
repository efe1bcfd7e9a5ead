"""How well the complaint cues do on a labelled corpus: recall, false alarms, and which emails.

Pure functions, shared by `scripts/complaint_corpus.py` (the shipped defaults, plain Python) and
`bench --site SITE humane-crm complaint-corpus` (the site's own settings). The corpus is JSON
Lines: one inbound email per line, `{"text": ..., "label": "complaint" | "not", "note": ...}`,
optionally `"subject"` and `"split"`. `tests/corpus/` holds one file per split:
`complaints.jsonl`, `complaints_tune2.jsonl`, `complaints_tune_final2.jsonl` and
`complaints_tune3.jsonl` ("tune": what the defaults were chosen on and the learned cues fitted on;
`complaints_tune_final2.jsonl` was "final-2", written blind by someone who saw neither the cues nor
the corpus and scored once, then tuned on once its misses were known), `complaints_holdout2.jsonl`
("holdout-2": written before the grievance patterns, never tuned on), `complaints_final.jsonl`
("final": written after the last change, never tuned on) and `complaints_final3.jsonl` ("final-3":
written blind, like final-2, after the last change, and scored once).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from humane_crm.policy import complaints as core

GOAL_RECALL = 0.90
GOAL_FALSE_ALARMS = 0.10
# The folder: every `complaints*.jsonl` in it. A path to one file reads that file alone.
CORPUS = Path(__file__).resolve().parents[2] / "tests" / "corpus"
TUNING = CORPUS / "complaints.jsonl"
# What the learned cues are fitted on (scripts/learn_cues.py); nothing else is.
TUNING_FILES = (
	TUNING,
	CORPUS / "complaints_tune2.jsonl",
	CORPUS / "complaints_tune_final2.jsonl",
	CORPUS / "complaints_tune3.jsonl",
)


@dataclass(frozen=True)
class Example:
	line: int
	text: str
	complaint: bool
	note: str = ""
	subject: str | None = None
	split: str = "tune"
	source: str = ""  # the file's name

	@property
	def where(self) -> str:
		return f"{self.source}:{self.line}" if self.source else f"line {self.line}"


@dataclass(frozen=True)
class Verdict:
	example: Example
	score: core.Score


@dataclass(frozen=True)
class Report:
	threshold: float
	verdicts: tuple[Verdict, ...]

	@property
	def complaints(self) -> list[Verdict]:
		return [v for v in self.verdicts if v.example.complaint]

	@property
	def others(self) -> list[Verdict]:
		return [v for v in self.verdicts if not v.example.complaint]

	@property
	def missed(self) -> list[Verdict]:
		return [v for v in self.complaints if not v.score.suggests_complaint]

	@property
	def false_alarms(self) -> list[Verdict]:
		return [v for v in self.others if v.score.suggests_complaint]

	@property
	def recall(self) -> float:
		return 1 - len(self.missed) / len(self.complaints) if self.complaints else 1.0

	@property
	def false_alarm_rate(self) -> float:
		return len(self.false_alarms) / len(self.others) if self.others else 0.0

	@property
	def splits(self) -> dict[str, Report]:
		"""The same verdicts per split, in the order the corpus lists them."""
		names = dict.fromkeys(v.example.split for v in self.verdicts)
		return {
			n: Report(self.threshold, tuple(v for v in self.verdicts if v.example.split == n)) for n in names
		}

	@property
	def meets_goal(self) -> bool:
		"""Every split meets the goal: text the defaults were not tuned on counts as much."""
		return all(
			part.recall >= GOAL_RECALL and part.false_alarm_rate <= GOAL_FALSE_ALARMS
			for part in self.splits.values()
		)


def load(path: str | Path = CORPUS) -> list[Example]:
	"""The labelled emails of one corpus file, or of every `complaints*.jsonl` in a folder (the
	tuning file first)."""
	path = Path(path)
	if path.is_dir():
		files = sorted(path.glob("complaints*.jsonl"), key=lambda f: (f.name != "complaints.jsonl", f.name))
		return [e for f in files for e in load(f)]
	examples = []
	for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
		if not line.strip():
			continue
		row = json.loads(line)
		examples.append(
			Example(
				number,
				row["text"],
				row["label"] == "complaint",
				row.get("note", ""),
				row.get("subject"),
				row.get("split", "tune"),
				path.name,
			)
		)
	return examples


def load_tuning() -> list[Example]:
	"""The tuning emails: the only ones the learned cues may be fitted on."""
	examples = [e for path in TUNING_FILES for e in load(path)]
	assert {e.split for e in examples} == {"tune"}, "a tuning file holds held-out emails"
	return examples


def evaluate(
	examples: Iterable[Example],
	cues=core.DEFAULT_CUES,
	threshold: float = core.DEFAULT_THRESHOLD,
	sentiment_weight: float = core.DEFAULT_SENTIMENT_WEIGHT,
) -> Report:
	cues = core.as_cues(cues)
	verdicts = tuple(
		Verdict(e, core.score(e.text, cues, threshold, sentiment_weight, subject=e.subject)) for e in examples
	)
	return Report(float(threshold), verdicts)


def at_threshold(report: Report, threshold: float) -> Report:
	"""The same scores read against another threshold (nothing is scored again)."""
	verdicts = tuple(Verdict(v.example, _with_threshold(v.score, threshold)) for v in report.verdicts)
	return Report(float(threshold), verdicts)


def _with_threshold(score: core.Score, threshold: float) -> core.Score:
	from dataclasses import replace

	return replace(score, threshold=float(threshold))


def figures(report: Report) -> str:
	return (
		f"recall {report.recall:.1%} ({len(report.complaints) - len(report.missed)} of "
		f"{len(report.complaints)} complaints), false alarms {report.false_alarm_rate:.1%} "
		f"({len(report.false_alarms)} of {len(report.others)} other emails) at threshold {report.threshold:g}"
	)


def render(report: Report, thresholds: Iterable[float] = (), width: int = 100) -> str:
	"""The figures, per split, a threshold table, then every missed and wrongly flagged email."""
	lines = [f"{len(report.verdicts)} emails: {figures(report)}"]
	goal = f"Goal: recall >= {GOAL_RECALL:.0%} at <= {GOAL_FALSE_ALARMS:.0%} false alarms"
	splits = report.splits
	missed = [name for name, part in splits.items() if not part.meets_goal]
	if len(splits) <= 1:
		lines.append(f"{goal} — {'does NOT meet' if missed else 'meets'} it.")
	else:
		met = [name for name in splits if name not in missed]
		verdict = f"does NOT meet it on {', '.join(missed)}" if missed else "meets it on every set"
		lines.append(f"{goal} — {verdict}" + (f" (meets it on {', '.join(met)})." if missed and met else "."))
		for name, part in splits.items():
			lines.append(
				f"  {name}: {figures(part)} — {'meets it' if part.meets_goal else 'does NOT meet it'}"
			)
	if thresholds:
		lines.append("")
		lines.append("threshold  recall  false alarms")
		for t in thresholds:
			other = at_threshold(report, t)
			mark = "  <- current" if float(t) == report.threshold else ""
			lines.append(f"{t:>9g}  {other.recall:>6.1%}  {other.false_alarm_rate:>12.1%}{mark}")
	for title, verdicts in (("Missed complaints", report.missed), ("Wrongly flagged", report.false_alarms)):
		lines.append("")
		lines.append(f"{title} ({len(verdicts)}):")
		for v in verdicts:
			lines.append(f"  {v.example.where} [{v.example.split}] {v.example.note}")
			lines.append(f"    text: {_excerpt(v.example.text, width)}")
			lines.append(f"    score {v.score.value:g}: {v.score.explain()}")
	return "\n".join(lines)


def _excerpt(text: str, width: int) -> str:
	own = core.customer_text(text)
	flat = " ".join(own.split())
	return flat if len(flat) <= width else flat[: width - 1] + "…"


@dataclass(frozen=True)
class CrossValidation:
	"""Each tuning email scored by a learned layer fitted without it (k folds)."""

	k: int
	verdicts: tuple[tuple[Example, bool], ...]  # (email, suggested)

	def figures(self, source: str | None = None) -> tuple[float, float, int, int]:
		"""Recall, false-alarm rate, complaints and other emails (of one file, if given)."""
		said = [(e, s) for e, s in self.verdicts if source in (None, e.source)]
		complaints = [s for e, s in said if e.complaint]
		others = [s for e, s in said if not e.complaint]
		return sum(complaints) / len(complaints), sum(others) / len(others), len(complaints), len(others)

	def render(self) -> str:
		recall, false_alarms, complaints, others = self.figures()
		lines = [
			f"{self.k}-fold cross-validation over the {complaints + others} tuning emails (the learned cues "
			f"fitted again on the other folds each time): recall {recall:.1%}, false alarms {false_alarms:.1%}"
		]
		for source in dict.fromkeys(e.source for e, _s in self.verdicts):
			recall, false_alarms, complaints, others = self.figures(source)
			lines.append(
				f"  {source}: recall {recall:.1%} of {complaints}, false alarms {false_alarms:.1%} of {others}"
			)
		return "\n".join(lines)


def cross_validation(examples: list[Example] | None = None, k: int = 5) -> CrossValidation:
	"""k-fold cross-validation of the learned layer on the tuning emails (about 15 s)."""
	from humane_crm.policy import complaint_learning as learning

	examples = load_tuning() if examples is None else examples
	said = learning.cross_validation(examples, k)
	return CrossValidation(k, tuple(zip(examples, said, strict=True)))
