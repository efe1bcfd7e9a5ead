"""A reply CRM's composer sends to a Do-Not-Contact person is refused, and the agent does not lose
it: the draft is kept, and they are told in /crm's notifications panel (CRM's composer itself closes
and shows nothing when the server refuses a send)."""

from conftest import eventually, new_lead
from playwright.sync_api import expect

WORDS = "Marta, the blue coat you liked is back in your size."


def test_refused_reply_is_kept_and_the_agent_told(agent):
	lead, email = new_lead(agent, "Marta", "Ruiz")
	agent.call(
		"humane_crm.api.set_contact_preference",
		doctype="CRM Lead",
		name=lead,
		status="Do Not Contact",
		reason="Asked by phone",
	)

	page = agent.page
	page.goto(f"{agent.url}/crm/leads/{lead}")
	page.wait_for_load_state("networkidle")
	page.get_by_role("button", name="Reply", exact=True).first.click()
	editor = page.locator(".ProseMirror[contenteditable=true]").first
	editor.click()
	editor.type(WORDS)
	agent.shot("refusal 1 composed")
	page.get_by_role("button", name="Send", exact=True).click()

	# The draft is kept, as a held message with every word, and nothing went out.
	[held] = eventually(
		lambda: agent.get_list("Held Message", [["recipients", "like", f"%{email}%"]]),
		"the refused draft to be kept",
	)
	agent.shot("refusal 2 after send")
	assert not agent.get_list(
		"Communication", [["reference_name", "=", lead], ["sent_or_received", "=", "Sent"]]
	), "a Communication was sent to a Do-Not-Contact person"

	# /crm's notifications panel tells the agent (on load; live it arrives over socket.io).
	page.reload()
	page.get_by_role("button", name="Notifications").click()
	told = page.get_by_text("was not sent").first
	expect(told).to_be_visible()
	expect(page.get_by_text("kept as a draft").first).to_be_visible()
	agent.shot("refusal 3 notifications")
	assert len(agent.get_list("CRM Notification", [["notification_type_doc", "=", held["name"]]])) == 1

	# The draft opens in /app with every word, and says why it was refused.
	page.goto(f"{agent.url}/app/held-message/{held['name']}")
	expect(page.locator("body")).to_contain_text("Refused: Do not contact")
	expect(page.locator("body")).to_contain_text(WORDS)
	agent.shot("refusal 4 draft")
