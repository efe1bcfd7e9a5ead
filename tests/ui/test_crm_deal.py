"""Humane CRM on a deal's page in /crm (a lead converted the way CRM's own button converts it): the
person's contact state in the header, the Contact menu, a reply refused and kept as a held draft,
and the customer's own Do Not Contact that only a manager relaxes — on screen and in the database."""

import re

from conftest import new_lead
from crm_page import act, dialog, dialog_closed, field, header_shows, menu, open_record, preference
from playwright.sync_api import expect

DEAL = "CRM Deal"


def new_deal(session, first, last):
	lead, email = new_lead(session, first, last)
	deal = session.call("crm.fcrm.doctype.crm_lead.crm_lead.convert_to_deal", lead=lead)
	assert deal, f"{lead} was not converted"
	return deal, email


def test_agent_on_a_deal_sees_the_state_sets_do_not_contact_and_discards_the_refused_reply(agent):
	deal, email = new_deal(agent, "Greta", "Holm")
	first = open_record(agent, DEAL, deal)
	agent.shot("deal 1 status at a glance")

	agent.page.get_by_role("button", name="Contact", exact=True).click()
	for item in (
		"Check contact",
		"Pause contact",
		"Do Not Contact",
		"Channel opt-outs",
		"Allow contact again",
	):
		expect(agent.page.locator("[role=menu]").get_by_text(item).first).to_be_visible()
	agent.shot("deal 2 contact menu")
	agent.page.keyboard.press("Escape")

	box = menu(agent, "Do Not Contact")
	field(box, "source").select_option("Customer")
	field(box, "reason").fill("She asked on the phone not to be contacted again")
	act(agent, "Set Do Not Contact")
	dialog_closed(agent)
	headline = header_shows(agent, DEAL, deal, "^Do not contact")
	assert headline != first and "Greta Holm asked us not to contact them" in headline, headline
	assert preference(agent, DEAL, deal)["status"] == "Do Not Contact"
	agent.shot("deal 3 do not contact")

	# a reply through CRM's composer is refused, kept, and listed in the header without a reload
	agent.page.get_by_role("button", name="Reply", exact=True).first.click()
	editor = agent.page.locator(".ProseMirror[contenteditable=true]").first
	editor.click()
	editor.type("Greta, the contract is ready for your signature.")
	agent.page.get_by_role("button", name="Send", exact=True).click()
	held = agent.page.get_by_role("button", name="Held messages (1)")
	expect(held).to_be_visible()
	held.click()
	agent.page.locator("[role=menu]").get_by_text(re.compile("Refused: Do not contact")).click()
	box = dialog(agent)
	expect(box.locator("[data-humane-content]")).to_contain_text("the contract is ready for your signature")
	agent.shot("deal 4 held reply")
	field(box, "reason").fill("She asked us to stop; we will not send it")
	act(agent, "Discard")
	expect(agent.page.get_by_role("button", name=re.compile("Held messages"))).to_have_count(0)
	[row] = agent.get_list("Held Message", [["reference_name", "=", deal]], '["status","discard_reason"]')
	assert row == {"status": "Discarded", "discard_reason": "She asked us to stop; we will not send it"}

	# the customer's own wish: an agent cannot relax it, on a deal either
	box = menu(agent, "Allow contact again (managers only: the customer set it)")
	expect(box.locator("[data-humane-note]")).to_contain_text("only a Sales Manager or Cadence Manager")
	agent.shot("deal 5 allow again is for managers")
	act(agent, "Close")
	assert preference(agent, DEAL, deal)["status"] == "Do Not Contact"


def test_manager_on_a_deal_allows_contact_again_after_the_customer_asked(manager):
	deal, _email = new_deal(manager, "Ines", "Moreau")
	manager.call(
		"humane_crm.api.set_contact_preference",
		doctype=DEAL,
		name=deal,
		status="Do Not Contact",
		reason="Unsubscribed",
		source="Customer",
	)
	open_record(manager, DEAL, deal)
	header_shows(manager, DEAL, deal, "^Do not contact")
	box = menu(manager, "Allow contact again")
	expect(box.locator("[data-humane-note]")).to_have_count(0)
	field(box, "reason").fill("She signed up again at the fair")
	act(manager, "Allow")
	dialog_closed(manager)
	header_shows(manager, DEAL, deal, "^(?!Do not contact)")
	assert preference(manager, DEAL, deal)["status"] == "Open"
	manager.shot("deal 6 manager allowed contact again")
