"""Does a person's message ask us to stop? Pure: text and phrases in, a plain answer out.

Two kinds of phrase (Humane CRM Settings → Stop Phrases; `DEFAULT_PHRASES` when it has none):

- **Anywhere**: found anywhere in the customer's own words (quoted history and signature left out),
  as whole words, any case — "unsubscribe", "remove me", "stop calling", "don't contact me".
- **Whole message**: the words US carriers and the FCC treat as a revocation when a message says
  nothing else — STOP, QUIT, END, REVOKE, OPT OUT, CANCEL, UNSUBSCRIBE. "End" or "cancel" in a
  sentence means something else ("at the end of the month", "cancel my meeting"), so these count only
  as the whole message. A whole message of one of them on SMS or WhatsApp opts out of that channel at
  once, as carriers do.

An Anywhere phrase is set aside after a negation in its own clause ("I do *not* want to
unsubscribe"), unless the phrase itself is the negation ("don't contact me").

A phrase that names a channel ("stop calling" → Call) asks to stop that channel; any other asks to
stop all contact. Nothing here decides what happens: the shell pauses, and a human confirms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from humane_crm.policy.complaints import customer_text

ANYWHERE = "Anywhere"
WHOLE_MESSAGE = "Whole message"
KINDS = (ANYWHERE, WHOLE_MESSAGE)

FCC_WORDS = ("stop", "quit", "end", "revoke", "opt out", "cancel", "unsubscribe")

DEFAULT_PHRASES: tuple[tuple[str, str], ...] = (
	*((w, WHOLE_MESSAGE) for w in (*FCC_WORDS, "stop all", "stopall", "remove me")),
	*(
		(p, ANYWHERE)
		for p in (
			"unsubscribe",
			"opt out",
			"opt me out",
			"remove me",
			"take me off",
			"stop emailing",
			"stop e-mailing",
			"stop sending",
			"stop contacting",
			"stop calling",
			"stop texting",
			"stop messaging",
			"stop writing",
			"don't contact me",
			"do not contact me",
			"don't email me",
			"do not email me",
			"don't call me",
			"do not call me",
			"don't text me",
			"do not text me",
			"leave me alone",
			"no more emails",
			"no more calls",
		)
	),
)

# A word in a phrase that names one channel.
CHANNEL_WORDS = {
	"Email": ("email", "emails", "emailing", "e-mail", "e-mails", "e-mailing", "mail", "mails", "mailing"),
	"Call": ("call", "calls", "calling", "phone", "phoning", "ring", "ringing"),
	"SMS": ("text", "texts", "texting", "sms"),
	"WhatsApp": ("whatsapp",),
}
NEGATIONS = {"not", "don't", "dont", "never", "doesn't", "didn't", "won't", "wouldn't", "no need to"}
_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
_CLAUSE = re.compile(r"[.!?;:,\n]+")


@dataclass(frozen=True)
class Heard:
	phrase: str  # the phrase that matched, as listed
	kind: str  # ANYWHERE or WHOLE_MESSAGE
	channel: str | None  # the channel it names, or None: all contact
	words: str  # the customer's sentence it was found in, as they wrote it


def words_of(text: str) -> list[str]:
	return _WORD.findall(text.replace("\u2019", "'").lower())


def channel_named(phrase: str) -> str | None:
	words = set(words_of(phrase))
	named = [channel for channel, listed in CHANNEL_WORDS.items() if words & set(listed)]
	return named[0] if len(named) == 1 else None


def as_phrases(phrases: Iterable) -> list[tuple[tuple[str, ...], str, str]]:
	"""(words, kind, phrase as listed) for each usable phrase: (phrase, kind) pairs in."""
	out = []
	for phrase, kind in phrases:
		words = tuple(words_of(phrase or ""))
		if words:
			out.append((words, kind if kind in KINDS else ANYWHERE, (phrase or "").strip()))
	# Longer phrases first: "stop calling" speaks before "stop".
	return sorted(out, key=lambda p: -len(p[0]))


def hear(body: str | None, phrases: Iterable = DEFAULT_PHRASES, subject: str | None = None) -> Heard | None:
	"""The first phrase in the customer's own words that asks us to stop, or None."""
	listed = as_phrases(phrases)
	own = customer_text(body, subject)
	whole = words_of(own)
	for words, kind, phrase in listed:
		if kind == WHOLE_MESSAGE and tuple(whole) == words:
			return Heard(phrase, kind, channel_named(phrase), own.strip())
	for clause in _CLAUSE.split(own):
		toks = words_of(clause)
		for words, kind, phrase in listed:
			if kind != ANYWHERE:
				continue
			at = _find(toks, words)
			if at is None or _negated(toks, at, words):
				continue
			return Heard(phrase, kind, channel_named(phrase), _sentence(own, clause))
	return None


def only_word(body: str | None, phrases: Iterable = DEFAULT_PHRASES) -> Heard | None:
	"""A message that is exactly one of the Whole-message words ("STOP", "Unsubscribe."), or None."""
	found = hear(body, [(p, k) for p, k in phrases if k == WHOLE_MESSAGE])
	return found if found and found.kind == WHOLE_MESSAGE else None


def _find(toks: list[str], words: tuple[str, ...]) -> int | None:
	n = len(words)
	for i in range(len(toks) - n + 1):
		if tuple(toks[i : i + n]) == words:
			return i
	return None


def _negated(toks: list[str], at: int, words: tuple[str, ...]) -> bool:
	if words[0] in NEGATIONS or words[:2] == ("do", "not"):
		return False  # the phrase is itself the negation: "don't contact me"
	before = toks[max(0, at - 4) : at]
	return any(t in NEGATIONS for t in before)


def _sentence(text: str, clause: str) -> str:
	"""The sentence of `text` that holds `clause`, trimmed to a quotable length."""
	clause = clause.strip()
	for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
		if clause and clause in sentence:
			return sentence.strip()[:300]
	return clause[:300]
