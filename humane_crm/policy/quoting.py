"""The sender's own words: an inbound email without the history it quotes and without its signature.

Pure functions. A reply usually carries our own earlier message below it ("On Mon … wrote:",
`>` lines, Gmail's and Outlook's quote blocks) and a signature; scoring those would blame the
customer for our "sorry for the inconvenience" or for a complaint they already called settled.

Works on what an Email Account stores: Frappe's `clean_email_html` drops `<blockquote>`, `<hr>`
and every `class`, but keeps `id` and some `style`; so the HTML hints are used when they survive
(`blockquote`, `gmail_quote`, Outlook's `divRplyFwdMsg` / `appendonsend`, a bordered quote
`<div>`), and the text hints (the "wrote:" line, the "From: … Sent: …" header) always apply.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# Elements whose whole subtree is quoted history.
_QUOTE_TAGS = {"blockquote"}
_QUOTE_CLASSES = ("gmail_quote", "gmail_extra", "yahoo_quoted", "moz-cite-prefix", "protonmail_quote")
# Elements where the quoted history begins; everything from there on is dropped.
_CUT_IDS = ("divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container", "isforwardcontent")
_BLOCK_TAGS = {
	"p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "ul", "ol",
}  # fmt: skip
_VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "wbr", "col", "area", "base", "source"}
_QUOTE_STYLE = re.compile(r"border-left\s*:[^;]*solid", re.I)

# A line that opens quoted history ("On Mon, 30 Nov 2026 at 10:02, Priya <p@x.com> wrote:"),
# in the languages mail clients most often write it in.
_WROTE = re.compile(
	r"^\s*(on|le|am|el|il|op|em|den|på|w dniu)\b.{0,300}?"
	r"(wrote|a écrit|schrieb|escribió|ha scritto|schreef|escreveu|skrev|napisał)\s*:?\s*$",
	re.I,
)
_SEPARATOR = re.compile(
	r"^\s*(-{2,}\s*(original message|forwarded message|ursprüngliche nachricht|message d'origine)"
	r"\s*-{2,}|_{10,}|-{10,})\s*$",
	re.I,
)
_HEADER_FROM = re.compile(r"^\s*\**(from|de|von|van|da|från)\s*\**\s*:", re.I)
_HEADER_NEXT = re.compile(
	r"^\s*\**(sent|date|to|subject|envoyé|gesendet|enviado|verzonden|inviato|skickat|datum)\s*\**\s*:", re.I
)
_SIGNATURE_DASHES = re.compile(r"^\s*--\s*$")
_SENT_FROM = re.compile(
	r"^\s*(sent from my|sent from outlook|get outlook for|sent via|envoyé de mon)\b", re.I
)
_SIGN_OFF = re.compile(
	r"^\s*(best|best regards|kind regards|warm regards|warmest regards|regards|many thanks|thanks|"
	r"thank you|thanks again|thanks in advance|cheers|sincerely|yours sincerely|yours faithfully|"
	r"yours truly|yours|best wishes|all the best|with thanks|respectfully|br|rgds|greetings|"
	r"cordialement|bien à vous|mit freundlichen grüßen|viele grüße|liebe grüße|saludos|un saludo|"
	r"atentamente|cordiali saluti|met vriendelijke groet|atenciosamente|pozdrawiam)\s*[,.!]*\s*$",
	re.I,
)
# A signature is short: a sign-off followed by more than this many lines is not one.
_SIGNATURE_LINES = 6


def own_words(content: str | None) -> str:
	"""What the sender wrote in this message, as plain text lines: no quoted history, no
	signature. `content` is HTML or plain text."""
	if not content:
		return ""
	text = _html_to_text(content) if _looks_like_html(content) else content
	lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
	lines = _before_history(lines)
	lines = [line for line in lines if not line.lstrip().startswith(">")]
	lines = _before_signature(lines)
	return "\n".join(line.rstrip() for line in lines).strip()


def _looks_like_html(text: str) -> bool:
	return bool(
		re.search(r"</?(p|div|br|span|html|body|blockquote|table|b|i|a|font)(\s[^>]*)?/?>", text, re.I)
	)


class _OwnText(HTMLParser):
	def __init__(self):
		super().__init__(convert_charrefs=True)
		self.parts: list[str] = []
		self.stack: list[tuple[str, bool]] = []  # (tag, opened a quote)
		self.quoting = 0
		self.cut = False

	def handle_starttag(self, tag, attrs):
		if self.cut:
			return
		attrs = dict(attrs)
		classes = (attrs.get("class") or "").lower()
		if (attrs.get("id") or "").lower() in _CUT_IDS:
			self.cut = True
			return
		if tag in _BLOCK_TAGS and not self.quoting:
			self.parts.append("\n")
		if tag in _VOID_TAGS:
			return
		quote = (
			tag in _QUOTE_TAGS
			or any(c in classes for c in _QUOTE_CLASSES)
			or bool(_QUOTE_STYLE.search(attrs.get("style") or ""))
		)
		self.stack.append((tag, quote))
		self.quoting += quote

	def handle_startendtag(self, tag, attrs):
		self.handle_starttag(tag, attrs)
		if tag not in _VOID_TAGS and self.stack and self.stack[-1][0] == tag:
			self.handle_endtag(tag)

	def handle_endtag(self, tag):
		if self.cut or tag in _VOID_TAGS:
			return
		# Close up to the matching open tag (mail HTML is often not well formed).
		for i in range(len(self.stack) - 1, -1, -1):
			if self.stack[i][0] == tag:
				for _tag, quote in self.stack[i:]:
					self.quoting -= quote
				del self.stack[i:]
				break
		if tag in _BLOCK_TAGS and not self.quoting:
			self.parts.append("\n")

	def handle_data(self, data):
		if not self.cut and not self.quoting:
			self.parts.append(re.sub(r"\s+", " ", data))


def _html_to_text(markup: str) -> str:
	parser = _OwnText()
	parser.feed(markup)
	parser.close()
	text = html.unescape("".join(parser.parts)).replace("\xa0", " ")
	return "\n".join(line.strip() for line in text.split("\n"))


def _before_history(lines: list[str]) -> list[str]:
	"""The lines above the first sign of quoted history."""
	for i, line in enumerate(lines):
		if _SEPARATOR.match(line) or _WROTE.match(line):
			return lines[:i]
		# "On Mon, 30 Nov 2026 at 10:02, Priya <priya@example.com>\nwrote:" wrapped over two lines
		if i + 1 < len(lines) and _WROTE.match(f"{line} {lines[i + 1]}") and len(line) < 300:
			if re.match(r"^\s*(on|le|am|el|il|op|em)\b", line, re.I):
				return lines[:i]
		if _HEADER_FROM.match(line) and any(_HEADER_NEXT.match(n) for n in lines[i + 1 : i + 5]):
			return lines[:i]
	return lines


def _before_signature(lines: list[str]) -> list[str]:
	"""The lines above the signature: "-- ", "Sent from my phone", or a sign-off ("Best regards,")
	followed only by a few short lines (a name, a title, a phone number)."""
	for i, line in enumerate(lines):
		if _SIGNATURE_DASHES.match(line) or _SENT_FROM.match(line):
			return lines[:i]
		if i and _SIGN_OFF.match(line):
			rest = [n for n in lines[i + 1 :] if n.strip()]
			if len(rest) <= _SIGNATURE_LINES and all(len(n) <= 80 for n in rest):
				return lines[:i]
	return lines
