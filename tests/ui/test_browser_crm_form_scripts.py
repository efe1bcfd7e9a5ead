"""Humane CRM in /crm, through the app's CRM Form Scripts: the person's contact state in a lead's
header without a click, the Contact menu, complaints and their checklist, held and refused drafts,
— each driven through the real UI as an agent and as a manager, and
checked on screen and in the database (through the API)."""

import re
import uuid
from datetime import date, timedelta

import crm_page
from conftest import eventually, new_lead
from crm_page import act, dialog, dialog_closed, field, menu
from playwright.sync_api import expect


def status(session, lead):
	return crm_page.status(session, "CRM Lead", lead)


def open_lead(session, lead):
	session.page.goto(f"{session.url}/crm/leads/{lead}")
	return header_shows(session, lead)


def header_shows(session, lead, pattern=None):
	"""The header button carrying the headline: the server's headline for this lead, on screen."""
	return crm_page.header_shows(session, "CRM Lead", lead, pattern)


# 1, 2, 6: status at a glance, the Contact menu, and the customer's own choice
# ------------------


def test_agent_sets_do_not_contact_and_cannot_relax_the_customers_choice(agent):
	lead, _email = new_lead(agent, "Marta", "Ruiz")
	first = open_lead(agent, lead)
	assert status(agent, lead)["check"]["outcome"] in ("allow", "block")
	agent.shot("crm 1 status at a glance")

	agent.page.get_by_role("button", name="Contact", exact=True).click()
	for item in (
		"Check contact",
		"Pause contact",
		"Do Not Contact",
		"Channel opt-outs",
		"Allow contact again",
	):
		expect(agent.page.locator("[role=menu]").get_by_text(item).first).to_be_visible()
	agent.shot("crm 2 contact menu")
	agent.page.keyboard.press("Escape")

	box = menu(agent, "Do Not Contact")
	act(agent, "Set Do Not Contact")  # no reason: refused in the dialog, nothing saved
	expect(box.locator("[data-humane-error]")).to_contain_text("Say why")
	field(box, "source").select_option("Customer")
	field(box, "reason").fill("Asked by phone on Monday")
	act(agent, "Set Do Not Contact")
	headline = header_shows(agent, lead, "Do not contact")
	assert headline != first and "Marta Ruiz asked us not to contact them" in headline and "Priya" in headline
	answer = agent.call("humane_crm.api.check_contact", doctype="CRM Lead", name=lead, channel="Email")
	assert answer["outcome"] == "block" and not answer["allowed"]
	agent.shot("crm 3 do not contact")

	box = menu(agent, "Check contact")
	expect(box).to_contain_text("Reasons")
	expect(box).to_contain_text("Asked by phone on Monday")
	agent.shot("crm 4 check contact")
	act(agent, "Close")

	box = menu(agent, "Allow contact again (managers only: the customer set it)")
	expect(box.locator("[data-humane-note]")).to_contain_text("only a Sales Manager or Cadence Manager")
	agent.shot("crm 5 allow again refused for agent")
	act(agent, "Close")
	assert status(agent, lead)["preference"]["status"] == "Do Not Contact"


def test_manager_allows_contact_again_after_the_customer_asked(manager):
	lead, _email = new_lead(manager, "Ana", "Lima")
	manager.call(
		"humane_crm.api.set_contact_preference",
		doctype="CRM Lead",
		name=lead,
		status="Do Not Contact",
		reason="Unsubscribed",
		source="Customer",
	)
	open_lead(manager, lead)
	header_shows(manager, lead, "Do not contact")
	box = menu(manager, "Allow contact again")
	field(box, "reason").fill("She wrote asking for the new catalogue")
	manager.shot("crm 6 manager allows again")
	act(manager, "Allow")
	header_shows(manager, lead, "^(?!Do not contact)")
	assert status(manager, lead)["preference"]["status"] == "Open"
	manager.shot("crm 7 contact allowed again")


def test_agent_pauses_and_opts_out_of_calls(agent):
	lead, _email = new_lead(agent, "Kenji", "Sato")
	open_lead(agent, lead)
	box = menu(agent, "Channel opt-outs")
	box.locator("input[id$='-ch_Call']").check()
	act(agent, "Save opt-outs")
	dialog_closed(agent)
	eventually(lambda: status(agent, lead)["preference"]["opted_out"] == ["Call"], "the Call opt-out saved")
	call = agent.call("humane_crm.api.check_contact", doctype="CRM Lead", name=lead, channel="Call")
	assert not call["allowed"]
	agent.shot("crm 8 call opted out")

	until = (date.today() + timedelta(days=40)).isoformat()
	box = menu(agent, "Pause contact")
	field(box, "until").fill(until)
	field(box, "reason").fill("Travelling until next month")
	act(agent, "Pause")
	header_shows(agent, lead, "[Pp]aused")
	assert status(agent, lead)["preference"]["paused_until"].startswith(until)
	agent.shot("crm 9 paused")


