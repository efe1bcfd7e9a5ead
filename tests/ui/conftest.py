"""The browser tests: Playwright for Python driving Debian's Chromium, headless, against a served
site with /crm built. `.ci/run` (through `.ci/on_bench`) serves a fresh site, seeds its users
(scripts/seed_site.py) and runs them with:

	HUMANE_CRM_UI_URL=http://SITE:PORT           the served site
	HUMANE_CRM_UI_CREDENTIALS=…/credentials.json  written by scripts/seed_site.py
	HUMANE_CRM_UI_SHOTS=…/shots                   where screenshots go (CI artifacts, not committed)
	HUMANE_CRM_UI_MAIL=…/mail                     the mail sink's folder (tests that read a real email)
	HUMANE_CRM_UI_CHROMIUM=/usr/bin/chromium      (default)

By hand against `bash scripts/dev-bench up`: HUMANE_CRM_UI_URL=http://localhost:8000 and the
bench's .humane-credentials.json. Nothing here sleeps for a fixed time: every wait is for a
condition, with a deadline.
"""

import json
import os
import re
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect, sync_playwright

# The desk's first load is several MB of JavaScript: on a busy 2-core machine it takes more than
# expect()'s own 5 s default. Every wait is still for a condition.
expect.set_options(timeout=20_000)

CHROMIUM_ARGS = [
	"--headless=new",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
]


def _setting(name: str, default: str | None = None) -> str:
	value = os.environ.get(name, default)
	if not value:
		raise pytest.UsageError(
			f"{name} is not set: the browser tests need a served site (see tests/ui/conftest.py)"
		)
	return value


@pytest.fixture(scope="session")
def ui() -> dict:
	credentials = json.load(open(_setting("HUMANE_CRM_UI_CREDENTIALS")))
	shots = Path(_setting("HUMANE_CRM_UI_SHOTS", "/tmp/humane-crm-ui-shots"))
	shots.mkdir(parents=True, exist_ok=True)
	return {
		"url": _setting("HUMANE_CRM_UI_URL").rstrip("/"),
		"users": credentials,
		"shots": shots,
		# where the site's outgoing mail lands (scripts/smtp_sink.py), for tests that read a real email
		"mail": Path(os.environ["HUMANE_CRM_UI_MAIL"]) if os.environ.get("HUMANE_CRM_UI_MAIL") else None,
	}


@pytest.fixture(scope="session")
def browser(ui):
	host = urlparse(ui["url"]).hostname
	with sync_playwright() as p:
		b = p.chromium.launch(
			executable_path=_setting("HUMANE_CRM_UI_CHROMIUM", "/usr/bin/chromium"),
			args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {host} 127.0.0.1"],
		)
		yield b
		b.close()


class Session:
	"""A logged-in browser page and requests made as that user."""

	def __init__(self, browser, ui, who: str):
		self.ui, self.url = ui, ui["url"]
		self.user = ui["users"][who]["email"]
		self.context = browser.new_context(viewport={"width": 1400, "height": 900})
		self.context.set_default_timeout(20_000)
		# CRM 1.5x covers the page with a "Getting started" panel until frappe-ui's flag says done
		self.context.add_init_script(
			f"localStorage.setItem('isOnboardingStepsCompletedfrappecrm{self.user}', 'true')"
		)
		response = self.context.request.post(
			f"{self.url}/api/method/login", form={"usr": self.user, "pwd": ui["users"][who]["password"]}
		)
		assert response.ok, f"login as {self.user} failed: {response.status} {response.text()[:200]}"
		self.page = self.context.new_page()

	def api(self, method: str, path: str, body: dict | None = None) -> dict:
		"""A request from inside the page (its session and CSRF token), as the user."""
		if not self.page.url.startswith(self.url):
			self.page.goto(f"{self.url}/crm")
		return self.page.evaluate(
			"""async ([method, path, body]) => {
				const r = await fetch(path, {method, headers: {"Content-Type": "application/json",
					"Accept": "application/json", "X-Frappe-CSRF-Token": window.csrf_token},
					body: body ? JSON.stringify(body) : undefined});
				return {status: r.status, ...(await r.json().catch(() => ({})))};
			}""",
			[method, path, body],
		)

	def call(self, method: str, **kwargs):
		answer = self.api("POST", f"/api/method/{method}", kwargs)
		assert answer["status"] == 200, f"{method}: {answer}"
		return answer.get("message")

	def get_list(self, doctype: str, filters: list, fields: str = '["name"]') -> list[dict]:
		answer = self.api(
			"GET",
			f"/api/resource/{doctype}?filters={json.dumps(filters)}&fields={fields}&limit_page_length=100",
		)
		assert answer["status"] == 200, answer
		return answer["data"]

	def shot(self, name: str) -> None:
		self.page.screenshot(path=str(self.ui["shots"] / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"))

	def close(self):
		self.context.close()


def eventually(check, what: str, timeout: float = 20.0, every: float = 0.25):
	"""Poll `check` until it returns something truthy, up to `timeout` seconds: a wait for a
	condition, not a fixed sleep. Fails naming `what` it was waiting for."""
	deadline = time.monotonic() + timeout
	while True:
		value = check()
		if value:
			return value
		if time.monotonic() > deadline:
			raise AssertionError(f"waited {timeout:.0f} s for {what}")
		time.sleep(every)


@pytest.fixture
def agent(browser, ui):
	s = Session(browser, ui, "agent")
	yield s
	s.close()


@pytest.fixture
def manager(browser, ui):
	s = Session(browser, ui, "manager")
	yield s
	s.close()


def new_lead(session: Session, first: str, last: str, **extra) -> tuple[str, str]:
	"""A lead owned by the session's user, with a fresh email address; (name, email)."""
	import uuid

	email = f"{first.lower()}.{uuid.uuid4().hex[:8]}@example.com"
	answer = session.api(
		"POST",
		"/api/resource/CRM Lead",
		{"first_name": first, "last_name": last, "email": email, "lead_owner": session.user, **extra},
	)
	assert answer["status"] == 200, answer
	return answer["data"]["name"], email
