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


commands = [humane_crm]