def test_override_is_offered_only_where_the_rules_allow_it(agent, manager):
	lead, email = new_lead(agent, "Lena", "Berg")
	open_lead(agent, lead)
	# A touch through CRM's own composer: the header follows the send, without a reload.
	agent.page.get_by_role("button", name="Reply", exact=True).first.click()
	editor = agent.page.locator(".ProseMirror[contenteditable=true]").first
	editor.click()
	editor.type("Lena, the catalogue you asked for is attached.")
	agent.page.get_by_role("button", name="Send", exact=True).click()
	eventually(lambda: status(agent, lead)["check"]["attempts"], "the email to count as a touch")
	header_shows(agent, lead, "Next contact")
	agent.shot("crm 10 after a send")

	box = menu(agent, "Override next contact (not yours to take)")
	expect(box).to_contain_text("Only a user with one of these roles")
	agent.shot("crm 11 override not for agent")
	act(agent, "Take a single pass")
	field(box, "reason").fill("She is waiting for this answer today")
	act(agent, "Take a single pass")
	expect(box.locator("[data-humane-error]")).to_contain_text("Only a user with one of these roles")

	manager.page.goto(f"{manager.url}/crm/leads/{lead}")
	header_shows(manager, lead, "Next contact")
	box = menu(manager, "Override next contact")
	field(box, "reason").fill("She is waiting for this answer today")
	act(manager, "Take a single pass")
	dialog_closed(manager)
	passes = manager.get_list(
		"Contact Override", [["reference_name", "=", lead], ["user", "=", manager.user]], '["name","reason"]'
	)
	assert [p["reason"] for p in passes] == ["She is waiting for this answer today"]
	manager.shot("crm 12 manager override")


# 3: complaints
# ------------------


def test_agent_works_a_complaint_from_open_to_resolved(agent):
	lead, email = new_lead(agent, "Omar", "Haddad")
	open_lead(agent, lead)
	box = menu(agent, "Open a complaint")
	field(box, "summary").fill("Charged twice for the March invoice")
	act(agent, "Open complaint")
	button = agent.page.get_by_role("button", name=re.compile("Complaint open: 6 checklist items left"))
	expect(button).to_be_visible()
	agent.shot("crm 13 complaint open")

	button.click()
	box = dialog(agent)
	expect(box).to_contain_text("Say back what went wrong, as they put it.")  # the guidance
	box.locator("input[id$='-tick_1']").check()
	box.locator("input[id$='-note_1']").fill("Repeated the double charge in her words")
	box.locator("input[id$='-tick_2']").check()
	agent.shot("crm 14 checklist ticking")
	act(agent, "Save checklist")
	button = agent.page.get_by_role("button", name=re.compile("Complaint open: 4 checklist items left"))
	expect(button).to_be_visible()
	complaint = status(agent, lead)["complaint"]
	assert [i["ticked"] for i in complaint["items"]][:3] == [True, True, False]
	assert complaint["items"][0]["note"] == "Repeated the double charge in her words"
	button.click()
	box = dialog(agent)
	expect(box.locator("[data-humane-left]")).to_contain_text("Still to do before a reply may go out")
	agent.shot("crm 15 what is left")
	for n in (3, 4, 5, 6):
		box.locator(f"input[id$='-tick_{n}']").check()
	act(agent, "Save checklist")
	expect(agent.page.get_by_role("button", name=re.compile("checklist done"))).to_be_visible()

	agent.call(
		"frappe.core.doctype.communication.email.make",
		doctype="CRM Lead",
		name=lead,
		recipients=email,
		subject="Your March invoice",
		content="Omar, you were charged twice and that is our mistake. I have refunded it today; I will call you Friday.",
		send_email=1,
	)
	complaint = eventually(lambda: status(agent, lead)["complaint"]["task"], "the follow-up task")
	button = agent.page.get_by_role("button", name=re.compile("follow-up owed"))
	expect(button).to_be_visible()
	button.click()
	box = dialog(agent)
	field(box, "note").fill("Refunded")
	act(agent, "Resolve")
	expect(box.locator("[data-humane-error]")).to_contain_text("follow-up")
	agent.shot("crm 16 resolve refused before follow-up")
	agent.page.keyboard.press("Escape")
	dialog_closed(agent)

	task = status(agent, lead)["complaint"]["follow_up_task"]
	agent.api("PUT", f"/api/resource/CRM Task/{task}", {"status": "Done"})
	agent.page.get_by_role("button", name=re.compile("follow-up owed")).click()
	box = dialog(agent)
	field(box, "note").fill("Refunded and called him on Friday; he is happy")
	act(agent, "Resolve")
	expect(agent.page.get_by_role("button", name=re.compile("follow-up owed"))).to_have_count(0)
	name = complaint and agent.get_list("Complaint", [["reference_name", "=", lead]], '["name","status"]')
	assert [c["status"] for c in name] == ["Resolved"]
	agent.shot("crm 17 complaint resolved")


