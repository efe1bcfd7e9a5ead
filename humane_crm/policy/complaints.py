"""Complaints: is this inbound message a complaint, and may a reply to one go out yet?

Pure functions. The score is transparent on purpose: only the customer's own words are read
(`quoting.own_words`: no quoted history, no signature); each cue of the editable list
(`complaint_cues`) found there adds its weight once; a cue after a negation ("not disappointed at
all") or inside a plain question ("What is your refund policy?") is set aside and said so; and the
tone of the message (VADER's compound sentiment, -1 to 1) adds `-compound x sentiment weight`
when it is negative. Nothing is classified for good without a person: a score at or above the
threshold only *suggests* a complaint, and `Score.explain()` says why in one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from humane_crm.policy.complaint_cues import (
	COMPLAINT_KINDS,
	DEFAULT_CUES,
	GRAMMAR_KINDS,
	INTENSIFIERS,
	LEARNED,
	LEARNED_LAYER,
	NEGATION_REACH,
	Cue,
	index,
	matches,
	phrase_words,
	tokens,
)
from humane_crm.policy.quoting import own_words
from humane_crm.policy.templates import text_of

# Chosen with the learned cues on the labelled corpus (scripts/learn_cues.py; complaint_cues.json).
DEFAULT_THRESHOLD = float(LEARNED_LAYER.get("threshold", 2.0))
DEFAULT_SENTIMENT_WEIGHT = float(LEARNED_LAYER.get("sentiment_weight", 3.0))
# A warm tone takes from the score this share of what the same hostile tone adds: thanks and praise
# are evidence of an ordinary email, fitted with the learned cues (0: a warm tone counts nothing).
WARM_SHARE = float(LEARNED_LAYER.get("warm_share", 0.0))
# The explanation names this many learned cues of a message, the strongest; then how many more.
LEARNED_SHOWN = 6
# A reply needs at least this many characters of the sender's own words beyond any template.
MIN_OWN_WORDS = 20
# A cue with a wildcard, a choice, a word class or a gap: the explanation shows the words found.
_PATTERN = re.compile(r"[*|#]|\.\.\.|…")
_REPLY_SUBJECT = re.compile(r"^\s*(re|aw|sv|vs|antw|fw|fwd|wg|tr|rv|r)\s*(\[\d+\])?\s*:", re.I)
# A greeting line: whom the email is addressed to ("Dear Hiring Manager,", "Hi Priya,", "Hello team,").
_GREETING = re.compile(
	r"^\s*(dear|hi|hello|hey|hiya|good morning|good afternoon|good evening|to)\b[ ,]*(.*?)[ ,:!]*$", re.I
)
_ADDRESSEES = frozenset("all team there everyone folks sir madam or and whom it may concern the".split())
# A title block at the end without a sign-off: short lines of capitalised words, a phone, an address.
_TITLE_LINE = re.compile(r"^[\w&'./@+()\- ,|]{1,60}$")
_TITLE_WORDS = 6
# Who is spoken to: a sentence with one of these is about us, and ends a story about someone else.
_TO_US = frozenset("you your yours you're you've you'd you'll yourself yourselves".split())
# An elsewhere cue that says whose story it is — the writer's own ("my mistake", "I forgot") or
# another company's ("our current provider", "competitors") — speaks for the sentences after it too.
_FIRST_PERSON = frozenset("i i've i'm i'd my we we've we're our me myself ourselves".split())
# A turn in the story: what comes after it in the sentence is told again ("…, but yours").
_CONTRAST = frozenset("but however yet".split())
_OTHER_PARTY = frozenset(
	"current currently previous former old present other another competitor* switching moving #vendor "
	"friend friends neighbour neighbours colleague colleagues sister brother".split()
)


@dataclass(frozen=True)
class Found:
	phrase: str
	kind: str
	weight: float
	words: str = ""  # what the message said, where the cue is a pattern ("no one … answered")

	@property
	def shown(self) -> str:
		return self.words or self.phrase


@dataclass(frozen=True)
class SetAside:
	phrase: str
	kind: str
	why: str  # "negation" (after `word`), "question", or "elsewhere" (in a sentence with `word`)
	word: str = ""


@dataclass(frozen=True)
class Score:
	value: float
	matched: tuple[str, ...]  # the cues that counted, in the order of the cue list
	threshold: float
	found: tuple[Found, ...] = ()
	set_aside: tuple[SetAside, ...] = ()
	sentiment: float = 0.0  # VADER's compound score of the own words, -1 (hostile) to 1 (warm)
	sentiment_points: float = 0.0
	language: str = "en"

	@property
	def suggests_complaint(self) -> bool:
		return any(f.weight > 0 for f in self.found) and self.value >= self.threshold

	def explain(self, say=str) -> str:
		"""One line: the cues found, their kinds, the sentiment, and what was set aside. `say`
		translates the words of the sentence (the Frappe layer passes `_`)."""
		parts = []
		for kind in dict.fromkeys(f.kind for f in self.found):
			found = [f for f in self.found if f.kind == kind]
			if kind == LEARNED:  # the strongest first; past a few, how many more and what they add
				found.sort(key=lambda f: -abs(f.weight))
			cues = ", ".join(f"“{f.shown}” {f.weight:+g}" for f in found[:LEARNED_SHOWN])
			if len(found) > LEARNED_SHOWN:
				rest = round(sum(f.weight for f in found[LEARNED_SHOWN:]), 2)
				cues += " " + say("and {0} more ({1})").format(len(found) - LEARNED_SHOWN, f"{rest:+g}")
			parts.append(f"{say(kind)}: {cues}")
		tone = say("sentiment {0} ({1})").format(f"{self.sentiment:+.2f}", f"{self.sentiment_points:+g}")
		line = "; ".join([*(parts or [say("no cues")]), tone])
		if self.set_aside:
			why = {
				"question": say("in a question"),
				"negation": say("after “{0}”"),
				"elsewhere": say("next to “{0}”"),
			}
			aside = ", ".join(f"“{s.phrase}” ({why[s.why].format(s.word)})" for s in self.set_aside)
			line += "; " + say("not counted: {0}").format(aside)
		return line


def normalise(text: str | None) -> str:
	"""Lower-case words, single spaces, typographic apostrophes made plain."""
	return re.sub(r"\s+", " ", text_of(text).replace("\u2019", "'").lower()).strip()


def as_cues(cues: Iterable) -> list[Cue]:
	"""Cues from Cue objects, (phrase, weight) or (phrase, weight, kind[, language]) tuples."""
	out = []
	for c in cues:
		if isinstance(c, Cue):
			out.append(c)
		else:
			phrase, weight, *rest = c
			kind = (rest[0] if rest else None) or "other"
			language = (rest[1] if len(rest) > 1 else None) or "en"
			out.append(Cue(phrase or "", float(weight or 0), kind.lower(), language.lower()))
	return out


def customer_text(body: str | None, subject: str | None = None) -> str:
	"""What the customer wrote: the subject unless it is a reply's ("Re: …", ours), and the body
	without quoted history or signature."""
	own = _without_address(own_words(body))
	if subject and subject.strip() and not _REPLY_SUBJECT.match(subject):
		return f"{subject.strip()}.\n{own}"
	return own


def _without_address(own: str) -> str:
	"""The own words without the greeting line ("Dear Hiring Manager,") and a title block ending
	them without a sign-off ("Jo Park / Office Manager / Acme Ltd"): whom the email is to, and who
	wrote it, are no part of what it says."""
	lines = own.split("\n")
	first = next((i for i, line in enumerate(lines) if line.strip()), None)
	if first is not None and _is_greeting(lines[first]):
		lines = lines[first + 1 :]
	while lines and not lines[-1].strip():
		lines.pop()
	last = len(lines)
	while last and _is_title(lines[last - 1]):
		last -= 1
	# One to four title lines, under words of the email's own.
	if 0 < len(lines) - last <= 4 and any(line.strip() for line in lines[:last]):
		lines = lines[:last]
	return "\n".join(lines).strip()


def _is_greeting(line: str) -> bool:
	found = _GREETING.match(line)
	if not found:
		return False
	if found.group(1).lower() == "to" and "concern" not in line.lower():
		return False
	words = found.group(2).split()
	return len(words) <= 4 and all(w[0].isupper() or w.lower() in _ADDRESSEES for w in words)


def _is_title(line: str) -> bool:
	text = line.strip()
	if not text or not _TITLE_LINE.match(text) or text[-1] in ".!?,":
		return False
	words = [w for w in re.split(r"[\s|,]+", text) if w]
	return len(words) <= _TITLE_WORDS and all(not w[0].isalpha() or w[0].isupper() for w in words)


def score(
	text: str | None,
	cues: Iterable = DEFAULT_CUES,
	threshold: float = DEFAULT_THRESHOLD,
	sentiment_weight: float = DEFAULT_SENTIMENT_WEIGHT,
	subject: str | None = None,
	warm_share: float = WARM_SHARE,
) -> Score:
	"""Score an inbound email body (HTML or plain) and its subject against `cues`.

	Each language's cues are tried on their own (with that language's negation and question
	words); the language that scores highest speaks."""
	own = customer_text(text, subject)
	by_language: dict[str, list[Cue]] = {}
	for cue in as_cues(cues):
		by_language.setdefault(cue.language or "en", []).append(cue)
	mood = sentiment(own)
	points = tone_points(mood, sentiment_weight, warm_share)
	best = None
	for language, listed in by_language.items() or {"en": []}.items():
		found, aside = _find(own, listed)
		aside = tuple(a for a in aside if a.kind != LEARNED)  # too many to list; they just do not count
		total = round(sum(f.weight for f in found) + points, 2)
		if best is None or total > best.value:
			best = Score(
				total, tuple(f.phrase for f in found), float(threshold), found, aside, mood, points, language
			)
	return best


def tone_points(mood: float, sentiment_weight: float, warm_share: float = WARM_SHARE) -> float:
	"""What the tone adds: a hostile tone `-mood x weight`; a warm one takes `mood x weight x share`."""
	weight = float(sentiment_weight or 0)
	return round(-mood * weight * (1 if mood < 0 else float(warm_share or 0)), 2) or 0.0


def _find(text: str, cues: list[Cue]) -> tuple[tuple[Found, ...], tuple[SetAside, ...]]:
	toks, questions = tokens(text)
	at = index(toks)

	def places(cue: Cue) -> list[tuple[int, ...]]:
		return matches(phrase_words(cue.phrase), at)

	negated_at = {m[-1] for cue in cues if cue.kind == "negation" for m in places(cue)}
	asking = {toks[m[0]].sentence for cue in cues if cue.kind == "question" for m in places(cue)}
	# A sentence that says the pain is someone else's ("our current tool") speaks for its cues, up
	# to a "but" after it ("our old supplier was late, but yours…"); one that says whose story it
	# is, the writer's or another company's, with no "but" and not speaking to us, speaks for the
	# sentences after it too, until one speaks to us ("your engineer…").
	elsewhere: dict[int, tuple[str, int]] = {}  # sentence: (the cue, where its word ends)
	to_us = {t.sentence for t in toks if t.word in _TO_US}
	last = toks[-1].sentence if toks else 0
	for cue in cues:
		if cue.kind == "elsewhere":
			for m in places(cue):
				sentence = toks[m[0]].sentence
				turn = next(
					(
						i
						for i in range(m[-1] + 1, len(toks))
						if toks[i].sentence == sentence and toks[i].word in _CONTRAST
					),
					None,
				)
				elsewhere.setdefault(sentence, (cue.phrase, len(toks) if turn is None else turn))
				if turn is None and _tells_whose(cue.phrase) and sentence not in to_us:
					for later in range(sentence + 1, last + 1):
						if later in to_us:
							break
						elsewhere.setdefault(later, (cue.phrase, len(toks)))

	# Every occurrence of every cue; longer phrases claim their words first.
	candidates = []
	learned = []
	for order, cue in enumerate(cues):
		if cue.kind in GRAMMAR_KINDS or not cue.weight:
			continue
		for m in places(cue):
			# A learned cue claims no words: it counts wherever it stands, next to any other.
			(learned if cue.kind == LEARNED else candidates).append((-len(m), order, m[0], m, cue))
	candidates.sort(key=lambda c: (c[0], c[1], c[2]))
	claimed: set[int] = set()
	counted: dict[int, tuple[Cue, tuple[int, ...]]] = {}
	aside: dict[int, SetAside] = {}
	for _len, order, start, placed, cue in candidates + learned:
		if cue.kind != LEARNED and claimed & set(placed):
			continue
		why = None
		# A learned cue against a complaint ("thanks", "could you") counts wherever it stands.
		if cue.kind in COMPLAINT_KINDS or (cue.kind == LEARNED and cue.weight > 0):
			why = (
				_negated(toks, start, negated_at)
				or _asked(toks, start, questions, asking)
				or _elsewhere(start, toks[start].sentence, elsewhere)
			)
		if cue.kind != LEARNED:
			claimed.update(placed)
		if why:
			aside.setdefault(order, SetAside(cue.phrase, cue.kind, *why))
		else:
			counted[order] = (cue, placed)
	found = tuple(
		Found(cue.phrase, cue.kind, cue.weight, _words(toks, placed) if _PATTERN.search(cue.phrase) else "")
		for cue, placed in (counted[o] for o in sorted(counted))
	)
	set_aside = tuple(aside[o] for o in sorted(aside) if o not in counted)
	return found, set_aside


def _elsewhere(start: int, sentence: int, elsewhere: dict) -> tuple[str, str] | None:
	"""A cue in a sentence (before any "but") that tells of someone else's pain."""
	phrase, until = elsewhere.get(sentence, ("", -1))
	return ("elsewhere", phrase) if start < until else None


