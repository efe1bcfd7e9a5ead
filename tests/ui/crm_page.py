"""Helpers for driving a lead's or a deal's page in /crm and asking the server what it shows (the
app's Form Scripts put the server's answer in the page header)."""

import re

from conftest import eventually
from playwright.sync_api import expect

STATUS = "humane_crm.crm_ui.record.record_status"
ROUTES = {"CRM Lead": "leads", "CRM Deal": "deals"}


def status(session, doctype, name):
	return session.call(STATUS, doctype=doctype, name=name)


def open_record(session, doctype, name):
	session.page.goto(f"{session.url}/crm/{ROUTES[doctype]}/{name}")
	return header_shows(session, doctype, name)


def header_shows(session, doctype, name, pattern=None):
	"""The header button carrying the headline: the server's headline for this record, on screen."""

	def shown():
		headline = status(session, doctype, name)["headline"]
		if pattern and not re.search(pattern, headline):
			return None
		button = session.page.get_by_role("button", name=headline, exact=True)
		return headline if button.count() and button.first.is_visible() else None

	return eventually(shown, f"the header to show the contact state{' ' + pattern if pattern else ''}")


def menu(session, item):
	session.page.get_by_role("button", name="Contact", exact=True).click()
	session.page.locator("[role=menu]").get_by_text(item).first.click()
	return dialog(session)


def dialog(session):
	box = session.page.locator("[data-humane-dialog]").last
	expect(box).to_be_visible()
	return box


def field(box, name):
	return box.locator(f"[id$='-{name}']").first


def act(session, label):
	session.page.get_by_role("button", name=label, exact=True).last.click()


def dialog_closed(session):
	expect(session.page.locator("[data-humane-dialog]")).to_have_count(0)


def preference(session, doctype, name):
	return status(session, doctype, name)["preference"]