def test_manager_confirms_and_agent_dismisses_suggested_complaints(agent, manager):
	for who, action in ((manager, "Confirm complaint"), (agent, "Dismiss")):
		lead, _email = new_lead(who, "Rosa", "Vidal")
		made = who.api(
			"POST",
			"/api/resource/Complaint",
			{
				"reference_doctype": "CRM Lead",
				"reference_name": lead,
				"summary": "Still waiting",
				"status": "Suggested",
			},
		)
		assert made["status"] == 200, made
		open_lead(who, lead)
		button = who.page.get_by_role("button", name="Possible complaint: confirm or dismiss")
		expect(button).to_be_visible()
		who.shot(f"crm 18 suggested complaint {who.user.split('@')[0]}")
		button.click()
		box = dialog(who)
		if action == "Dismiss":
			act(who, "Dismiss")
			expect(box.locator("[data-humane-error]")).to_contain_text("Say why")
			field(box, "reason").fill("A question about delivery times, not a complaint")
		act(who, action)
		expect(button).to_have_count(0)
		[row] = who.get_list("Complaint", [["reference_name", "=", lead]], '["status","dismissed_reason"]')
		assert row["status"] == ("Open" if action == "Confirm complaint" else "Dismissed"), row
		who.shot(f"crm 19 complaint {action.split()[0].lower()}ed")


# 4: held messages
# ------------------


def refused_draft(session, first):
	lead, email = new_lead(session, first, "Novak")
	session.call(
		"humane_crm.api.set_contact_preference",
		doctype="CRM Lead",
		name=lead,
		status="Do Not Contact",
		reason="Asked by phone",
	)
	open_lead(session, lead)
	session.page.get_by_role("button", name="Reply", exact=True).first.click()
	editor = session.page.locator(".ProseMirror[contenteditable=true]").first
	editor.click()
	editor.type(f"{first}, your order has shipped.")
	session.page.get_by_role("button", name="Send", exact=True).click()
	held = session.page.get_by_role("button", name="Held messages (1)")
	expect(held).to_be_visible()  # without a reload
	return lead, email, held


def test_agent_edits_and_discards_a_refused_draft_without_leaving_crm(agent):
	lead, email, held = refused_draft(agent, "Iva")
	held.click()
	item = agent.page.locator("[role=menu]").get_by_text(re.compile("Refused: Do not contact"))
	expect(item).to_be_visible()
	agent.shot("crm 20 held list")
	item.click()
	box = dialog(agent)
	expect(box).to_contain_text("Refused: Do not contact")
	subject = f"Shipped {uuid.uuid4().hex[:6]}"
	field(box, "subject").fill(subject)
	agent.shot("crm 21 held message open")
	act(agent, "Save")
	[row] = eventually(
		lambda: agent.get_list("Held Message", [["reference_name", "=", lead], ["subject", "=", subject]]),
		"the edited subject saved",
	)
	agent.page.get_by_role("button", name="Held messages (1)").click()
	agent.page.locator("[role=menu]").get_by_text(re.compile(subject)).click()
	box = dialog(agent)
	act(agent, "Send now")  # still Do Not Contact: refused, as the API refuses it
	expect(box.locator("[data-humane-error]")).to_contain_text("not")
	agent.shot("crm 22 release refused")
	field(box, "reason").fill("She asked us to stop; not sending")
	act(agent, "Discard")
	expect(agent.page.get_by_role("button", name=re.compile("Held messages"))).to_have_count(0)
	[row] = agent.get_list("Held Message", [["name", "=", row["name"]]], '["status","discard_reason"]')
	assert row == {"status": "Discarded", "discard_reason": "She asked us to stop; not sending"}
	agent.shot("crm 23 held discarded")


def test_notification_opens_the_draft_and_a_manager_releases_it(manager):
	lead, email, _held = refused_draft(manager, "Tomas")
	manager.page.reload()
	manager.page.get_by_role("button", name="Notifications").click()
	manager.page.get_by_text("was not sent").first.click()
	box = dialog(manager)
	expect(box).to_contain_text("Refused: Do not contact")
	manager.shot("crm 24 opened from notification")
	held = box.locator("[data-humane-held]").get_attribute("data-humane-held")
	assert manager.page.url.endswith(f"/crm/leads/{lead}#{held}")
	manager.page.keyboard.press("Escape")

	manager.call(
		"humane_crm.api.set_contact_preference",
		doctype="CRM Lead",
		name=lead,
		status="Open",
		reason="He wrote back asking for it",
	)
	open_lead(manager, lead)  # without the notification's hash, which opens the draft by itself
	manager.page.get_by_role("button", name="Held messages (1)").click()
	manager.page.locator("[role=menu]").get_by_text(re.compile("Refused")).click()
	dialog(manager)
	act(manager, "Send now")
	manager.shot("crm 25a release")
	eventually(
		lambda: manager.get_list(
			"Held Message", [["reference_name", "=", lead], ["status", "=", "Released"]]
		),
		"the draft to be released",
	)
	expect(manager.page.get_by_role("button", name=re.compile("Held messages"))).to_have_count(0)
	[row] = manager.get_list("Held Message", [["reference_name", "=", lead]], '["status","communication"]')
	assert row["status"] == "Released" and row["communication"]
	manager.shot("crm 25 released")


# 5: templates are in test_crm_templates.py; stop requests in test_crm_stop_requests.py; deals in
# test_crm_deal.py
