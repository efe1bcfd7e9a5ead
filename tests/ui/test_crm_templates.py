"""A template's review state where its author works (issue 13, point 5). CRM 1.56's Settings →
Email Templates is a fixed list apps cannot extend: it tells the author the state only by refusing to
enable an unapproved template. So the Contact menu of every lead and deal shows each template's
review state, who reviewed it, their comment and what comes next, and lets the author submit their
own draft for review; a Template Reviewer approves it (in the desk, here through the API), and the
author sees it approved and enabled. Checked on screen and in the database."""

import re
import uuid

import pytest
from conftest import new_lead
from crm_page import act, dialog_closed, field, menu, open_record
from playwright.sync_api import expect
from site_side import execute


@pytest.fixture
def templates():
	"""Make a template as a user; every one made is deleted afterwards, by its author."""
	made = []

	def new_template(session):
		name = f"Humane follow-up {uuid.uuid4().hex[:6]}"
		answer = session.api(
			"POST",
			"/api/resource/Email Template",
			{"name": name, "subject": "Hello", "response": "Hello there", "reference_doctype": "CRM Lead"},
		)
		assert answer["status"] == 200, answer
		made.append((session, name))
		return name

	yield new_template
	for session, name in made:
		gone = session.api("DELETE", f"/api/resource/Email Template/{name}")
		if gone["status"] == 403:
			execute(
				session, "frappe.delete_doc", doctype="Email Template", name=name, ignore_permissions=True
			)
		else:
			assert gone["status"] in (200, 202), gone


def review_state(session, name):
	return session.api("GET", f"/api/resource/Email Template/{name}")["data"]["humane_review_state"]


def templates_dialog(session, lead):
	open_record(session, "CRM Lead", lead)
	return menu(session, "Email templates: review state")


def test_author_submits_a_draft_from_crm_and_sees_it_approved(agent, manager, templates):
	name = templates(agent)
	lead, _email = new_lead(agent, "Eva", "Stone")
	box = templates_dialog(agent, lead)
	row = box.locator(f"[data-humane-template='{name}']")
	expect(row.locator("[data-humane-state]")).to_have_text("Draft")
	expect(row).to_contain_text("yours")
	expect(row).to_contain_text("submit it for review")
	agent.shot("templates 1 draft in crm")
	field(box, "template").select_option(name)
	act(agent, "Submit for review")
	dialog_closed(agent)
	assert review_state(agent, name) == "In Review"

	box = menu(agent, "Email templates: review state")
	row = box.locator(f"[data-humane-template='{name}']")
	expect(row.locator("[data-humane-state]")).to_have_text("In Review")
	expect(row).to_contain_text("Waiting for a Template Reviewer who did not write it")
	agent.shot("templates 2 in review")
	act(agent, "Close")

	# four eyes: the author cannot approve it; a reviewer who did not write it can
	refused = agent.api("POST", "/api/method/humane_crm.template_review.four_eyes.approve", {"name": name})
	assert refused["status"] >= 400, refused
	manager.call("humane_crm.template_review.four_eyes.approve", name=name, comment="Warm and clear")

	box = menu(agent, "Email templates: review state")
	row = box.locator(f"[data-humane-template='{name}']")
	expect(row.locator("[data-humane-state]")).to_contain_text("Approved")
	expect(row.locator("[data-humane-state]")).to_contain_text("by Sam Manager")
	expect(row.locator("[data-humane-state]")).to_contain_text("Warm and clear")
	expect(row).to_contain_text("enabled")
	agent.shot("templates 3 approved")
	assert review_state(agent, name) == "Approved"


def settings_templates(session):
	"""CRM 1.5x: the user menu → Settings → Email Templates. CRM 1.2x lists templates on a page of
	their own (Email Templates, in the sidebar) and has no such settings."""
	page = session.page
	page.goto(f"{session.url}/crm/leads")
	expect(page.get_by_text("Deals", exact=True).first).to_be_visible()  # the sidebar is drawn
	if page.get_by_text("Email Templates", exact=True).count():
		pytest.skip("CRM 1.2x: no Settings → Email Templates (templates have their own page)")
	page.get_by_text(re.compile(r"^CRM$")).first.click()
	page.get_by_role("menuitem", name="Settings").click()
	page.get_by_role("dialog").get_by_text("Email Templates", exact=True).first.click()
	return page.get_by_role("dialog")


def test_crm_settings_refuses_to_enable_a_draft_and_says_its_state(agent, templates):
	name = templates(agent)
	settings = settings_templates(agent)
	settings.locator("li", has_text=name).get_by_role("switch").click()
	said = re.compile(f"{re.escape(name)} is Draft: it can be enabled once another person approves it")
	expect(agent.page.get_by_text(said)).to_be_visible()
	agent.shot("templates 4 settings refuses a draft")
	data = agent.api("GET", f"/api/resource/Email Template/{name}")["data"]
	assert (data["humane_review_state"], data["enabled"]) == ("Draft", 0)
