"""The cues that spot a complaint, grouped by kind, per language; and how a cue is found.

A *cue* is a phrase (whole words, any case; a word ending in `*` matches any ending: `overcharg*`
finds "overcharged") with a weight and a kind:

- complaint kinds (positive weights): **money**, **failure**, **ignored**, **feelings**,
  **leaving**, and **other** for a site's own;
- **learned**: a cue whose weight `scripts/learn_cues.py` fitted on the labelled corpus, positive
  (a sign of a complaint: set aside as a complaint cue is) or negative (a sign of an ordinary email:
  it counts wherever it stands); it claims no words, counting next to and inside any other cue;
- **elsewhere** (negative weights): the message is about someone else — "our current tool";
- grammar kinds (weights unused): **negation** words cancel a cue that follows them in the same
  clause ("I'm *not* disappointed at all"); **question** words make a question count ("*Why* was I
  charged twice?"), where a cue in any other question is set aside ("What is your refund policy?").

The English list ships as data, `complaint_cues.json`: the hand-written groups and the learned
cues, with the threshold and tone weight chosen with them. A site adds a language by adding rows
with its own language code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

COMPLAINT_KINDS = ("money", "failure", "ignored", "feelings", "leaving", "other")
LEARNED = "learned"
GRAMMAR_KINDS = ("negation", "question")
KINDS = (*COMPLAINT_KINDS, LEARNED, "elsewhere", *GRAMMAR_KINDS)

# Tokens a negation word may stand before the cue it cancels ("not at all disappointed").
NEGATION_REACH = 3
# Between a negation and a cue these undo it: "never *been so* disappointed" is no praise.
INTENSIFIERS = frozenset({"so", "more", "this", "that", "as", "such", "ever", "too"})


@dataclass(frozen=True)
class Cue:
	phrase: str
	weight: float = 1.0
	kind: str = "other"
	language: str = "en"


DATA_FILE = Path(__file__).with_name("complaint_cues.json")


def shipped(data: dict | None = None) -> tuple[tuple[Cue, ...], tuple[Cue, ...], dict]:
	"""The shipped list: the hand-written cues, the learned ones, and the learned layer's
	settings (threshold, tone weight, what it was trained on)."""
	data = data or json.loads(DATA_FILE.read_text(encoding="utf-8"))
	language = data.get("language", "en")
	hand = tuple(
		Cue(phrase, group["weight"], group["kind"], language)
		for group in data["hand"]
		for phrase in group["phrases"]
	)
	learned = data.get("learned") or {}
	found = tuple(Cue(phrase, weight, LEARNED, language) for phrase, weight in learned.get("cues", ()))
	return hand, found, learned


HAND_CUES, LEARNED_CUES, LEARNED_LAYER = shipped()
ENGLISH = HAND_CUES + LEARNED_CUES
DEFAULT_CUES = ENGLISH


# Finding cues
# ------------------

# A sum of money is one word: "£612", "$1,200.50" (the word class `#amount`).
_TOKEN = re.compile(r"[£$€]\d(?:[\d,.]*\d)?|[\w'*]+(?:-[\w'*]+)*|[.!?;:,\n]|(?<=\s)-(?=\s)")
_PHRASE_WORD = re.compile(r"\.\.\.|…|[\w'*?|#]+(?:-[\w'*|#]+)*")
_SENTENCE_END = {".", "!", "?", "\n"}
_CLAUSE_END = {",", ";", ":", "-", "but", "however", "although", "though"}

# `...` in a cue stands for up to this many words of the same sentence: "was told ... but".
GAP = "..."
GAP_REACH = 6
_NUMBERS = (
	"two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty "
	"several multiple countless numerous"
)
_ORDINALS = "second third fourth fifth sixth seventh eighth ninth tenth umpteenth nth"
# `#name` in a cue stands for any one word of the class: "for the #ordinal time", "#number #period ago".
WORD_CLASSES = {
	"#number": frozenset(_NUMBERS.split()),
	"#ordinal": frozenset(_ORDINALS.split()),
	"#period": frozenset(
		"minute minutes hour hours day days week weeks fortnight fortnights month months year years".split()
	),
	"#weekday": frozenset("monday tuesday wednesday thursday friday saturday sunday".split()),
	"#month": frozenset(
		"january february march april june july august september october november december".split()
	),
	# What someone does who deals with you: "no one ... #respond" finds "nobody called back".
	"#respond": frozenset(
		"call* rang ring* answer* repl* respond* return* bother* contact* help* picks picked came come "
		"turned showed told tells explain* follow* fixed sorted acknowledg*".split()
	),
	# What a thing does when it works: "won't #work" finds "won't start", "doesn't load".
	"#work": frozenset(
		"work works working load loads loading open opens start starts print prints printing charge "
		"charging connect connecting sync syncing boot respond responding fit fits power close closes "
		"lock".split()
	),
	# A sum of money: "£40", "$1,200", "340 pounds".
	"#amount": frozenset("pounds quid dollars euros usd gbp eur".split()),
	# Whom else a customer buys from: "our old ... #vendor" is someone else's trouble.
	"#vendor": frozenset(
		"vendor* provider* supplier* system* tool* crm software platform agency host* company partner* "
		"app firm contractor* builder* installer* accountant* bookkeeper* cleaner* landlord* letting "
		"agent* broker* insurer* bank gym clinic vet practice dentist* garage venue* caterer* "
		"photographer* florist* courier* carrier* school nursery salon studio".split()
	),
}
_DIGITS = re.compile(r"^\d+$")
_DIGIT_ORDINAL = re.compile(r"^\d+(st|nd|rd|th)$")
_MONEY = re.compile(r"^[£$€]\d")


@dataclass(frozen=True)
class Token:
	word: str
	sentence: int
	clause: int


def normalise(text: str) -> str:
	return text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'").lower()


def tokens(text: str) -> tuple[list[Token], dict[int, bool]]:
	"""Words with the sentence and clause they stand in; and which sentences are questions."""
	out: list[Token] = []
	questions: dict[int, bool] = {}
	sentence = clause = 0
	for raw in _TOKEN.findall(normalise(text)):
		if raw in _SENTENCE_END:
			if raw == "?":
				questions[sentence] = True
			if out and out[-1].sentence == sentence:
				sentence += 1
				clause += 1
			continue
		if raw in _CLAUSE_END:
			clause += 1
			if raw in {",", ";", ":", "-"}:
				continue
		out.append(Token(raw.strip("'"), sentence, clause))
	return out, questions


def phrase_words(phrase: str) -> tuple[str, ...]:
	words = []
	for w in _PHRASE_WORD.findall(normalise(phrase)):
		if w in (GAP, "…"):
			words.append(GAP)
			continue
		w = w.strip("'").rstrip("?") or w
		if w:
			words.append(w)
	# A gap at either end means nothing.
	while words and words[0] == GAP:
		words.pop(0)
	while words and words[-1] == GAP:
		words.pop()
	return tuple(words)


class Index:
	"""Where each word stands in a message's tokens."""

	def __init__(self, toks: list[Token]):
		self.toks = toks
		self.words: dict[str, list[int]] = {}
		for i, tok in enumerate(toks):
			self.words.setdefault(tok.word, []).append(i)
		# Every beginning of every word: `refund*` is looked for only where some word begins so.
		self.beginnings = {w[:k] for w in self.words for k in range(1, len(w) + 1)}

	def starts(self, pattern: str) -> list[int]:
		"""Where a word matching `pattern` stands."""
		if (
			len(pattern) > 1
			and pattern.endswith("*")
			and "|" not in pattern
			and pattern[:-1] not in self.beginnings
		):
			return []
		if pattern in WORD_CLASSES or "*" in pattern or "|" in pattern:
			return [i for i, tok in enumerate(self.toks) if word_matches(pattern, tok.word)]
		return list(self.words.get(pattern, ()))


