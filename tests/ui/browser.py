"""What the hand-run browser checks share: their arguments, a logged-in page, and requests made from
inside it as the logged-in user."""

import argparse
from contextlib import contextmanager
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright


def arguments(doc: str) -> argparse.Namespace:
	parser = argparse.ArgumentParser(description=doc.split("\n")[0])
	parser.add_argument("--url", required=True)
	parser.add_argument("--user", required=True)
	parser.add_argument("--password", required=True)
	parser.add_argument("--chromium", default="/usr/bin/chromium")
	parser.add_argument("--shots", default="/tmp")
	return parser.parse_args()


@contextmanager
def logged_in(args: argparse.Namespace):
	"""A Chromium page logged in as --user (the site's host name resolved to this machine)."""
	host = urlparse(args.url).hostname
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
		try:
			yield page
		finally:
			browser.close()


def api(page, method: str, path: str, body: dict | None = None) -> dict:
	"""A request from inside the page, as the logged-in user (the browser's session and CSRF token)."""
	return page.evaluate(
		"""async ([method, path, body]) => {
			const r = await fetch(path, {method, headers: {"Content-Type": "application/json",
				"X-Frappe-CSRF-Token": window.csrf_token}, body: body ? JSON.stringify(body) : undefined});
			return await r.json();
		}""",
		[method, path, body],
	)


def report(checks: dict[str, bool]) -> int:
	for name, ok in checks.items():
		print(f"{'ok  ' if ok else 'FAIL'} {name}")
	return 0 if all(checks.values()) else 1
