"""Browser check: an agent sets a lead's Time Zone in /crm's side panel, and contact hours follow it.

Not part of CI (it needs CRM's /crm UI built and a running `bench serve`); run it by hand:

	python3 tests/ui/time_zone_in_side_panel.py --url http://dev.localhost:8000 \\
		--user priya.agent@example.com --password '…' [--chromium /usr/bin/chromium]

It logs in as the agent, creates a lead, opens it in /crm, and checks: the side panel shows a
*Time Zone* field; typing a zone there saves it and the decision then reads the person's hours in
that zone ("source: record"); an unknown zone is refused with a message naming it, and the saved
zone stays. Screenshots go to --shots (default /tmp). Exit status 0 when every check holds.
"""

import argparse
import sys
import uuid
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright
from refusal_reaches_agent import api


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

		email = f"kenji.{uuid.uuid4().hex[:8]}@example.com"
		lead = api(
			page,
			"POST",
			"/api/resource/CRM Lead",
			{"first_name": "Kenji", "last_name": "Sato", "email": email, "lead_owner": args.user},
		)["data"]["name"]

		def saved_zone():
			return api(page, "GET", f"/api/resource/CRM Lead/{lead}")["data"].get("humane_time_zone")

		page.goto(f"{args.url}/crm/leads/{lead}")
		page.get_by_text("Contact hours").first.wait_for()
		field = page.locator("input[placeholder='Add Time Zone...']").first
		checks["Time Zone in the side panel"] = field.is_visible()

		field.fill("Asia/Tokyo")
		field.blur()
		page.wait_for_timeout(2000)
		page.screenshot(path=f"{args.shots}/time-zone-1-set.png")
		checks["typed zone saved"] = saved_zone() == "Asia/Tokyo"
		answer = api(
			page,
			"POST",
			"/api/method/humane_crm.api.check_contact",
			{"doctype": "CRM Lead", "name": lead, "channel": "Call"},
		)["message"]
		checks["decision reads the record's zone"] = answer["person_time_zone"] == {
			"zone": "Asia/Tokyo",
			"source": "record",
		}

		field.fill("Mars/Olympus_Mons")
		field.blur()
		page.wait_for_timeout(2000)
		page.screenshot(path=f"{args.shots}/time-zone-2-refused.png")
		body = page.inner_text("body")
		checks["unknown zone refused, with its name"] = (
			"Mars/Olympus_Mons" in body and saved_zone() == "Asia/Tokyo"
		)
		browser.close()
	for name, ok in checks.items():
		print(f"{'ok  ' if ok else 'FAIL'} {name}")
	return 0 if all(checks.values()) else 1


if __name__ == "__main__":
	sys.exit(main())
