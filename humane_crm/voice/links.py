"""The personal link in every email to a person: where they choose how we contact them.

One link per person (not per message), valid as long as the person exists, so an old email's link
still works. Its token is random (`secrets.token_urlsafe`, 256 bits) and is never stored in the
clear: *Customer Link* keeps its SHA-256, which is how a click finds the person, and the token
encrypted with the site's key (Frappe's `encrypt`), so that every email can carry it again. The
token says nothing about the person: whoever holds it sees their first name and their choices,
nothing more (the page, `www/contact-choices.py`).

Every email the app lets out to a CRM person carries the link, on every path: it is added where
mail leaves, per recipient, as the queue hands each message to the mail server (`voice.queue`) —
a footer line in the message and RFC 8058's `List-Unsubscribe` and `List-Unsubscribe-Post` headers.
Colleagues and people outside CRM get the message untouched.

The footer is in the person's language when we know it (`language_of`), else the site's, and the
link opens their page in it (Frappe's own `_lang`): neither Frappe nor CRM keeps a language on a
lead, deal or contact, so what is known is the language of the person's own login (a portal
User's *Language*), or the one they read their page in when they last made a choice there.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from email import message_from_bytes, policy
from urllib.parse import quote

import frappe
from frappe import _
from frappe.utils import escape_html, get_url
from frappe.utils.password import decrypt, encrypt

from humane_crm.people import identities, ledger, scope
from humane_crm.permissions import app_fields

ROUTE = "/contact-choices"
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
ONE_CLICK = "List-Unsubscribe=One-Click"


def digest(token: str) -> str:
	return hashlib.sha256(token.encode()).hexdigest()


def token_for(person: str) -> str:
	"""The person's token: made the first time it is needed, the same ever after."""
	secret = frappe.db.get_value("Customer Link", {"person": person}, "token_secret")
	if secret:
		return decrypt(secret)
	token = secrets.token_urlsafe(32)
	doc = frappe.get_doc(
		{
			"doctype": "Customer Link",
			"person": person,
			"token_hash": digest(token),
			"token_secret": encrypt(token),
		}
	)
	doc.flags.humane_crm_app_write = doc.flags.ignore_permissions = True
	frappe.db.savepoint("humane_crm_link")
	try:
		doc.insert()
	except ledger.DUPLICATE:  # another send made it first: theirs is the one
		frappe.db.rollback(save_point="humane_crm_link")
		secret = frappe.db.sql(
			"select token_secret from `tabCustomer Link` where person = %s lock in share mode", person
		)[0][0]
		return decrypt(secret)
	return token


def person_of(token) -> str | None:
	"""The person a token belongs to, or None: unknown, tampered, or the person no longer exists."""
	if not isinstance(token, str) or not TOKEN_SHAPE.match(token):
		return None
	person = frappe.db.get_value("Customer Link", {"token_hash": digest(token)}, "person")
	return person if person and frappe.db.exists("Contact Preference", person) else None


def url(token: str, lang: str | None = None) -> str:
	"""The person's page; in `lang` (Frappe's `_lang`) when it is not the site's own."""
	tail = f"&_lang={quote(lang)}" if lang and lang != site_language() else ""
	return get_url(f"{ROUTE}?t={token}{tail}")


def inbound_address() -> str | None:
	"""Where a `mailto:` unsubscribe can go: the site's incoming Email Account, if it has one."""
	rows = frappe.get_all(
		"Email Account",
		{"enable_incoming": 1},
		["email_id", "default_incoming"],
		order_by="default_incoming desc, creation asc",
		limit=1,
	)
	return rows[0].email_id if rows and rows[0].email_id else None


def refuse_edits(doc) -> None:
	"""Customer Link validate: made by the app only, and never changed."""
	app_fields.made_only_by_the_app(
		doc,
		_("A person's link is made by Humane CRM when it first emails them."),
		("person", "token_hash", "token_secret"),
		_("A person's link never changes."),
	)


# Where mail leaves
# ------------------


def personalise(message: bytes, recipient: str, reference: tuple) -> bytes:
	"""The message as `recipient` gets it: with their link when they are a CRM person."""
	key = identities.email_key(recipient)
	if not key or not scope.governed(reference, [key]):
		return message
	person = ledger.person_for(frozenset({key}))
	token = token_for(person)
	lang = language_of(person, key)
	inbound = inbound_address()
	mailto = f"mailto:{inbound}?subject={quote('unsubscribe ' + token)}" if inbound else None
	return with_link(message, url(token, lang), mailto, lang)


def site_language() -> str:
	return frappe.db.get_single_value("System Settings", "language") or "en"


def language_of(person: str, key: str | None = None) -> str:
	"""The person's language: their own login's (a portal User with their address, enabled, with a
	Language set), else the one they last chose on their page in, else the site's."""
	if key and "@" in key:
		own = frappe.db.sql(
			"""select language from `tabUser` where (name = %(key)s or email = %(key)s) and enabled = 1
			and ifnull(language, '') != '' limit 1""",
			{"key": key},
		)
		if own:
			return own[0][0]
	return frappe.db.get_value("Customer Link", {"person": person}, "language") or site_language()


def remember_language(person: str, lang: str | None) -> None:
	"""The language the person read their page in when they made a choice there (a known one)."""
	if lang and frappe.db.exists("Language", lang):
		link = frappe.db.get_value("Customer Link", {"person": person}, ["name", "language"], as_dict=True)
		if link and link.language != lang and (link.language or lang != site_language()):
			frappe.db.set_value("Customer Link", link.name, "language", lang, update_modified=False)


def footer_words(lang: str | None = None) -> tuple[str, str]:
	return _("Hearing from us too often?", lang=lang), _("Choose how we contact you", lang=lang)


def with_link(message: bytes, link: str, mailto: str | None = None, lang: str | None = None) -> bytes:
	"""The MIME `message` with the footer line in its text and HTML bodies, and the RFC 8058 headers."""
	mail = message_from_bytes(message, policy=policy.SMTP)
	question, choose = footer_words(lang)
	for part in mail.walk():
		if part.is_multipart() or part.get_content_disposition() == "attachment":
			continue
		if part.get_content_type() == "text/html":
			html = part.get_content()
			line = (
				f'<p style="margin-top:24px;font-size:12px;color:#6b7280">{escape_html(question)} '
				f'<a href="{escape_html(link)}">{escape_html(choose)}</a></p>'
			)
			at = html.lower().rfind("</body>")
			html = html[:at] + line + html[at:] if at >= 0 else html + line
			part.set_content(html, subtype="html", charset="utf-8", cte="quoted-printable")
		elif part.get_content_type() == "text/plain":
			text = part.get_content().rstrip("\n") + f"\n\n{question} {choose}: {link}\n"
			part.set_content(text, charset="utf-8", cte="quoted-printable")
	for header in ("List-Unsubscribe", "List-Unsubscribe-Post"):
		del mail[header]
	mail["List-Unsubscribe"] = ", ".join(f"<{u}>" for u in (link, mailto) if u)
	mail["List-Unsubscribe-Post"] = ONE_CLICK
	# Mail clients read List-Unsubscribe as plain <URL>s: at 78 characters a line the generator
	# would fold a long link into RFC 2047 encoded-words, which no client follows. RFC 5322 allows 998.
	return mail.as_bytes(policy=mail.policy.clone(max_line_length=998))
