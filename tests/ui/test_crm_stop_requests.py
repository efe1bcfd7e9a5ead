"""A customer's "please stop" in /crm (issue 14, point 5): their email pauses contact at once, and
the record's header shows the request — their words, when, the pause it made — until its owner
confirms it (Do Not Contact, or that channel's opt-out) or dismisses it with a reason, from /crm.
The email is filed as an Email Account files what it pulled in (tests/ui/site_side.py); everything
after it is driven through the page and checked on screen and in the database."""

import re

from conftest import new_lead
from crm_page import act, dialog, dialog_closed, field, header_shows, menu, open_record, preference
from playwright.sync_api import expect
from site_side import customer_writes

ASKED = re.compile(r"^Asked to stop .*“Please stop emailing me\.” — paused until")


def request_of(session, name):
	rows = session.get_list(
		"Stop Request", [["reference_name", "=", name]], '["name","status","channel","dismissed_reason"]'
	)
	assert len(rows) == 1, rows
	return rows[0]


def test_please_stop_emailing_me_shows_in_the_header_and_the_owner_confirms_it(agent):
	lead, email = new_lead(agent, "Nora", "Quist")
	customer_writes(agent, "CRM Lead", lead, email, "Please stop emailing me.")
	pref = preference(agent, "CRM Lead", lead)
	assert (pref["status"], pref["source"]) == ("Paused", "Customer")
	assert request_of(agent, lead)["status"] == "Waiting"

	open_record(agent, "CRM Lead", lead)
	button = agent.page.get_by_role("button", name=ASKED)
	expect(button).to_be_in_viewport()  # at a glance: not past the edge of a long header
	# email stays open for an answer (they wrote to us), but their wish leads the header
	header_shows(
		agent, "CRM Lead", lead, "^Paused by the customer until .* — you can still answer their message"
	)
	agent.shot("stop 1 request in the header")
	button.click()
	box = dialog(agent)
	expect(box.locator("[data-humane-stop]")).to_contain_text("Please stop emailing me.")
	expect(box).to_contain_text("Their message paused all contact until")
	agent.shot("stop 2 request dialog")
	act(agent, "Confirm: opt out of Email")
	dialog_closed(agent)
	expect(button).to_have_count(0)
	header_shows(agent, "CRM Lead", lead, "Email opted out")
	pref = preference(agent, "CRM Lead", lead)
	assert (pref["status"], pref["opted_out"], pref["source"]) == ("Open", ["Email"], "Customer")
	assert request_of(agent, lead)["status"] == "Confirmed"
	agent.shot("stop 3 confirmed email opt-out")


def test_remove_me_confirmed_is_do_not_contact_which_an_agent_cannot_relax(agent):
	lead, email = new_lead(agent, "Pavel", "Dvorak")
	customer_writes(agent, "CRM Lead", lead, email, "Remove me from your list, thanks")
	open_record(agent, "CRM Lead", lead)
	button = agent.page.get_by_role("button", name=re.compile("^Asked to stop .*Remove me from your list"))
	button.click()
	box = dialog(agent)
	expect(box).to_contain_text("Confirm: Do Not Contact, as they asked.")
	act(agent, "Confirm: Do Not Contact")
	dialog_closed(agent)
	headline = header_shows(agent, "CRM Lead", lead, "^Do not contact")
	assert "Pavel Dvorak asked us not to contact them" in headline, headline
	assert preference(agent, "CRM Lead", lead)["status"] == "Do Not Contact"
	assert request_of(agent, lead)["status"] == "Confirmed"
	agent.shot("stop 4 confirmed do not contact")

	# the customer's own wish: an agent cannot relax it from /crm either
	box = menu(agent, "Allow contact again (managers only: the customer set it)")
	expect(box.locator("[data-humane-note]")).to_contain_text("only a Sales Manager or Cadence Manager")
	refused = agent.api(
		"POST",
		"/api/method/humane_crm.api.set_contact_preference",
		{
			"doctype": "CRM Lead",
			"name": lead,
			"status": "Open",
			"reason": "He did not mean it",
			"source": "Agent",
		},
	)
	assert refused["status"] in (403, 417), refused
	assert preference(agent, "CRM Lead", lead)["status"] == "Do Not Contact"
	agent.shot("stop 5 agent cannot relax it")


def test_the_owner_dismisses_a_request_with_a_reason_and_contact_opens_again(manager):
	lead, email = new_lead(manager, "Olga", "Berg")
	customer_writes(manager, "CRM Lead", lead, email, "Please stop emailing me.")
	open_record(manager, "CRM Lead", lead)
	button = manager.page.get_by_role("button", name=ASKED)
	button.click()
	box = dialog(manager)
	act(manager, "Dismiss")  # no reason: refused in the dialog, nothing changed
	expect(box.locator("[data-humane-error]")).to_contain_text(
		"Say why this message is not a request to stop"
	)
	assert request_of(manager, lead)["status"] == "Waiting"
	field(box, "reason").fill("She meant the newsletter, which she never got from us")
	manager.shot("stop 6 dismiss with a reason")
	act(manager, "Dismiss")
	dialog_closed(manager)
	expect(button).to_have_count(0)
	header_shows(manager, "CRM Lead", lead, "^(?!Paused)")
	assert preference(manager, "CRM Lead", lead)["status"] == "Open"
	row = request_of(manager, lead)
	assert (row["status"], row["dismissed_reason"]) == (
		"Dismissed",
		"She meant the newsletter, which she never got from us",
	)
	manager.shot("stop 7 dismissed contact open")
