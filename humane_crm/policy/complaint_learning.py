"""The learned layer of the cue list: weights for words, word stems, word pairs and a few patterns
of how a complaint is told, fitted on labelled emails by a plain logistic regression.

Pure Python and deterministic (no numpy): `scripts/learn_cues.py` runs it on the tuning files and
writes what it learns into `complaint_cues.json` as cues of kind *learned* — rows an admin reads
and edits like any other. The model is the score itself: the hand-written cues' sum (as found,
with negation, questions and *elsewhere* applied), the tone, and each learned cue found:

	logit = a × hand cues + c × hostile tone + d × warm tone + Σ w × learned cue found + b

Divided by `a`, it is in the cue list's own units: each learned cue's weight is `w / a`, the tone
weight `c / a`, a warm tone's share of it `d / c` (a warm tone takes from the score: `d` is held at
or below zero), and the threshold where the model's probability reaches `CONFIDENCE`. The learned
weights are shrunk hard (L2), a cue must stand in `MIN_EMAILS` training emails, and a cue whose
weight ends below `MIN_WEIGHT` is dropped before the last fit: stems that recur, not rare words. A
cue against a complaint counts wherever it is found (the scorer sets aside only cues for one), so
it is fitted that way: once its side is known, it is fitted again with every place it stands.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from functools import cache

from humane_crm.policy import complaints as core
from humane_crm.policy.complaint_cues import HAND_CUES, LEARNED, Cue, phrase_words, tokens, word_matches

# Chosen by 5-fold cross-validation on the tuning files (scripts/complaint_corpus.py prints it).
L2 = 0.003  # per email: how hard the learned weights are pulled to zero
MIN_EMAILS = 4  # a learned cue stands in at least this many training emails
MIN_WEIGHT = 0.2  # smaller learned weights are dropped (in cue units)
CONFIDENCE = 0.45  # the threshold: where the fitted probability of a complaint reaches this
STEPS = 250
SEED = 15
# Words too common to mean anything on their own (they still count in pairs: "had to", "no one").
STOP = frozenset(
	"the a an and or of to in on at for with by from as is are be it its this that these those so "
	"if than then also just which who what when where how will would can could should may might do "
	"does did have has had was were been am i me he she they them his her their there here into "
	"about up out over all any some very too get got one".split()
)
SUFFIXES = ("ations", "ation", "ments", "ment", "ingly", "ings", "ing", "edly", "ed", "ers", "er", "ies")
SUFFIXES += ("es", "s", "ly", "ness", "ful", "al", "e")
# How complaints are told, as patterns whose weights are learned with the words: the customer's
# own sum of money, time that passed, a person of ours who did not do something, a cost to them.
PATTERNS = (
	"#amount",
	"#number #period",
	"#weekday",
	"#month",
	"you|your ... didn't|never|wasn't|weren't|hasn't|haven't|hadn't|couldn't|won't|forgot|failed|missed",
	"i|we had to",
	"i|we have|had no",
	"there was|is no",
	"was|were not",
	"still no|not",
)


def stem(word: str) -> str:
	"""A crude stem: `arrived`, `arrive` and `arrival` all begin `arriv`."""
	for suffix in SUFFIXES:
		if word.endswith(suffix) and len(word) - len(suffix) >= 4:
			if suffix == "s" and word.endswith(("ss", "us", "is")):
				return word  # "class", "status", "analysis" are no plurals
			return word[: -len(suffix)]
	return word


def candidates(texts: list[str], taken: tuple[Cue, ...] = HAND_CUES) -> list[str]:
	"""Cue phrases worth a weight, from the words of `texts`: a stem (`deliver*`) for a word of four
	letters or more, the word itself below; adjacent pairs; the patterns. Not a phrase of `taken`,
	nor a word one of its one-word cues finds already, nor a name (a word never written in lower case)."""
	lower = {w for text in texts for w in re.findall(r"[\w']+", text) if w.islower()}
	single = [c.phrase for c in taken if len(phrase_words(c.phrase)) == 1]
	phrases = {c.phrase for c in taken}

	@cache
	def usable(word: str) -> bool:
		return _plain(word) and word in lower and not any(word_matches(p, word) for p in single)

	seen: dict[str, int] = {}
	for text in texts:
		toks, _questions = tokens(text)
		found = set()
		for i, tok in enumerate(toks):
			w = tok.word
			if not _plain(w) or w not in lower:
				continue
			if w not in STOP and usable(w):
				found.add(f"{stem(w)}*" if len(w) >= 4 else w)
			nxt = toks[i + 1] if i + 1 < len(toks) else None
			if nxt and nxt.clause == tok.clause and _plain(nxt.word) and nxt.word in lower:
				found.add(f"{w} {nxt.word}")
		for phrase in found:
			seen[phrase] = seen.get(phrase, 0) + 1
	words = sorted(p for p, n in seen.items() if n >= 2)
	return [p for p in (*PATTERNS, *words) if p not in phrases]


def _plain(word: str) -> bool:
	return word.isascii() and word.replace("'", "").replace("-", "").isalpha()


@dataclass(frozen=True)
class Row:
	hand: float  # the hand-written cues' sum
	hostile: float  # -VADER compound when negative, else 0
	warm: float  # VADER compound when positive, else 0
	present: frozenset[int]  # which candidate cues were found (and not set aside)
	anywhere: frozenset[int]  # which were found, set aside or not (a cue against counts anywhere)
	hand_positive: bool  # a hand-written cue with a positive weight was found
	complaint: bool


def featurize(examples, phrases: list[str], hand: tuple[Cue, ...] = HAND_CUES) -> list[Row]:
	"""Each email's own words read by the scorer itself, with every candidate as a learned cue."""
	probes = [*hand, *(Cue(p, 1.0, LEARNED) for p in phrases)]
	where = {p: i for i, p in enumerate(phrases)}
	rows = []
	for e in examples:
		own = core.customer_text(e.text, e.subject)
		found, aside = core._find(own, probes)
		mood = core.sentiment(own)
		present = frozenset(where[f.phrase] for f in found if f.kind == LEARNED)
		rows.append(
			Row(
				sum(f.weight for f in found if f.kind != LEARNED),
				-mood if mood < 0 else 0.0,
				mood if mood > 0 else 0.0,
				present,
				present | {where[a.phrase] for a in aside if a.kind == LEARNED},
				any(f.weight > 0 for f in found if f.kind != LEARNED),
				e.complaint,
			)
		)
	return rows


