"""What a browser test cannot do over HTTP: a customer's own email arriving. An inbound email is the
person speaking only when an Email Account pulled it in (Frappe marks it `in_receive`); no API call
makes one, by design. So it is filed the way the integration tests file it
(`humane_crm.tests.utils.receive_email`), on the served site, through the bench's own `execute` command
(which commits).

The bench is the one whose Python runs these tests (`.ci/on_bench` and the README run pytest with
the bench's env/bin/python), or HUMANE_CRM_UI_BENCH; the site is HUMANE_CRM_UI_SITE, or the one
the served URL answers for (the desk's boot names it).
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path


def bench_dir() -> Path:
	given = os.environ.get("HUMANE_CRM_UI_BENCH")
	path = Path(given) if given else Path(sys.executable).parent.parent.parent
	if not (path / "sites").is_dir():
		raise AssertionError(
			f"{path} is not a bench (no sites/): run pytest with the bench's env/bin/python or set HUMANE_CRM_UI_BENCH"
		)
	return path


def site_of(session) -> str:
	if os.environ.get("HUMANE_CRM_UI_SITE"):
		return os.environ["HUMANE_CRM_UI_SITE"]
	if "site" not in session.ui:
		html = session.context.request.get(f"{session.url}/app").text()
		# the boot is an object in one Frappe and a JSON string (quotes escaped) in another
		found = re.search(r'sitename\\?":\s*\\?"([^"\\]+)', html)
		assert found, "the served site's name is not in the desk's boot: set HUMANE_CRM_UI_SITE"
		session.ui["site"] = found.group(1)
	return session.ui["site"]


def execute(session, method: str, **kwargs) -> str:
	"""Run `method(**kwargs)` on the served site as Administrator, committed; its printed answer."""
	bench = bench_dir()
	done = subprocess.run(
		[
			str(bench / "env" / "bin" / "python"),
			"-m",
			"frappe.utils.bench_helper",
			"frappe",
			"--site",
			site_of(session),
			"execute",
			method,
			"--kwargs",
			repr(kwargs),
		],
		cwd=bench / "sites",
		capture_output=True,
		text=True,
		timeout=120,
	)
	assert done.returncode == 0, f"{method}: {done.stderr[-2000:]}"
	return done.stdout


def customer_writes(session, doctype: str, name: str, sender: str, words: str) -> dict:
	"""The customer's email on the record, as an Email Account files what it pulled in."""
	out = execute(
		session,
		"humane_crm.tests.utils.receive_email",
		doctype=doctype,
		name=name,
		sender=sender,
		content=words,
	)
	return json.loads(out.strip().splitlines()[-1])
