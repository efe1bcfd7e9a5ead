"""Bench commands: `bench --site SITE humane-crm check DOCTYPE NAME [--channel email]`."""

import json

import click
from frappe.commands import get_site, pass_context


@click.group("humane-crm")
def humane_crm():
	"""Humane CRM: contact cadence and the customer's own voice."""


@humane_crm.command("check")
@click.argument("doctype")
@click.argument("name")
@click.option("--channel", default="email", show_default=True, help="email, call, sms or whatsapp")
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON, as the API returns it")
@pass_context
def check(context, doctype, name, channel, as_json):
	"""May the person behind DOCTYPE NAME be contacted on CHANNEL now, and why?"""
	import frappe

	from humane_crm.api import check_contact

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		result = check_contact(doctype, name, channel)
	except frappe.ValidationError as e:
		raise click.ClickException(frappe.utils.strip_html(str(e))) from e
	finally:
		frappe.destroy()
	if as_json:
		click.echo(json.dumps(result, indent=2, default=str))
		return
	click.echo(render(doctype, name, result))


def render(doctype: str, name: str, result: dict) -> str:
	verdict = {
		"allow": "ALLOWED",
		"exempt": "ALLOWED (exempt)",
		"warn": "ALLOWED with a warning",
		"block": "REFUSED",
	}
	lines = [
		f"{doctype} {name} · {result['channel']}: {verdict[result['outcome']]}",
		f"  {result['summary']}",
	]
	if result["keys"]:
		lines.append(f"  Known as: {', '.join(result['keys'])}")
	for reason in result["reasons"]:
		lines.append(f"  - {reason['message']}")
	if not result["reasons"]:
		lines.append("  - No preference or rule speaks against it.")
	return "\n".join(lines)


@humane_crm.command("backfill")
@click.option("--batch-size", default=500, show_default=True, help="Sources read per batch")
@pass_context
def backfill(context, batch_size):
	"""Build the contact ledger from existing Communications and CRM Call Logs (safe to re-run)."""
	import time

	import frappe

	from humane_crm.people import backfill as job

	frappe.init(site=get_site(context))
	frappe.connect()
	frappe.set_user("Administrator")
	started = time.monotonic()
	try:
		bars = {}

		def progress(doctype, done, total):
			bar = bars.get(doctype)
			if bar is None:
				bar = bars[doctype] = click.progressbar(
					length=max(total, 1), label=f"{doctype:<14}", show_pos=True
				)
				bar.__enter__()
			bar.update(done - bar.pos)

		summary = job.run(batch_size=batch_size, progress=progress)
		for bar in bars.values():
			bar.__exit__(None, None, None)
	finally:
		frappe.destroy()
	seconds = time.monotonic() - started
	scanned = sum(summary.scanned.values())
	click.echo(
		f"Scanned {summary.scanned['Communication']} emails and {summary.scanned['CRM Call Log']} calls "
		f"in {seconds:.1f} s ({scanned / seconds if seconds else 0:.0f}/s): "
		f"{summary.added} ledger rows added, {summary.skipped} already recorded, "
		f"{summary.nobody} reached nobody we could identify."
	)


@humane_crm.command("complaint-corpus")
@click.option(
	"--corpus", default=None, help="A JSON Lines corpus (default: the app's tests/corpus/complaints.jsonl)"
)
@pass_context
def complaint_corpus(context, corpus):
	"""Recall and false alarms of this site's complaint cues on the labelled corpus, and which
	emails were missed or wrongly flagged."""
	import frappe

	from humane_crm.complaints.spotting import corpus_report

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		click.echo(corpus_report(corpus))
	finally:
		frappe.destroy()


commands = [humane_crm]
