"""Make a site usable by a person and by the browser tests; safe to run again.

	cd BENCH/sites && ../env/bin/python /path/to/humane_crm/scripts/seed_site.py SITE \\
		--smtp-port 2525 --credentials BENCH/.humane-credentials [--demo]

- the setup wizard counted as done (country, time zone, language), so /app and /crm open straight away
- with --zone-in-contact-hours, the site's time zone set to one where it is now late morning to
  early afternoon on a Monday to Saturday (the default rules allow contact 08:00-21:00 then): the
  browser tests send as agents do, and must not depend on the hour CI runs at (on a Sunday around
  midday UTC, when no zone has a weekday afternoon, the zone where it is Sunday midday, and the
  site's contact-hours rules opened on Sundays)
- an outgoing Email Account pointed at the local mail sink (scripts/smtp_sink.py), so sends really
  go through Frappe's queue and land as MIME files
- an agent (Sales User) and a manager (Sales Manager, Cadence Manager, Template Reviewer) with
  passwords written to --credentials (text) and --credentials.json; passwords are kept on later runs
- with --demo, leads and a deal that show each guardrail: Marta (Do Not Contact), Ana (an open
  complaint), Sam (a deal two touches from its weekly cap) and Lena (nothing on record)
"""

import argparse
import json
import os
import secrets

import frappe

AGENT = "priya.agent@example.com"
MANAGER = "sam.manager@example.com"


def main() -> None:
	parser = argparse.ArgumentParser()
	parser.add_argument("site")
	parser.add_argument("--smtp-port", type=int, default=2525)
	parser.add_argument("--credentials", required=True)
	parser.add_argument("--demo", action="store_true")
	parser.add_argument("--zone-in-contact-hours", action="store_true")
	args = parser.parse_args()

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		zone, sunday = zone_in_contact_hours() if args.zone_in_contact_hours else (None, False)
		setup_wizard_done(zone)
		if sunday:
			print(f"it is Sunday in {zone} too: rules open on Sundays here: {', '.join(open_on_sundays())}")
		mail_to_sink(args.smtp_port)
		users = people(args.credentials)
		if args.demo:
			demo_records()
		frappe.db.commit()
		print(
			f"seeded {args.site}: users {', '.join(users)}" + ("; demo leads and deals" if args.demo else "")
		)
	finally:
		frappe.destroy()


def setup_wizard_done(zone: str | None = None) -> None:
	settings = frappe.get_single("System Settings")
	settings.setup_complete = 1
	settings.country = settings.country or "United States"
	settings.time_zone = zone or settings.time_zone or "America/New_York"
	settings.language = settings.language or "en"
	settings.flags.ignore_mandatory = True
	settings.save()
	if frappe.db.has_column("Installed Application", "is_setup_complete"):
		frappe.db.sql("update `tabInstalled Application` set is_setup_complete = 1")
	frappe.db.set_default("desktop:home_page", "workspace")


def zone_in_contact_hours() -> tuple[str, bool]:
	"""A fixed-offset zone (Etc/GMT±N) where it is now nearest 13:00 on a Monday to Saturday; and
	whether that could not be had. From about 07:00 to 19:00 UTC on a Sunday it is Sunday or night
	in every zone: then the zone where it is nearest 13:00, a Sunday, and True."""
	from datetime import datetime, timedelta, timezone

	now = datetime.now(timezone.utc)
	weekdays, every = [], []
	for offset in range(-12, 15):
		local = now + timedelta(hours=offset)
		every.append((abs(local.hour + local.minute / 60 - 13), offset))
		if local.weekday() < 6 and 9 <= local.hour < 19:
			weekdays.append(every[-1])
	offset = min(weekdays or every)[1]
	return (f"Etc/GMT{-offset:+d}" if offset else "Etc/UTC"), not weekdays  # (Etc/GMT+5 is UTC-5)


def open_on_sundays() -> list[str]:
	"""This site's contact-hours rules open on Sundays too (only when it is Sunday in every zone
	near midday: the browser tests send as agents do, and none tests the weekday)."""
	names = frappe.get_all(
		"Contact Cadence Rule", {"enabled": 1, "sunday": 0, "allowed_from": ("is", "set")}, pluck="name"
	)
	from humane_crm.utils import cache

	for name in names:
		frappe.db.set_value("Contact Cadence Rule", name, "sunday", 1)
	cache.forget()  # (the rules are kept in Redis; a set value does not say so)
	return names


def mail_to_sink(port: int) -> None:
	name = "Humane CRM Dev Outbox"
	values = {
		"email_id": "crm@humane.localhost",
		"email_account_name": name,
		"enable_outgoing": 1,
		"default_outgoing": 1,
		"smtp_server": "127.0.0.1",
		"smtp_port": port,
		"use_tls": 0,
		"use_ssl_for_outgoing": 0,
		"no_smtp_authentication": 1,
		"enable_incoming": 0,
		"awaiting_password": 0,
	}
	if frappe.db.exists("Email Account", name):
		doc = frappe.get_doc("Email Account", name)
		doc.update(values)
	else:
		doc = frappe.get_doc({"doctype": "Email Account", **values})
	frappe.flags.in_install = True  # no SMTP login test: the sink may not be listening yet
	try:
		doc.save()
	finally:
		frappe.flags.in_install = False


