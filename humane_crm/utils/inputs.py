"""What callers send: checked before anything is read or written, and shown back escaped.

A whitelisted method receives whatever a request carried — text from a form or a query string,
any JSON value from a JSON body. Each argument is checked for its kind first, so that a dict where
a name belongs, a date that is not one or malformed JSON gets a sentence saying what was wrong and
what is accepted (`InvalidInputError`, HTTP 417), never a 500, and nothing is changed. A caller's
value that a message repeats goes through `shown`: messages are rendered as HTML on the desk and in
CRM's toasts.
"""

from __future__ import annotations

import json

import frappe
from frappe import _

from humane_crm.exceptions import InvalidInputError
from humane_crm.utils.escape import escape_html

SHOWN_CHARS = 80  # of a caller's value, repeated in a message


def shown(value) -> str:
	"""A caller's value as a message may repeat it: text as sent, anything else as JSON, cut to
	80 characters, HTML-escaped."""
	text = value if isinstance(value, str) else json.dumps(value, default=str)
	if len(text) > SHOWN_CHARS:
		text = text[: SHOWN_CHARS - 1] + "…"
	return escape_html(text)


def kind(value) -> str:
	"""What a JSON value is, in words: "a list", "an object", "a number (5)", "true", "null"."""
	if value is None:
		return _("null")
	if isinstance(value, bool):
		return _("true") if value else _("false")
	if isinstance(value, int | float):
		return _("a number ({0})").format(shown(value))
	if isinstance(value, dict):
		return _("an object")
	if isinstance(value, list | tuple):
		return _("a list")
	if isinstance(value, str):
		return _("the text {0}").format(frappe.bold(shown(value)))
	return escape_html(type(value).__name__)


def refuse(message: str, title: str | None = None, exc=InvalidInputError):
	frappe.throw(message, exc=exc, title=title or _("Not accepted"))


def text(value, label: str, required: bool = True) -> str | None:
	"""`value` as one piece of text, or a sentence naming `label` and what was sent instead."""
	if value is None or value == "":
		if required:
			refuse(_("{0} is missing.").format(label), title=_("Missing value"))
		return None
	if not isinstance(value, str):
		refuse(_("{0} must be text, but {1} was sent.").format(label, kind(value)), title=_("Not text"))
	return value


def json_value(value: str, label: str, accepted: str):
	"""`value` parsed as JSON, or a sentence saying it is not valid JSON and what `accepted` is."""
	try:
		return json.loads(value)
	except ValueError as e:
		refuse(
			_("{0} is not valid JSON ({1}): {2}. Send {3}.").format(
				label, escape_html(str(e)), frappe.bold(shown(value)), accepted
			),
			title=_("Not valid JSON"),
		)


def text_list(value, label: str, example: str, each: str) -> list[str]:
	"""A list of strings, a JSON array of strings, or one string separated by commas, as a list;
	anything else (an object, a number, true, nested lists, malformed JSON) is refused saying so."""
	accepted = _("a list of text, e.g. {0}, or one text separated by commas").format(example)
	if isinstance(value, str):
		value = value.strip()
		if not value.startswith("["):
			return [v for v in (s.strip() for s in value.split(",")) if v]
		value = json_value(value, label, accepted)
	if not isinstance(value, list | tuple):
		refuse(
			_("{0} must be {1}, but {2} was sent.").format(label, accepted, kind(value)),
			title=_("Not a list"),
		)
	for i, item in enumerate(value, 1):
		if not isinstance(item, str):
			refuse(
				_("{0}: item {1} is {2}; each item must be {3}, as text: send {4}.").format(
					label, i, kind(item), each, accepted
				),
				title=_("Not a list of text"),
			)
	return list(value)
