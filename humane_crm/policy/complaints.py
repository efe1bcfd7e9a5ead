"""Complaints: is this inbound message a complaint, and may a reply to one go out yet?

Pure functions. The score is transparent on purpose: the sum of the weights of the phrases found
(each counted once), compared with a threshold anyone can read and edit. Nothing is classified for
good without a person: a score above the threshold only *suggests* a complaint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from humane_crm.policy.templates import text_of

DEFAULT_PHRASES = (
	("refund", 2.0),
	("disappointed", 2.0),
	("unacceptable", 2.0),
	("still waiting", 2.0),
	("complaint", 2.0),
	("cancel my", 2.0),
	("worst", 2.0),
	("not happy", 1.5),
	("terrible", 1.5),
	("angry", 1.5),
	("frustrated", 1.5),
	("never again", 1.5),
	("broken", 1.0),
	("faded", 1.0),
	("damaged", 1.0),
	("money back", 2.0),
)
DEFAULT_THRESHOLD = 3.0
# A reply needs at least this many characters of the sender's own words beyond any template.
MIN_OWN_WORDS = 20


@dataclass(frozen=True)
class Score:
	value: float
	matched: tuple[str, ...]  # the phrases found, in the order of the phrase list
	threshold: float

	@property
	def suggests_complaint(self) -> bool:
		return bool(self.matched) and self.value >= self.threshold


def normalise(text: str | None) -> str:
	"""Lower-case words, single spaces, typographic apostrophes made plain."""
	return re.sub(r"\s+", " ", text_of(text).replace("\u2019", "'").lower()).strip()


def _pattern(phrase: str) -> re.Pattern:
	words = normalise(phrase).split(" ")
	return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)")


def score(text: str | None, phrases, threshold: float = DEFAULT_THRESHOLD) -> Score:
	"""Score `text` (HTML or plain) against (phrase, weight) pairs."""
	seen = normalise(text)
	matched, total = [], 0.0
	for phrase, weight in phrases:
		if not normalise(phrase) or phrase in matched:
			continue
		if _pattern(phrase).search(seen):
			matched.append(phrase)
			total += float(weight)
	return Score(round(total, 2), tuple(matched), float(threshold))


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
