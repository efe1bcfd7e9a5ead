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
	*_cues("money", 1.5, "billed", "charged", "paid for", "i paid", "money", "fee|fees"),
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
		"cancelled", "canceled", "problem*", "issue*"),
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
		"personal details", "privacy", "without any", "another customer"),
	*_cues("failure", 1, "although", "instead of"),
	*_cues("feelings", 3, "absurd", "disrespect*", "insult*", "negligen*", "inexcusable", "humiliat*",
		"swore", "yelled", "arrogant", "thanks for nothing", "put this right", "make this right",
		"i demand", "what are you doing about", "what you are doing about", "speak to a manager",
		"someone senior"),
	*_cues("feelings", 2.5, "careless", "sloppy", "unreasonable", "blamed", "stunned", "baffled"),
	*_cues("feelings", 2, "embarrass*", "give up", "i expect", "fix this", "sort this out",
		"sort it out", "attitude", "blame", "escalate", "serious concern"),
	*_cues("feelings", 1.5, "afraid", "worried", "concern*", "serious", "i'd like to know", "i want to know",
		"call me back",
		"manager"),
	# Patterns of grievance rather than single words (after the held-out sets showed a list of
	# words learns its corpus): `a|b` is either word, `*ing` any word ending so, `...` up to six
	# words of the same sentence, `#name` any word of a class (WORD_CLASSES below).
	# - time that passed, and repetition
	*_cues("ignored", 3, "for the #ordinal time", "#ordinal time now", "#number times now",
		"still hasn't|can't|cannot|doesn't|don't|isn't|won't|didn't|wasn't|aren't|haven't|nothing",
		"no one ... #respond", "nobody|noone ... #respond",
		"not one ... repl*|response|call*|answer*|email|word|person|update|apology|explanation",
		"not a single ... repl*|response|call*|answer*|email|word|person|update|apology|explanation",
		"heard nothing", "have nothing", "received nothing", "got nothing", "nothing since",
		"each|every time ... different", "i've been patient", "i have been patient",
		"been more than patient", "chased", "chase up", "chasing up"),
	*_cues("ignored", 2, "#number times", "#number calls|emails|messages|texts|letters|reminders",
		"#number #period ago", "#number #period later", "#number #period and still",
		"waited|waiting over|almost|nearly #number|a #period", "waited|waiting more than #number|a",
		"still *ing",
		"it's now|already #weekday|#ordinal|#number", "it is now|already #weekday|#ordinal|#number",
		"it is now the", "it's now the", "the same ... again|twice", "same answer|reply|excuse|story",
		"another ... another", "final reminder", "still awaiting", "still outstanding",
		"yet to hear|receive|get|see", "no word", "no callback", "no call back", "nobody bothered",
		"never bothered", "unsubscrib*"),
	*_cues("ignored", 1.5, "every evening|morning|night|weekend", "it's #weekday|#ordinal",
		"#number #period now", "now #number #period", "it's|that's been #number|a #period",
		"it has been #number|a #period", "over|almost|nearly #number|a #period", "more than #number|a #period",
		"since #weekday|#month|#ordinal", "each time", "twice", "repeatedly", "reminder", "overdue",
		"outstanding", "awaiting"),
	# - an expectation broken: told, promised, advertised, paid for — and then not; what came short
	*_cues("failure", 3, "told|promised|assured|guaranteed|confirmed|said ... but|yet|instead|never|still",
		"was|were|been told|promised|assured|guaranteed ... would|will", "not what i ordered",
		"not what i asked for", "not what we ordered", "not what we asked for", "nothing like",
		"not fit for purpose", "false advertis*", "stopped|stops|keeps|kept|quit *ing", "keeps|kept on *ing",
		"won't|doesn't|didn't|can't|cannot|couldn't|isn't|wasn't|aren't #work",
		"won't|doesn't|didn't|can't|cannot|couldn't|isn't|wasn't|aren't even|really|properly #work",
		"does|did|will|is|was|are not #work", "no longer #work",
		"came|coming|come|comes|fell|falling|falls ... apart|loose|undone|unstuck", "out of pocket",
		"flimsy", "shoddy", "substandard", "cheaply made", "poorly made", "badly made", "low quality",
		"charged|billed|debited|took|taken|deducted ... twice|again|anyway|extra|without|double",
		"fall|falls|fell|falling short", "short changed", "shortchanged"),
	*_cues("failure", 2, "than advertised|described|promised|quoted|agreed|expected|ordered|stated|listed",
		"against the ... stated|advertised|promised|quoted|agreed", "supposed to be", "should have been",
		"was due", "were due", "locked out", "lost access", "worse", "well short", "went|go|gone without",
		"untouched", "not done", "wasn't done", "weren't done", "never done",
		"wasn't|weren't there before|this|yesterday|when",
		"wrong size|colour|color|item|address|amount|date|day|one|part|model|product", "pointless",
		"dumped", "left out", "left in|on|outside|at ... rain|doorstep|street|bins|gate",
		"can't|cannot|couldn't get through|hold", "price increase", "price rise", "price hike",
		"pending payment*|charge*", "not included", "left without",
		"bill|invoice|statement|premium|price ... higher|increased|doubled|tripled",
		"sent|gave|given|delivered|filled|supplied|fitted|installed ... instead of",
		"turned|showed|came|arrived|turn|show ... without",
		"charged|billed|invoiced|paying|paid for ... didn't|never|haven't|hadn't|wasn't|weren't|not"),
	*_cues("failure", 1.5, "cheap", "skipped", "guaranteed", "we pay for", "i pay for"),
	*_cues("failure", 1, "instead"),
	# - how a person was treated; a remedy asked for; distress
	*_cues("feelings", 3, "this is how you treat", "how you treat your|customers|people", "beyond a joke",
		"intolerable", "not tolerable", "out of order", "had it with", "i've had it", "shrugged",
		"couldn't care less", "didn't care", "don't care", "dismissive", "fobbed off", "brushed off",
		"palmed off", "talked|spoke over me|us", "talked|spoke down to", "patronis*", "patroniz*",
		"unhelpful", "not helpful", "no help", "deceiv*", "deceptive", "dishonest", "lying", "liars",
		"the least you could", "whoever is in charge", "person in charge", "supervisor", "getting worse",
		"steadily worse", "in tears"),
	*_cues("feelings", 2, "replace it|them|this|these",
		"like|want|need it|them|this replaced|refunded|redone|fixed",
		"want|expect ... replaced|refunded|redone|returned|reimbursed|compensated", "rectify", "rectified",
		"your proposal", "you propose", "you intend", "what are you going to do", "crying", "cried",
		"distress*", "sleepless"),
	*_cues("feelings", 1.5, "i note that", "kindly note", "i must point out", "at your earliest convenience",
		"honestly", "frankly", "take ownership", "named person"),
	*_cues("leaving", 3, "last time i|we ... book*|order*|buy|use|shop*|come|stay", "won't ... renew*",
		"not be renewing", "looking elsewhere", "look elsewhere", "shop elsewhere"),
	# Feelings: how they feel about it, in their own words.
	*_cues("feelings", 3, "furious", "ridiculous", "unacceptable", "not acceptable", "misled", "rude",
		"not impressed", "expected better", "expect better", "fed up", "appalled", "appalling", "disgusted",
		"disgraceful", "dissatisfied", "formal complaint", "pathetic", "incompetent", "unprofessional",
		"scam", "rip-off", "rip off", "ripoff", "waste of time", "sick of", "had enough", "last straw",
		"let down", "let me down", "let us down", "not good enough", "poor service", "bad service",
		"livid", "outraged", "outrageous", "lied", "shameful", "not happy", "unhappy", "not ok",
		"not okay", "not what i paid for", "beyond frustrating", "not satisfied", "unsatisfied", "unfair",
		"not fair", "i do not accept", "i don't accept", "losing patience", "lost patience", "condescending", "harassment", "shouted", "laughed at", "laugh at", "impolite", "unpolite",
		"very bad", "disappoint", "not what i'd expect", "not what i expected"),
	*_cues("feelings", 2.5, "disappointed", "disappointing", "disappointment", "frustrat*", "angry",
		"misleading", "complaint", "complain", "nightmare", "terrible", "awful", "horrible", "worst",
		"upset", "annoyed", "annoying", "shocking", "unbelievable", "a joke", "for nothing", "wasted",
		"tired of", "bad experience", "explain why"),
	*_cues("feelings", 1.5, "poor", "apology", "inconvenience", "stressful", "regret", "shame", "sadly",
		"unfortunately", "hopeless", "not great", "unreliable", "slow", "seriously", "explanation", "bad"),
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
	*_cues("elsewhere", -4, "our|my old|previous|last|former|existing|current ... #vendor", "in a good way",
		"pleasantly surprised", "no complaints", "can't complain", "not complaining"),
	*_cues("elsewhere", -3, "thank you for ... sorting|resolving|fixing|handling|dealing|solving",
		"thanks for ... sorting|resolving|fixing|handling|dealing|solving",
		"not a big deal", "no big deal", "without a hitch", "without a scratch", "without any problem*",
		"without any issue*", "getting better", "i forgot",
		"i sent|picked|chose|selected|typed|entered|put the wrong",
		"thesis", "dissertation", "research project"),
	# Grammar.
	*_cues("negation", 0, "not", "no", "never", "nothing", "none", "nobody", "without", "hardly",
		"neither", "nor", "cannot", "don't", "dont", "doesn't", "doesnt", "didn't", "didnt", "isn't",
		"wasn't", "aren't", "weren't", "haven't", "hasn't", "hadn't", "won't", "wouldn't", "can't",
		"couldn't", "shouldn't", "zero", "not that", "if", "unless", "whether", "in case", "in the event"),
	*_cues("question", 0, "why", "how many times", "how much longer", "how long do", "how long does it",
		"how long will", "where is my", "where's my", "when will", "when do i get", "what is going on",
		"what's going on", "is this how", "are you serious", "is it too much", "seriously", "really",
		"is it normal", "is this normal", "is anyone", "how did you", "do you even", "what are my options",
		"can someone explain", "how hard", "how difficult", "how is it possible", "how come",
		"what happened to", "what's the point", "what is the point", "which is it", "are you kidding",
		"what kind of", "who do i", "am i supposed", "why on earth", "is this how you",
		"how did you get"),
)
# fmt: on
DEFAULT_CUES = ENGLISH


