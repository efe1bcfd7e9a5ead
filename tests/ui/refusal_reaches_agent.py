"""Browser check: an email CRM's composer sends to a Do-Not-Contact person is refused, and the
agent does not lose it — the draft is kept and they are told in /crm's notifications panel.

Not part of CI (it needs CRM's /crm UI built and a running `bench serve`); run it by hand:

	python3 tests/ui/refusal_reaches_agent.py --url http://dev.localhost:8000 \\
		--user priya.agent@example.com --password '…' [--chromium /usr/bin/chromium]

It logs in as the agent, creates a lead, sets Do Not Contact on it, replies from the lead's page in
/crm, and checks: the composer closed (CRM v1.25 shows nothing on a refusal), the notifications
panel tells the agent the email was not sent and kept, and the draft opens in /app with every word.
Screenshots go to --shots (default /tmp). Exit status 0 when every check holds.
"""

import argparse
import sys
import uuid
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

WORDS = "Marta, the blue coat you liked is back in your size."


def api(page, method: str, path: str, body: dict | None = None) -> dict:
	"""A request from inside the page, as the logged-in agent (the browser's session and CSRF token)."""
	return page.evaluate(
		"""async ([method, path, body]) => {
			const r = await fetch(path, {method, headers: {"Content-Type": "application/json",
				"X-Frappe-CSRF-Token": window.csrf_token}, body: body ? JSON.stringify(body) : undefined});
			return await r.json();
		}""",
		[method, path, body],
	)


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("--url", required=True)
	parser.add_argument("--user", required=True)
	parser.add_argument("--password", required=True)
	parser.add_argument("--chromium", default="/usr/bin/chromium")
	parser.add_argument("--shots", default="/tmp")
	args = parser.parse_args()
	host = urlparse(args.url).hostname
	checks = {}
	with sync_playwright() as p:
		browser = p.chromium.launch(
			executable_path=args.chromium,
			args=["--no-sandbox", "--disable-gpu", f"--host-resolver-rules=MAP {host} 127.0.0.1"],
		)
		page = browser.new_page(viewport={"width": 1400, "height": 900})
		page.goto(f"{args.url}/login")
		page.fill("#login_email", args.user)
		page.fill("#login_password", args.password)
		page.click(".btn-login")
		page.wait_for_url(lambda url: "/login" not in url)

		email = f"marta.{uuid.uuid4().hex[:8]}@example.com"
		lead = api(
			page,
			"POST",
			"/api/resource/CRM Lead",
			{"first_name": "Marta", "last_name": "Ruiz", "email": email, "lead_owner": args.user},
		)["data"]["name"]
		api(
			page,
			"POST",
			"/api/method/humane_crm.api.set_contact_preference",
			{"doctype": "CRM Lead", "name": lead, "status": "Do Not Contact", "reason": "Asked by phone"},
		)

		page.goto(f"{args.url}/crm/leads/{lead}")
		page.get_by_role("button", name="Reply").last.click()
		editor = page.locator(".ProseMirror[contenteditable=true]").first
		editor.click()
		editor.type(WORDS)
		page.screenshot(path=f"{args.shots}/refusal-1-composed.png")
		page.get_by_role("button", name="Send").click()
		page.wait_for_timeout(3000)
		page.screenshot(path=f"{args.shots}/refusal-2-after-send.png")
		filters = f'[["reference_name","=","{lead}"],["sent_or_received","=","Sent"]]'
		checks["nothing sent"] = not api(page, "GET", f"/api/resource/Communication?filters={filters}")[
			"data"
		]

		page.reload()  # the panel reads its list on load (live updates come over CRM's socket.io)
		page.get_by_role("button", name="Notifications").click()
		page.wait_for_timeout(2000)
		page.screenshot(path=f"{args.shots}/refusal-3-notifications.png")
		panel = page.inner_text("body")
		checks["told in /crm"] = (
			f"#{lead}" in panel and "was not sent" in panel and "kept as a draft" in panel
		)

		page.goto(f"{args.url}/app/held-message?reference_name={lead}")
		page.locator("a.ellipsis").first.click()
		page.wait_for_timeout(2000)
		page.screenshot(path=f"{args.shots}/refusal-4-draft.png")
		body = page.inner_text("body")
		checks["draft kept with every word"] = WORDS in body and "Refused: Do not contact" in body
		browser.close()
	for name, ok in checks.items():
		print(f"{'ok  ' if ok else 'FAIL'} {name}")
	return 0 if all(checks.values()) else 1


if __name__ == "__main__":
	sys.exit(main())
