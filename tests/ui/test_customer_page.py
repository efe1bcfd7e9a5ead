"""The customer's own page, reached from the link in a real email: pausing there refuses the next
send at once, opening contact again there works, and a tampered link changes nothing. Then the same
over plain HTTP on the served site, as a mail provider and an SMS gateway call it (no browser, no
cookies): RFC 8058's one-click POST to the header's URL, tampered and unknown links, the rate limit,
and an inbound SMS's STOP."""

import email
import email.policy
import json
import random
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from urllib.parse import urlparse

import pytest
from conftest import eventually, new_lead
from playwright.sync_api import expect
from site_side import execute


def send(session, lead: str, to: str, now: int = 1) -> dict:
	"""An email from the lead's record, sent at once (no worker needed), through Frappe's queue."""
	return session.api(
		"POST",
		"/api/method/frappe.core.doctype.communication.email.make",
		{
			"doctype": "CRM Lead",
			"name": lead,
			"recipients": to,
			"subject": "Your fitting",
			"content": "Mara, your fitting is on Thursday at ten.",
			"send_email": 1,
			"now": now,
		},
	)


def link_in_mail(folder, to: str) -> str:
	"""The List-Unsubscribe address of the newest email that reached `to`."""
	for path in sorted(folder.glob("*.eml"), reverse=True):
		message = email.message_from_bytes(path.read_bytes())
		if to in message.get_all("X-Sink-Rcpt", []):
			header = str(message.get("List-Unsubscribe") or "")
			found = re.search(r"<(https?://[^>]+)>", header)
			assert found, f"no link in List-Unsubscribe: {header!r}"
			assert message.get("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
			return found.group(1)
	return ""


def test_pausing_on_the_page_refuses_the_next_send_and_opening_again_works(manager, browser, ui):
	if ui["mail"] is None:
		pytest.fail("HUMANE_CRM_UI_MAIL is not set: this test reads the email the site really sent")
	lead, to = new_lead(manager, "Mara", "Lind")
	# one pass for the manager, so the first email goes out whatever the hour in the person's zone
	manager.call(
		"humane_crm.api.override_next_contact",
		doctype="CRM Lead",
		name=lead,
		channel="Email",
		reason="browser test",
	)
	first = send(manager, lead, to)
	assert first["status"] == 200, first
	link = eventually(lambda: link_in_mail(ui["mail"], to), "the email in the mail sink")
	page_url = ui["url"] + urlparse(link).path + "?" + urlparse(link).query

	customer = browser.new_context(viewport={"width": 390, "height": 844})  # no login, a phone
	page = customer.new_page()
	page.goto(page_url)
	expect(page.get_by_text("Mara").first).to_be_visible()
	manager.shot("customer page 1 opened")
	page.screenshot(path=str(ui["shots"] / "customer-page-1.png"))
	page.get_by_role("button", name="Pause all contact for 30 days").click()
	expect(page.get_by_text("we will not contact you until").first).to_be_visible()  # confirmed
	page.screenshot(path=str(ui["shots"] / "customer-page-2-paused.png"))

	refused = send(manager, lead, to)
	assert refused["status"] == 417, refused
	assert "the customer paused contact until" in str(refused.get("_server_messages")), refused

	page.get_by_role("button", name="Open contact again, on every channel").click()
	expect(page.get_by_role("button", name="Pause all contact for 30 days")).to_be_visible()
	page.screenshot(path=str(ui["shots"] / "customer-page-3-open.png"))
	answer = manager.call("humane_crm.api.check_contact", doctype="CRM Lead", name=lead)
	assert not any(r["kind"] in ("paused", "do_not_contact") for r in answer["reasons"]), answer["reasons"]

	tampered = page_url[:-3] + ("aaa" if not page_url.endswith("aaa") else "bbb")
	page.goto(tampered)
	expect(page.locator("body")).to_contain_text("not valid")
	assert page.get_by_role("button", name="Stop all contact").count() == 0
	page.screenshot(path=str(ui["shots"] / "customer-page-4-tampered.png"))
	after = manager.call("humane_crm.api.check_contact", doctype="CRM Lead", name=lead)
	assert after["reasons"] == answer["reasons"]
	customer.close()


# Plain HTTP, as a mail provider's servers and an SMS gateway call the site
# ------------------


def http(method: str, url: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
	"""One request with no cookies and no session: (status, body)."""
	body = urllib.parse.urlencode(data).encode() if data is not None else None
	request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
	try:
		with urllib.request.urlopen(request, timeout=60) as response:
			return response.status, response.read().decode()
	except urllib.error.HTTPError as e:
		return e.code, e.read().decode()


def real_email_link(manager, first: str) -> tuple[str, str, str]:
	"""A lead, a real email to them through Frappe's queue, and that email's List-Unsubscribe URL
	on the served site: (lead, address, url)."""
	lead, to = new_lead(manager, first, "Lind")
	manager.call(
		"humane_crm.api.override_next_contact",
		doctype="CRM Lead",
		name=lead,
		channel="Email",
		reason="HTTP test of the customer's link",
	)
	sent = send(manager, lead, to)
	assert sent["status"] == 200, sent
	link = eventually(lambda: link_in_mail(manager.ui["mail"], to), "the email in the mail sink")
	parsed = urlparse(link)
	return lead, to, f"{manager.ui['url']}{parsed.path}?{parsed.query}"


def test_one_click_on_the_header_url_refuses_the_next_email_in_the_same_second(manager, ui):
	if ui["mail"] is None:
		pytest.fail("HUMANE_CRM_UI_MAIL is not set: this test reads the email the site really sent")
	lead, to, url = real_email_link(manager, "Ines")
	# The MIME as the mail server got it: the footer in the text and the HTML, the link in both.
	newest = max(p for p in ui["mail"].glob("*.eml") if f"X-Sink-Rcpt: {to}".encode() in p.read_bytes())
	message = email.message_from_bytes(newest.read_bytes(), policy=email.policy.default)
	for kind in ("plain", "html"):
		body = message.get_body((kind,)).get_content().replace("&amp;", "&")
		assert "Hearing from us too often?" in body and urlparse(url).query in body, (kind, body[-600:])
	clicked = time.monotonic()
	status, body = http("POST", url, {"List-Unsubscribe": "One-Click"})  # no login, no cookie, no confirm
	assert status == 200, body[:500]
	answered = time.monotonic()
	# The very next send, the moment the click is answered (nothing waited for, nothing retried).
	refused = send(manager, lead, to)
	assert refused["status"] == 417, refused
	assert "one-click unsubscribe" in str(refused.get("_server_messages")), refused
	print(
		f"click answered in {answered - clicked:.2f} s; next send refused {time.monotonic() - answered:.2f} s later"
	)
	# Idempotent: the mail provider clicking again changes nothing and is still answered 200.
	before = manager.call("humane_crm.api.check_contact", doctype="CRM Lead", name=lead, channel="Email")
	assert http("POST", url, {"List-Unsubscribe": "One-Click"})[0] == 200
	after = manager.call("humane_crm.api.check_contact", doctype="CRM Lead", name=lead, channel="Email")
	assert after["reasons"] == before["reasons"]


def test_tampered_and_unknown_links_change_nothing_and_reveal_nothing(manager, ui):
	if ui["mail"] is None:
		pytest.fail("HUMANE_CRM_UI_MAIL is not set: this test reads the email the site really sent")
	lead, to, url = real_email_link(manager, "Noor")
	token = urllib.parse.parse_qs(urlparse(url).query)["t"][0]
	before = manager.call("humane_crm.api.check_contact", doctype="CRM Lead", name=lead)
	page = f"{ui['url']}/contact-choices?t="
	tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
	unknown = secrets.token_urlsafe(32)
	answers = set()
	for t in (tampered, unknown):
		for data in (None, {"choice": "stop-all"}, {"List-Unsubscribe": "One-Click"}):
			status, body = http("POST" if data else "GET", page + t, data)
			assert status == 200, body[:300]
			assert "This link is not valid" in body and "Nothing was changed" in body
			assert to not in body and "Noor" not in body
			answers.add(re.sub(r"csrf_token[^>]*", "", body))
	# the same words whether a real person's link was tampered with or nobody's link was guessed
	assert len(answers) == 1
	after = manager.call("humane_crm.api.check_contact", doctype="CRM Lead", name=lead)
	assert after["reasons"] == before["reasons"]
	# The real link still opens their page, in the language their browser asks for.
	status, body = http("GET", url, headers={"Accept-Language": "es-ES,es;q=0.9"})
	assert status == 200 and "Cómo le contactamos" in body and "Hola, Noor:" in body, body[:500]


def test_the_page_is_rate_limited_per_link(ui):
	url = f"{ui['url']}/contact-choices?t={secrets.token_urlsafe(32)}"  # a link of its own
	statuses = [http("GET", url)[0] for _ in range(31)]
	assert statuses[:30] == [200] * 30 and statuses[30] == 429, statuses


def test_a_stop_texted_to_the_gateway_opts_out_of_sms_at_once(manager, ui):
	number = f"+1 415-{random.randint(200, 989)}-{random.randint(1000, 9999)}"
	lead, _to = new_lead(manager, "Tariq", "Lind", mobile_no=number)
	user = f"sms.gateway.{uuid.uuid4().hex[:8]}@example.com"
	keys = json.loads(
		execute(manager, "humane_crm.tests.test_customer_voice_sms.gateway_user", email=user)
		.strip()
		.splitlines()[-1]
	)
	try:
		method = f"{ui['url']}/api/method/humane_crm.voice.sms.received"
		sender = "+1" + re.sub(r"\D", "", number)[1:]
		status, body = http("POST", method, {"from_number": sender, "message": "STOP"})
		assert status in (401, 403), body[:300]  # a guest may not
		status, body = http(
			"POST", method, {"from_number": sender, "message": "STOP"}, {"Authorization": f"token {keys}"}
		)
		assert status == 200, body[:500]
		assert json.loads(body)["message"]["outcome"] == "opted out"
		answer = manager.call("humane_crm.api.check_contact", doctype="CRM Lead", name=lead, channel="SMS")
		assert not answer["allowed"], answer
		assert "opted_out" in {r["kind"] for r in answer["reasons"]}, answer["reasons"]
	finally:
		execute(manager, "humane_crm.tests.test_customer_voice_sms.forget_user", email=user)