# Finding cues
# ------------------

_TOKEN = re.compile(r"[\w'*]+(?:-[\w'*]+)*|[.!?;:,\n]|(?<=\s)-(?=\s)")
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
	# Whom else a customer buys from: "our old ... #vendor" is someone else's trouble.
	"#vendor": frozenset(
		"vendor* provider* supplier* system* tool* crm software platform agency host* company partner* "
		"app".split()
	),
}
_DIGITS = re.compile(r"^\d+$")
_DIGIT_ORDINAL = re.compile(r"^\d+(st|nd|rd|th)$")


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

	def starts(self, pattern: str) -> list[int]:
		"""Where a word matching `pattern` stands."""
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


# A new shipped list on a site that has one already
# ------------------


def upgrade(
	rows: list[tuple[str, str, str, float]],
	before: list[Cue] | tuple[Cue, ...],
	shipped: list[Cue] | tuple[Cue, ...] = DEFAULT_CUES,
) -> list[tuple[str, str, str, float]]:
	"""A site's cue rows (language, kind, phrase, weight) moved from the list the app shipped
	`before` to the one it ships now. A site still on the old list gets the new one as it is. On
	an edited list, the admin's own rows and the shipped rows they re-weighted stay as they are,
	a shipped cue they deleted stays deleted; a row still as shipped before follows the new list
	(dropped if the app dropped it, re-weighted if the app did), and cues new to the list are added.
	"""

	def key(language, kind, phrase):
		return ((language or "en").lower(), (kind or "other").lower(), phrase)

	old = {key(c.language, c.kind, c.phrase): float(c.weight) for c in before}
	new = {key(c.language, c.kind, c.phrase): float(c.weight) for c in shipped}
	as_rows = [(c.language, c.kind, c.phrase, float(c.weight)) for c in shipped]
	untouched = [r for r in rows if old.get(key(*r[:3])) == float(r[3] or 0)]
	if len(untouched) == len(rows) == len(old):
		return as_rows
	kept = []
	present = set()
	for row in rows:
		k = key(*row[:3])
		present.add(k)
		if row in untouched and k not in new:
			continue  # the app no longer ships it
		if row in untouched and new[k] != old[k]:
			row = (row[0], row[1], row[2], new[k])
		kept.append(row)
	added = [r for r in as_rows if key(*r[:3]) not in present and key(*r[:3]) not in old]
	return kept + added


def closest(rows: list[tuple[str, str, str, float]], versions: list[list[Cue]]) -> list[Cue]:
	"""Of the lists the app shipped before, the one a site's rows are on: most rows as it shipped
	them (the latest on a tie)."""

	def as_shipped(version):
		shipped = {((c.language or "en"), c.kind, c.phrase, float(c.weight)) for c in version}
		return sum((r[0], r[1], r[2], float(r[3] or 0)) in shipped for r in rows)

	return max(reversed(versions), key=as_shipped)
