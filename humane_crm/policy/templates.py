"""Messages and the templates they are made from: plain text, fingerprints, placeholders, own words.

Pure functions over strings. A template's *text* is what a reader sees: tags dropped, entities
decoded, whitespace collapsed, so an HTML-only or whitespace-only edit leaves its fingerprint as it
was and any change of wording does not. A template's *skeleton* is its literal text between Jinja
tags; a message is made from a template when the skeleton appears in it, in order, with each gap
filled by at most a short value (a name, a date). What the sender wrote beyond it is their own.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass

_BLOCKS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
# Block-level tags separate words; inline ones ("<b>Hel</b>lo") do not.
_BREAKS = re.compile(
	r"<\s*/?\s*(br|p|div|li|ul|ol|h\d|tr|td|th|table|blockquote|section|header|footer|hr)\b[^>]*>", re.I
)
_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)

# Placeholders a sender forgot to fill, by kind. Brackets count only when they hold a field-like
# label ("[First Name]", "[COMPANY]", "[first_name]"), not a citation ("[1]") or a link's text.
PLACEHOLDERS = (
	("jinja", re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)),
	(
		"brackets",
		re.compile(
			r"\[(?:[A-Z][a-z]+(?: [A-Z][a-z]+){0,3}|[A-Z][A-Z_]+(?: [A-Z_]+){0,3}|[a-z]+(?:_[a-z]+)+)\](?!\()"
		),
	),
	("angles", re.compile(r"<<\s*[^<>\n]{1,40}?\s*>>")),
	("percent", re.compile(r"%[A-Z][A-Z0-9_]{1,30}%")),
)

MAX_FILL = 120  # the longest value one placeholder of a template may have been filled with
MIN_SKELETON = 20  # a template with less literal text than this cannot be recognised in a message


def text_of(markup: str | None) -> str:
	"""What a reader sees of `markup` (HTML or plain text), whitespace collapsed."""
	if not markup:
		return ""
	value = _BLOCKS.sub(" ", markup)
	value = _BREAKS.sub(" ", value)
	value = _TAGS.sub("", value)
	return _SPACE.sub(" ", html.unescape(value)).strip()


def fingerprint(subject: str | None, body: str | None) -> str:
	"""A short hash of what the reader sees of a subject and body."""
	seen = f"{text_of(subject)}\n{text_of(body)}"
	return hashlib.sha256(seen.encode()).hexdigest()[:32]


def unfilled_placeholders(*parts: str | None) -> list[str]:
	"""Placeholders left in a message, as written (in order, once each)."""
	found: list[str] = []
	for part in parts:
		seen = text_of(part)
		hits = sorted((m.start(), m.group(0)) for _kind, rx in PLACEHOLDERS for m in rx.finditer(seen))
		for _start, hit in hits:
			if hit not in found:
				found.append(hit)
	return found


def skeleton(body: str | None) -> tuple[str, ...]:
	"""The literal text of a template body between its Jinja tags, each piece as a reader sees it."""
	pieces = (text_of(p) for p in _JINJA.split(body or ""))
	return tuple(p for p in pieces if p)


@dataclass(frozen=True)
class Match:
	start: int
	end: int
	own_chars: int  # characters of the message outside the template's text


@dataclass(frozen=True)
class Template:
	name: str
	approved: bool
	skeleton: tuple[str, ...]
	personal_note: bool = False


def _pattern(pieces: tuple[str, ...]) -> re.Pattern:
	gap = r"\s*.{0,%d}?\s*" % MAX_FILL
	return re.compile(gap.join(re.escape(p) for p in pieces), re.S)


def find(message_text: str, pieces: tuple[str, ...]) -> Match | None:
	"""Where a template's skeleton appears in a message's text, or None."""
	if sum(len(p) for p in pieces) < MIN_SKELETON:
		return None
	if pieces[0] not in message_text:  # the cheap test first: most messages use no template
		return None
	m = _pattern(pieces).search(message_text)
	if not m:
		return None
	return Match(m.start(), m.end(), len(message_text) - (m.end() - m.start()))


def templates_used(
	body: str | None, templates: list[Template] | tuple[Template, ...]
) -> list[tuple[Template, Match]]:
	"""The templates a message was made from, each with where it stands in the message."""
	seen = text_of(body)
	out = []
	for template in templates:
		m = find(seen, template.skeleton)
		if m:
			out.append((template, m))
	return out


@dataclass(frozen=True)
class Problem:
	kind: str  # placeholders, unapproved, personal_note
	facts: dict


PLACEHOLDERS_LEFT = "placeholders"
UNAPPROVED = "unapproved"
PERSONAL_NOTE = "personal_note"


def check_message(
	subject: str | None,
	body: str | None,
	templates: list[Template] | tuple[Template, ...],
	min_note: int = 40,
) -> list[Problem]:
	"""Everything that keeps a message from going out, as facts for the shell to explain."""
	problems: list[Problem] = []
	left = unfilled_placeholders(subject, body)
	if left:
		problems.append(Problem(PLACEHOLDERS_LEFT, {"placeholders": tuple(left)}))
	for template, m in templates_used(body, templates):
		if not template.approved:
			problems.append(Problem(UNAPPROVED, {"template": template.name}))
		elif template.personal_note and m.own_chars < min_note:
			problems.append(
				Problem(PERSONAL_NOTE, {"template": template.name, "own": m.own_chars, "needed": min_note})
			)
	return problems
