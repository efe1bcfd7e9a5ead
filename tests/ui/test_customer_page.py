"""The customer's own page, reached from the link in a real email: pausing there refuses the next
send at once, opening contact again there works, and a tampered link changes nothing."""

import email
import re
from urllib.parse import urlparse

import pytest
from conftest import eventually, new_lead
from playwright.sync_api import expect


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