def index(toks: list[Token]) -> Index:
	return Index(toks)


def word_matches(pattern: str, word: str) -> bool:
	"""One word of a cue against one word of the message: `*` any word, `refund*` any ending,
	`late|delayed` either, `#number` a word of the class."""
	if "|" in pattern:
		return any(word_matches(p, word) for p in pattern.split("|") if p)
	if pattern == "*":
		return True
	if pattern in WORD_CLASSES:
		if pattern == "#number" and _DIGITS.match(word):
			return True
		if pattern == "#ordinal" and _DIGIT_ORDINAL.match(word):
			return True
		if pattern == "#amount" and _MONEY.match(word):
			return True
		return any(word_matches(p, word) for p in WORD_CLASSES[pattern])
	if pattern.endswith("*"):
		return word.startswith(pattern[:-1])
	if pattern.startswith("*"):
		return word.endswith(pattern[1:]) and len(word) > len(pattern)
	return word == pattern


def matches(words: tuple[str, ...], at: Index) -> list[tuple[int, ...]]:
	"""Every place the phrase `words` stands in the message, as the positions of its words: next
	to each other in one clause; across a `...` gap, up to GAP_REACH words later in the sentence.
	One (the shortest) match per start."""
	if not words:
		return []
	toks = at.toks
	found = []

	def walk(k: int, i: int, start: int, placed: tuple[int, ...]) -> tuple[int, ...] | None:
		if k == len(words):
			return placed
		if words[k] == GAP:
			for j in range(i, min(i + GAP_REACH + 1, len(toks))):
				if toks[j].sentence != toks[start].sentence:
					return None
				got = walk(k + 1, j, start, placed)
				if got:
					return got
			return None
		if i >= len(toks) or not word_matches(words[k], toks[i].word):
			return None
		if placed and words[k - 1] != GAP and toks[i].clause != toks[placed[-1]].clause:
			return None
		return walk(k + 1, i + 1, start, (*placed, i))

	for start in at.starts(words[0]):
		got = walk(0, start, start, ())
		if got:
			found.append(got)
	return found


def occurrences(words: tuple[str, ...], toks: list[Token], at: Index | None = None) -> list[int]:
	"""Where the phrase `words` starts in `toks` (exact words, as before word forms)."""
	return [m[0] for m in matches(words, at or Index(toks))]