def people(path: str) -> list[str]:
	known = json.load(open(path + ".json")) if os.path.exists(path + ".json") else {}
	wanted = {
		"agent": (AGENT, "Priya", "Agent", ["Sales User"]),
		"manager": (
			MANAGER,
			"Sam",
			"Manager",
			["Sales User", "Sales Manager", "Cadence Manager", "Template Reviewer"],
		),
	}
	for key, (email, first, last, roles) in wanted.items():
		roles = [r for r in roles if frappe.db.exists("Role", r)]  # a site without the app lacks its roles
		password = known.get(key, {}).get("password") or secrets.token_urlsafe(12)
		if not frappe.db.exists("User", email):
			frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": first,
					"last_name": last,
					"send_welcome_email": 0,
					"user_type": "System User",
					"roles": [{"role": r} for r in roles],
				}
			).insert(ignore_permissions=True)
		else:
			frappe.get_doc("User", email).add_roles(*roles)
		from frappe.utils.password import update_password

		update_password(email, password)
		onboarding_done(email)
		known[key] = {"email": email, "password": password, "roles": roles}
	with open(path + ".json", "w") as f:
		json.dump(known, f, indent=1)
	with open(path, "w") as f:
		for key, user in known.items():
			f.write(f"{key:8} {user['email']}  password: {user['password']}  ({', '.join(user['roles'])})\n")
	return [u["email"] for u in known.values()]


# CRM 1.5x opens a "Getting started" panel over the page until these are done (frappe-ui keeps them
# in User.onboarding_status): a seeded user has seen it.
CRM_ONBOARDING = (
	"setup_your_password",
	"create_first_lead",
	"invite_your_team",
	"convert_lead_to_deal",
	"create_first_task",
	"create_first_note",
	"add_first_comment",
	"send_first_email",
	"change_deal_status",
)


def onboarding_done(user: str) -> None:
	if not frappe.db.has_column("User", "onboarding_status"):
		return
	status = frappe.parse_json(frappe.db.get_value("User", user, "onboarding_status") or "{}")
	status["frappecrm_onboarding_status"] = [{"name": n, "completed": True} for n in CRM_ONBOARDING]
	frappe.db.set_value("User", user, "onboarding_status", json.dumps(status), update_modified=False)


def demo_records() -> None:
	from humane_crm import api
	from humane_crm.complaints import actions
	from humane_crm.people import ledger
	from humane_crm.people.identities import keys_of

	frappe.set_user(MANAGER)
	marta = lead("Marta", "Ruiz", "marta.ruiz@example.com", "+1 212 555 0101")
	pref = api.check_contact("CRM Lead", marta)
	if pref.get("outcome") != "block":
		api.set_contact_preference(
			doctype="CRM Lead",
			name=marta,
			status="Do Not Contact",
			reason="Asked us by phone to stop contacting her",
			source="Customer",
		)

	frappe.set_user(AGENT)
	ana = lead("Ana", "Costa", "ana.costa@example.com", "+1 212 555 0102")
	if not frappe.db.exists("Complaint", {"reference_name": ana}):
		actions.open_complaint(
			"CRM Lead", ana, "Charged twice for the same order and no one answers the phone"
		)

	sam_lead = lead("Sam", "Lee", "sam.lee@example.com", "+1 212 555 0103")
	deal = frappe.db.get_value("CRM Deal", {"lead": sam_lead}, "name")
	if not deal:
		from crm.fcrm.doctype.crm_lead.crm_lead import convert_to_deal

		deal = convert_to_deal(lead=sam_lead)
	keys = keys_of(["sam.lee@example.com"], ["+1 212 555 0103"])
	if not frappe.db.count("Contact Attempt", {"reference_name": deal}):
		now = frappe.utils.now_datetime()
		for days_ago, agent, channel in ((5, AGENT, "Email"), (3, MANAGER, "Call")):
			ledger.record(
				frozenset(keys),
				channel,
				"Outbound",
				"Allowed",
				reference=("CRM Deal", deal),
				agent=agent,
				title="Sam Lee",
				at=frappe.utils.add_days(now, -days_ago),
			)

	lead("Lena", "Fischer", "lena.fischer@example.com", "+1 212 555 0104")
	frappe.set_user("Administrator")


def lead(first: str, last: str, email: str, phone: str) -> str:
	name = frappe.db.get_value("CRM Lead", {"email": email}, "name")
	if name:
		return name
	doc = frappe.get_doc(
		{
			"doctype": "CRM Lead",
			"first_name": first,
			"last_name": last,
			"email": email,
			"mobile_no": phone,
			"lead_owner": AGENT,
			"status": "New",
		}
	).insert()
	return doc.name


if __name__ == "__main__":
	main()
