"""/contact-choices?t=TOKEN — the customer's own page, the link in every email we send them.

No login, no cookies needed, no JavaScript: a GET shows the business's name, the person's first name
and their choices; a form POST applies one choice and says so on the page; a POST of
`List-Unsubscribe=One-Click` (RFC 8058: a mail client's unsubscribe button, with no confirmation)
stops email at once. A token that is unknown, tampered with, or whose person no longer exists
changes nothing and gets the same plain answer, whatever the address behind it: the page never says
whether an address is known. Rate-limited per address and per link (Frappe's `rate_limit`).
"""

from urllib.parse import urlencode

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit

from humane_crm.voice import choices, links

no_cache = 1
sitemap = 0


def get_context(context):
	frappe.local.no_cache = 1
	context.no_cache = 1
	context.update(page(frappe.form_dict.get("t")))
	return context


@rate_limit(limit=600, seconds=60 * 60)  # per address: a mail provider's servers click for many people
@rate_limit(key="t", limit=30, seconds=10 * 60)  # per address and link
def page(token) -> dict:
	method = frappe.request.method if frappe.request else "GET"
	lang = frappe.local.lang
	out = {
		"business": business_name(),
		"lang": lang,
		"token": token if isinstance(token, str) else "",
		# the page stays in the language it was opened in (Frappe's `_lang`), choice after choice
		"action": "?" + urlencode({"t": token if isinstance(token, str) else "", "_lang": lang}),
		"csrf_token": frappe.session.data.csrf_token if frappe.session.user != "Guest" else "",
		"done": "",
		"one_click": False,
		"valid": False,
		"choices": None,
	}
	person = links.person_of(token)
	if not person:
		return out
	out["valid"] = True
	if method == "POST":
		if frappe.form_dict.get("List-Unsubscribe") == "One-Click":
			choices.one_click(person)
			out["one_click"] = True
			out["done"] = _("Done: no more emails from us.")
		elif frappe.form_dict.get("choice") in choices.CHOICES:
			out["done"] = choices.choose(person, frappe.form_dict.get("choice"))
			links.remember_language(person, lang)  # their emails' footer speaks it from now on
	out["choices"] = choices.state(person)
	return out


def business_name() -> str:
	return (
		frappe.db.get_single_value("Humane CRM Settings", "business_name")
		or frappe.db.get_single_value("Website Settings", "app_name")
		or frappe.local.site
	)
