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

import sys
import uuid

from browser import api, arguments, logged_in, report

WORDS = "Marta, the blue coat you liked is back in your size."


def main() -> int:
	args = arguments(__doc__)
	checks = {}
	with logged_in(args) as page:
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
		# By its recipient: leads created in rolled-back test runs reuse names on a dev site.
		held_filters = f'[["recipients","like","%{email}%"]]'
		[held] = api(page, "GET", f"/api/resource/Held Message?filters={held_filters}")["data"]
		told_filters = f'[["notification_type_doc","=","{held["name"]}"]]'
		checks["told in /crm"] = (
			f"#{lead}" in panel
			and "was not sent" in panel
			and "kept as a draft" in panel
			and len(api(page, "GET", f"/api/resource/CRM Notification?filters={told_filters}")["data"]) == 1
		)
		page.goto(f"{args.url}/app/held-message/{held['name']}")
		page.wait_for_timeout(2000)
		page.screenshot(path=f"{args.shots}/refusal-4-draft.png")
		body = page.inner_text("body")
		checks["draft kept with every word"] = WORDS in body and "Refused: Do not contact" in body
	return report(checks)


if __name__ == "__main__":
	sys.exit(main())
