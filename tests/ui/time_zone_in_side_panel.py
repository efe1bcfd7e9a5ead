"""Browser check: an agent sets a lead's Time Zone in /crm's side panel, and contact hours follow it.

Not part of CI (it needs CRM's /crm UI built and a running `bench serve`); run it by hand:

	python3 tests/ui/time_zone_in_side_panel.py --url http://dev.localhost:8000 \\
		--user priya.agent@example.com --password '…' [--chromium /usr/bin/chromium]

It logs in as the agent, creates a lead, opens it in /crm, and checks: the side panel shows a
*Time Zone* field; typing a zone there saves it and the decision then reads the person's hours in
that zone ("source: record"); an unknown zone is refused with a message naming it, and the saved
zone stays. Screenshots go to --shots (default /tmp). Exit status 0 when every check holds.
"""

import sys
import uuid

from browser import api, arguments, logged_in, report


def main() -> int:
	args = arguments(__doc__)
	checks = {}
	with logged_in(args) as page:
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
	return report(checks)


if __name__ == "__main__":
	sys.exit(main())