@dataclass(frozen=True)
class Layer:
	cues: tuple[tuple[str, float], ...]  # (phrase, weight) in cue units
	threshold: float
	sentiment_weight: float
	warm_share: float = 0.0

	def value(self, row: Row, phrases: list[str]) -> tuple[float, bool]:
		"""The score the scorer gives this email, and whether a cue of positive weight counted."""
		weights = dict(self.cues)
		learned = [w for j in row.anywhere if (w := weights.get(phrases[j], 0)) < 0 or j in row.present]
		tone = core.tone_points(row.warm - row.hostile, self.sentiment_weight, self.warm_share)
		return round(row.hand + sum(learned) + tone, 2), row.hand_positive or any(w > 0 for w in learned)

	def suggests(self, row: Row, phrases: list[str]) -> bool:
		value, positive = self.value(row, phrases)
		return positive and value >= self.threshold


def seen(row: Row, against: frozenset[int]) -> frozenset[int]:
	"""The cues an email has: a cue for a complaint where it was not set aside, one `against`
	wherever it was found."""
	return (row.present - against) | (row.anywhere & against)


def fit(rows: list[Row], columns: list[int], against=frozenset(), l2: float | None = None, steps=None):
	"""Logistic regression by Adam on the mean log-loss; the learned weights under L2. Returns the
	weights by column, and a (the hand-written cues'), c (the hostile tone's), d (the warm tone's)
	and b (the bias)."""
	l2 = L2 if l2 is None else l2
	n = len(rows)
	at = {j: k for k, j in enumerate(columns, 4)}  # 0, 1, 2, 3: a, c, b, d
	has = [[at[j] for j in seen(row, against) if j in at] for row in rows]
	p = [0.5, 0.5, -1.0, 0.0] + [0.0] * len(columns)
	m1, m2 = [0.0] * len(p), [0.0] * len(p)
	rate, beta1, beta2 = 0.05, 0.9, 0.999
	for step in range(1, (steps or STEPS) + 1):
		grad = [0.0] * len(p)
		for row, cues in zip(rows, has, strict=True):
			z = p[2] + p[0] * row.hand + p[1] * row.hostile + p[3] * row.warm + sum(p[k] for k in cues)
			g = (_sigmoid(z) - row.complaint) / n
			grad[0] += g * row.hand
			grad[1] += g * row.hostile
			grad[2] += g
			grad[3] += g * row.warm
			for k in cues:
				grad[k] += g
		fix1, fix2 = 1 - beta1**step, 1 - beta2**step
		for k, g in enumerate(grad):
			if k >= 4:
				g += l2 * p[k]
			m1[k] = beta1 * m1[k] + (1 - beta1) * g
			m2[k] = beta2 * m2[k] + (1 - beta2) * g * g
			p[k] -= rate * (m1[k] / fix1) / (math.sqrt(m2[k] / fix2) + 1e-8)
		p[0], p[1], p[3] = max(p[0], 1e-3), max(p[1], 0.0), min(p[3], 0.0)
	return {j: p[k] for j, k in at.items()}, p[0], p[1], p[2], p[3]


