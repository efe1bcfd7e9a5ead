"""The cues that spot a complaint, grouped by kind, per language; and how a cue is found.

Pure data and functions, editable by anyone who can read a list. A *cue* is a phrase (whole words,
any case; a word ending in `*` matches any ending: `overcharg*` finds "overcharged") with a weight
and a kind:

- complaint kinds (positive weights): **money**, **failure**, **ignored**, **feelings**,
  **leaving**, and **other** for a site's own;
- **elsewhere** (negative weights): the message is about someone else — "our current tool";
- grammar kinds (weights unused): **negation** words cancel a cue that follows them in the same
  clause ("I'm *not* disappointed at all"); **question** words make a question count ("*Why* was I
  charged twice?"), where a cue in any other question is set aside ("What is your refund policy?").

English ships below; a site adds a language by adding rows with its own language code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COMPLAINT_KINDS = ("money", "failure", "ignored", "feelings", "leaving", "other")
GRAMMAR_KINDS = ("negation", "question")
KINDS = (*COMPLAINT_KINDS, "elsewhere", *GRAMMAR_KINDS)

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


def _cues(kind: str, weight: float, *phrases: str) -> tuple[Cue, ...]:
	return tuple(Cue(p, weight, kind, "en") for p in phrases)


# fmt: off
ENGLISH = (
	# Money: they paid and should not have, or want it back.
	*_cues("money", 3, "charged twice", "charged me twice", "double charged", "double charge", "overcharg*",
		"money back", "chargeback", "charge back", "no refund", "not been refunded", "still not refunded",
		"waste of money", "unauthorised charge*", "unauthorized charge*", "dispute the charge",
		"my money", "money returned", "return my payment", "two times", "never ordered", "never agreed",
		"never signed up", "never asked for"),
	*_cues("money", 2, "refund", "full refund", "compensation", "hidden fee*", "wrong amount", "charged again",
		"paying for nothing", "reimburse me", "paid extra", "billed me", "cost back"),
	*_cues("money", 1.5, "billed", "charged", "paid for", "i paid", "i pay", "money", "fee*"),
	# Failure: what we sold or promised did not work or did not come.
	*_cues("failure", 3, "never arrived", "never showed up", "never turned up", "never came", "never received",
		"never delivered", "never shipped", "didn't show up", "did not show up", "didn't turn up",
		"did not turn up", "no-show", "fell apart", "falling apart", "stopped working", "doesn't work",
		"does not work", "didn't work", "did not work", "not working", "isn't working", "won't turn on",
		"won't start", "defective", "faulty", "not as described", "not as advertised", "wrong item",
		"useless", "poor quality", "cancelled without", "canceled without", "messed up", "still broken",
		"keeps crashing", "keeps failing", "ruined", "dangerous", "unsafe", "nothing arrived",
		"not appeared", "hasn't appeared", "didn't finish", "did not finish", "hung up"),
	*_cues("failure", 2, "broken", "broke", "crash*", "damaged", "ripped", "leak*", "doesn't fit",
		"not arrived", "hasn't arrived", "has not arrived", "didn't arrive", "did not arrive",
		"haven't received", "have not received", "didn't receive", "did not receive", "missing",
		"without telling", "without notice", "without warning", "mistake", "wrong order", "late again",
		"failed", "error*", "down again", "delayed again", "unusable", "scratched", "dead on arrival",
		"crack*", "snapped", "peeling", "overheat*", "shuts down", "cut off", "outage*", "wrong",
		"squashed", "soaked", "hasn't moved", "not finished", "unable to", "can't even",
		"not even", "didn't even", "incorrect", "not correct"),
	*_cues("failure", 1.5, "faded", "torn", "shrank", "delayed", "late", "lost", "stained", "mold*", "mould*",
		"noise", "cancelled", "canceled", "empty", "problem*", "issue*"),
	# Ignored: we were told and did nothing, or did not answer.
	*_cues("ignored", 3, "still waiting", "still haven't", "still have not", "third time", "fourth time",
		"fifth time", "how many times", "no one answers", "nobody answers", "no one answered",
		"nobody answered", "no one replied", "nobody replied", "no one called back", "nobody called back",
		"never called back", "never got back", "never heard back", "never replied", "never answered",
		"you promised", "i was promised", "we were promised", "promised me", "ignored", "ignoring",
		"already asked", "asked you to stop", "on hold for", "runaround", "still unresolved",
		"not resolved", "hasn't been resolved", "still nothing", "per my last", "not one reply",
		"no one ever", "nobody ever", "still no", "every time i call", "many times", "same issue",
		"same problem"),
	*_cues("ignored", 2, "still not", "second time", "again and again", "no reply", "no response", "no answer",
		"didn't get back", "haven't heard", "have not heard", "no update*", "keep getting", "chasing",
		"how much longer", "weeks ago", "told you", "yet again", "once again", "once more", "nothing yet",
		"where is my", "where's my", "was told", "were told", "i was assured", "promised", "escalated",
		"further to my", "as i said", "you keep", "don't hear back", "didn't hear back", "weeks now", "months now", "days now", "nobody", "no one",
		"in a row"),
	*_cues("ignored", 1.5, "still", "again", "waiting", "waited", "every time", "last time",
		"on hold", "separate occasions"),
	*_cues("ignored", 1, "weeks", "third"),
	# Broader signs, written from how complaints are phrased in general (after the first held-out
	# set showed the list above had learnt its corpus): an expectation broken, a cost to the
	# customer, something done without asking, a remedy asked for, a person treated badly.
	*_cues("failure", 3, "not delivered", "not fixed", "isn't fixed", "still not fixed", "went wrong",
		"gone wrong", "didn't order", "did not order", "data breach", "put the phone down"),
	*_cues("failure", 2, "fault", "defect*", "glitch*", "flaw*", "impossible", "no sign", "not here",
		"supposed to", "even though", "yet to", "keeps", "constantly", "every day", "all day", "whole day",
		"day off", "without my", "without asking", "didn't want", "did not want", "fined", "from my account",
		"from my card"),
	*_cues("failure", 1.5, "bug*", "lose", "should have", "meant to", "despite", "every few", "penalty",
		"personal details", "privacy", "without any", "another customer", "replacement"),
	*_cues("failure", 1, "although", "instead of", "hours", "another", "bill", "higher", "exchange"),
	*_cues("feelings", 3, "absurd", "disrespect*", "insult*", "negligen*", "inexcusable", "humiliat*",
		"swore", "yelled", "arrogant", "thanks for nothing", "put this right", "make this right",
		"i demand", "what are you doing about", "what you are doing about", "speak to a manager",
		"someone senior"),
	*_cues("feelings", 2.5, "careless", "sloppy", "unreasonable", "blamed", "stunned", "baffled"),
	*_cues("feelings", 2, "embarrass*", "give up", "i expect", "i want to know", "fix this", "sort this out",
		"sort it out", "attitude", "blame", "escalate", "serious concern"),
	*_cues("feelings", 1.5, "afraid", "worried", "concern*", "serious", "i'd like to know", "call me back",
		"manager"),
	# Feelings: how they feel about it, in their own words.
	*_cues("feelings", 3, "furious", "ridiculous", "unacceptable", "not acceptable", "misled", "rude",
		"not impressed", "expected better", "expect better", "fed up", "appalled", "appalling", "disgusted",
		"disgraceful", "dissatisfied", "formal complaint", "pathetic", "incompetent", "unprofessional",
		"scam", "rip-off", "rip off", "ripoff", "waste of time", "sick of", "had enough", "last straw",
		"let down", "let me down", "let us down", "not good enough", "poor service", "bad service",
		"livid", "outraged", "outrageous", "lied", "shameful", "not happy", "unhappy", "not ok",
		"not okay", "not what i paid for", "beyond frustrating", "not satisfied", "unsatisfied", "unfair",
		"not fair", "i do not accept", "i don't accept", "losing patience", "lost patience", "condescending", "harassment", "shouted", "laughed at", "laugh at", "impolite", "unpolite",
		"very bad", "disappoint", "not what i'd expect", "not what i expected", "is this normal",
		"is it normal"),
	*_cues("feelings", 2.5, "disappointed", "disappointing", "disappointment", "frustrat*", "angry",
		"misleading", "complaint", "complain", "nightmare", "terrible", "awful", "horrible", "worst",
		"upset", "annoyed", "annoying", "shocking", "unbelievable", "a joke", "for nothing", "wasted",
		"tired of", "bad experience", "explain why"),
	*_cues("feelings", 1.5, "poor", "apology", "inconvenience", "stressful", "regret", "shame", "sadly",
		"unfortunately", "hopeless", "not great", "unreliable", "slow", "seriously", "explanation", "enough", "bad"),
	# Leaving: they are going, or going over our heads.
	*_cues("leaving", 3, "cancel my subscription", "cancel my account", "cancel my contract",
		"cancel my membership", "close my account", "going to my bank", "contact my bank",
		"my lawyer", "my solicitor", "my attorney", "legal action", "small claims", "trading standards",
		"consumer protection", "ombudsman", "better business bureau", "bad review", "negative review",
		"one-star", "one star", "1 star", "never again", "never order again", "never buy", "go elsewhere",
		"take my business elsewhere", "report you", "credit card company", "last order", "cancel everything",
		"not to renew", "not renew", "dispute it"),
	*_cues("leaving", 2, "leaving a review", "trustpilot", "social media", "cancel the contract",
		"end the contract", "terminate", "switching provider*", "stop emailing", "stop calling", "leave you",
		"lawyer", "solicitor", "posting about", "make it stop", "return it", "another provider", "i'm done"),
	# Elsewhere: the pain belongs to someone else — another company, the customer's own slip, a
	# figure of speech.
	*_cues("elsewhere", -4, "current tool", "current provider", "current supplier", "current vendor",
		"current system", "current solution", "current software", "current platform", "current crm",
		"previous provider", "previous supplier", "previous vendor", "old provider", "old system",
		"switching from", "moving away from", "we currently use", "our current", "competitor*",
		"other vendor*", "other provider*"),
	*_cues("elsewhere", -3, "by mistake", "my mistake", "my fault", "my bad", "worst case", "the weather",
		"i missed", "our lawyer", "our legal", "no rush", "no worries", "no pressure", "all sorted",
		"all good", "not urgent", "all fixed", "fixed now", "sorted now", "thanks for sorting",
		"refund received", "received the refund", "got the refund", "refund came through", "refund arrived"),
	# Grammar.
	*_cues("negation", 0, "not", "no", "never", "nothing", "none", "nobody", "without", "hardly",
		"neither", "nor", "cannot", "don't", "dont", "doesn't", "doesnt", "didn't", "didnt", "isn't",
		"wasn't", "aren't", "weren't", "haven't", "hasn't", "hadn't", "won't", "wouldn't", "can't",
		"couldn't", "shouldn't", "zero"),
	*_cues("question", 0, "why", "how many times", "how much longer", "how long do", "how long does it",
		"how long will", "where is my", "where's my", "when will", "when do i get", "what is going on",
		"what's going on", "is this how", "are you serious", "is it too much", "seriously", "really",
		"is it normal", "is this normal", "is anyone", "how did you", "do you even", "what are my options",
		"can someone explain"),
)
# fmt: on
DEFAULT_CUES = ENGLISH


# Finding cues
# ------------------

_TOKEN = re.compile(r"[\w'*]+(?:-[\w'*]+)*|[.!?;:,\n]|(?<=\s)-(?=\s)")
_SENTENCE_END = {".", "!", "?", "\n"}
_CLAUSE_END = {",", ";", ":", "-", "but", "however", "although", "though"}


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
	words = tuple(w.strip("'") for w in re.findall(r"[\w'*?]+(?:-[\w'*]+)*", normalise(phrase)))
	return tuple(w.rstrip("?") or w for w in words if w)


def _word_matches(pattern: str, word: str) -> bool:
	if pattern == "*":
		return True
	if pattern.endswith("*"):
		return word.startswith(pattern[:-1])
	return word == pattern


def index(toks: list[Token]) -> dict[str, list[int]]:
	"""Where each word stands in `toks`: phrases are looked up by their first word."""
	at: dict[str, list[int]] = {}
	for i, tok in enumerate(toks):
		at.setdefault(tok.word, []).append(i)
	return at


def occurrences(
	words: tuple[str, ...], toks: list[Token], at: dict[str, list[int]] | None = None
) -> list[int]:
	"""Where the phrase `words` starts in `toks`: whole words, inside one clause."""
	n = len(words)
	if not n:
		return []
	at = index(toks) if at is None else at
	first = words[0]
	if first == "*":
		starts = range(len(toks))
	elif first.endswith("*"):
		starts = sorted(i for word, places in at.items() if word.startswith(first[:-1]) for i in places)
	else:
		starts = at.get(first, ())
	found = []
	for i in starts:
		if i + n > len(toks) or toks[i + n - 1].clause != toks[i].clause:
			continue
		if all(_word_matches(words[k], toks[i + k].word) for k in range(1, n)):
			found.append(i)
	return found
