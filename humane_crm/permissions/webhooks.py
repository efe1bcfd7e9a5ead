"""Is this request a telephony or messaging provider reporting what a person did?

Only such a report — like an email an Email Account pulled in — may open the reply window: it is the
person speaking. Provider webhooks run as Guest, so a Guest session is necessary but not enough:
CRM's Twilio endpoints accept any unauthenticated POST, and anyone (an agent in a private window
included) could report "the person called us" for someone who asked not to be contacted. So a
request counts only when its provider's own proof checks out:

- Twilio signs every webhook (`X-Twilio-Signature`, an HMAC of the URL and the form with the
  account's auth token): checked here, against CRM's Twilio settings.
- Exotel: CRM's handler checks the webhook's verify token before it writes anything.
- frappe_whatsapp: its webhook is that app's own (it has no signature to check here).

Any other Guest request reports nothing. Server code with no request at all (a job replaying a
provider's report) is not an agent typing, and counts.
"""

from __future__ import annotations

import frappe

SIGNED_BY_TWILIO = "crm.integrations.twilio."
VERIFIED_BY_THEIR_HANDLER = ("crm.integrations.exotel.", "frappe_whatsapp.")


def from_a_provider() -> bool:
	if frappe.session.user != "Guest":
		return False  # an agent's own session: a note, not the person speaking
	request = getattr(frappe.local, "request", None)
	if request is None:
		return True
	method = request.path.rstrip("/").rsplit("/", 1)[-1]
	if method.startswith(SIGNED_BY_TWILIO):
		return _signed_by_twilio(request)
	return method.startswith(VERIFIED_BY_THEIR_HANDLER)


def twilio_settings() -> str:
	"""CRM's Twilio settings doctype: "CRM Twilio Settings" since CRM 1.3x, "Twilio Settings" before."""
	return "CRM Twilio Settings" if frappe.db.exists("DocType", "CRM Twilio Settings") else "Twilio Settings"


def _signed_by_twilio(request) -> bool:
	signature = request.headers.get("X-Twilio-Signature")
	settings = twilio_settings()
	if not signature or not frappe.db.get_single_value(settings, "enabled"):
		return False
	from frappe.utils.password import get_decrypted_password
	from twilio.request_validator import RequestValidator

	token = get_decrypted_password(settings, settings, "auth_token", raise_exception=False)
	if not token:
		return False
	validator = RequestValidator(token)
	params = request.form.to_dict()
	# The URL Twilio signed: as this server saw it, or as the site's public address (behind a proxy)
	urls = {request.url, frappe.utils.get_url(request.full_path.rstrip("?"))}
	return any(validator.validate(url, params, signature) for url in urls)
