"""An agent sets a lead's Time Zone in /crm's side panel, and the person's contact hours follow it;
an unknown zone is refused with its name shown, and the saved zone stays."""

from conftest import eventually, new_lead
from playwright.sync_api import expect


def test_time_zone_typed_in_side_panel_is_saved_and_used(agent):
	lead, _ = new_lead(agent, "Kenji", "Sato")

	def saved_zone():
		return agent.api("GET", f"/api/resource/CRM Lead/{lead}")["data"].get("humane_time_zone")

	page = agent.page
	page.goto(f"{agent.url}/crm/leads/{lead}")
	page.wait_for_load_state("networkidle")  # the lead loaded: a change typed now is saved
	expect(page.get_by_text("Contact hours").first).to_be_visible()
	field = page.locator("input[placeholder*='Time Zone']").first
	expect(field).to_be_visible()

	field.fill("Asia/Tokyo")
	field.press("Enter")
	field.blur()
	eventually(lambda: saved_zone() == "Asia/Tokyo", "the typed zone to be saved")
	agent.shot("time zone 1 set")
	answer = agent.call("humane_crm.api.check_contact", doctype="CRM Lead", name=lead, channel="Call")
	assert answer["person_time_zone"] == {"zone": "Asia/Tokyo", "source": "record"}

	field.fill("Mars/Olympus_Mons")
	field.press("Enter")
	field.blur()
	expect(page.get_by_text("Mars/Olympus_Mons").first).to_be_visible()
	agent.shot("time zone 2 refused")
	assert saved_zone() == "Asia/Tokyo"