def _sigmoid(z: float) -> float:
	return 1 / (1 + math.exp(-z)) if z > -30 else 0.0


def learn(rows: list[Row], phrases: list[str], l2: float | None = None) -> Layer:
	"""Fit on `rows`: cues in enough emails, fitted; those that come out against a complaint
	fitted again as counted wherever found; the small ones, and any whose side changed, dropped;
	fitted again until every cue stays on its side."""
	counts: dict[int, int] = {}
	for row in rows:
		for j in row.anywhere:
			counts[j] = counts.get(j, 0) + 1
	kept = sorted(j for j, n in counts.items() if n >= MIN_EMAILS)
	w, a, _c, _b, _d = fit(rows, kept, frozenset(), l2)
	against = frozenset(j for j in kept if w[j] < 0)
	for _round in range(5):
		w, a, c, b, d = fit(rows, kept, against, l2)
		stay = [j for j in kept if abs(w[j] / a) >= MIN_WEIGHT and (w[j] < 0) == (j in against)]
		if stay == kept:
			break
		kept, against = stay, against & set(stay)
	kept = [j for j in kept if (w[j] < 0) == (j in against)]  # on its side, as it is scored
	cues = tuple(
		sorted(
			((phrases[j], round(w[j] / a, 1)) for j in kept if round(w[j] / a, 1)),
			key=lambda cue: (-cue[1], cue[0]),
		)
	)
	threshold = (math.log(CONFIDENCE / (1 - CONFIDENCE)) - b) / a
	tone = round(c / a, 1)
	return Layer(cues, round(threshold, 1), tone, round(-d / a / tone, 2) if tone else 0.0)


def folds(rows: list[Row], k: int = 5, seed: int = SEED) -> list[list[int]]:
	"""`k` folds of the row numbers, each with its share of complaints (stratified, shuffled)."""
	shuffle = random.Random(seed)
	out: list[list[int]] = [[] for _ in range(k)]
	for label in (True, False):
		picked = [i for i, r in enumerate(rows) if r.complaint == label]
		shuffle.shuffle(picked)
		for n, i in enumerate(picked):
			out[n % k].append(i)
	return [sorted(f) for f in out]


def cross_validate(rows: list[Row], phrases: list[str], k: int = 5, seed: int = SEED) -> list[bool]:
	"""Whether each email would be suggested by a layer learned without it (k-fold: the layer
	is learned again on the other folds, its cues chosen there too)."""
	said = [False] * len(rows)
	for held in folds(rows, k, seed):
		out = set(held)
		layer = learn([r for i, r in enumerate(rows) if i not in out], phrases)
		for i in held:
			said[i] = layer.suggests(rows[i], phrases)
	return said


def learn_from(examples, hand: tuple[Cue, ...] = HAND_CUES) -> tuple[Layer, list[Row]]:
	"""The learned layer from labelled emails (the tuning files: nothing held out is read)."""
	phrases = phrases_of(examples, hand)
	rows = featurize(examples, phrases, hand)
	return learn(rows, phrases), rows


def phrases_of(examples, hand: tuple[Cue, ...] = HAND_CUES) -> list[str]:
	texts = [core.customer_text(e.text, e.subject) for e in examples]
	return candidates(texts, hand)


def cross_validation(examples, k: int = 5, seed: int = SEED) -> list[bool]:
	"""Whether each of `examples` is suggested by a layer learned on the other folds."""
	phrases = phrases_of(examples)
	return cross_validate(featurize(examples, phrases), phrases, k, seed)