@cache
def _tells_whose(phrase: str) -> bool:
	"""An elsewhere cue in the writer's voice ("my mistake", "I forgot", "our current …") or naming
	another company ("competitors", "switching from")."""
	words = phrase_words(phrase)
	if not words:
		return False
	first = set(words[0].split("|"))
	return bool(first & _FIRST_PERSON) or any(part in _OTHER_PARTY for w in words for part in w.split("|"))


def _words(toks, placed: tuple[int, ...]) -> str:
	"""The message's words a pattern matched, "…" where it skipped some."""
	out = [toks[placed[0]].word]
	for before, at in zip(placed, placed[1:], strict=False):
		out.extend(("…", toks[at].word) if at > before + 1 else (toks[at].word,))
	return " ".join(out)


def _negated(toks, start: int, negated_at: set[int]) -> tuple[str, str] | None:
	"""A negation word ends at most NEGATION_REACH words before the cue, in its clause, with no
	intensifier in between ("never been so disappointed" is not praise)."""
	for back in range(1, NEGATION_REACH + 1):
		i = start - back
		if i < 0 or toks[i].clause != toks[start].clause:
			return None
		if i in negated_at:
			return ("negation", toks[i].word)
		if toks[i].word in INTENSIFIERS:
			return None
	return None


def _asked(toks, start: int, questions: dict[int, bool], asking: set[int]) -> tuple[str, str] | None:
	"""A cue inside a question, unless the question is a reproach ("Why …?", "How many times …?")."""
	sentence = toks[start].sentence
	if questions.get(sentence) and sentence not in asking:
		return ("question", "")
	return None


@cache
def _analyser():
	from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

	return SentimentIntensityAnalyzer()


def sentiment(text: str) -> float:
	"""VADER's compound score of `text`: -1 (hostile) to 1 (warm); 0 for no text."""
	if not text or not text.strip():
		return 0.0
	return round(_analyser().polarity_scores(text)["compound"], 2)


@dataclass(frozen=True)
class Item:
	prompt: str
	required: bool
	ticked: bool


def missing_items(items: list[Item] | tuple[Item, ...]) -> list[str]:
	"""The required checklist items nobody has ticked yet, in order."""
	return [i.prompt for i in items if i.required and not i.ticked]


def template_only(own_chars: int | None, minimum: int = MIN_OWN_WORDS) -> bool:
	"""A reply made from a template with (almost) nothing of the sender's own."""
	return own_chars is not None and own_chars < minimum
