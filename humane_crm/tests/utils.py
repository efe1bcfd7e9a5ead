"""The shared base of the integration tests, run by Frappe's own runner on a real site with CRM:
the agents tests act as, documents made as CRM makes them, and `HumaneTestCase`.

`IntegrationTestCase` is imported once, here, with a fallback: v16 renames v15's
`FrappeTestCase` and moves it to `frappe.tests`.
"""

import random
from contextlib import contextmanager

try:
	from frappe.tests import IntegrationTestCase
except ImportError:  # Frappe v15
	from frappe.tests.utils import FrappeTestCase as IntegrationTestCase

import frappe

from humane_crm.utils import cache

AGENT = "priya.agent@example.com"
OTHER_AGENT = "sam.agent@example.com"


def new_phone() -> tuple[str, str, str]:
	"""One US number written three ways, and its E.164 key."""
	a, b = random.randint(200, 989), random.randint(1000, 9999)
	return f"(415) {a}-{b}", f"+1 415-{a}-{b}", f"+1415{a}{b}"


def new_email(name="ana") -> str:
	return f"{name}.{frappe.generate_hash(length=8)}@example.com"


class HumaneTestCase(IntegrationTestCase):
	"""Agents, US phone numbers, and — unless a class says otherwise — no cadence rules, so that
	tests about preferences do not depend on the time of day they run at."""

	cadence_rules = False

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		before_tests()
		settings = frappe.get_single("Humane CRM Settings")
		settings.default_region = "US"
		settings.reply_window_hours = 72
		settings.save()
		cls._rules_were = dict(
			frappe.get_all("Contact Cadence Rule", fields=["name", "enabled"], as_list=True)
		)
		if not cls.cadence_rules:
			for name in cls._rules_were:
				frappe.db.set_value("Contact Cadence Rule", name, "enabled", 0)
			cache.forget()
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		for name, enabled in cls._rules_were.items():
			if frappe.db.exists("Contact Cadence Rule", name):
				frappe.db.set_value("Contact Cadence Rule", name, "enabled", enabled)
		cache.forget()
		frappe.db.commit()
		super().tearDownClass()

	def setUp(self):
		from humane_crm.cadence import query

		frappe.set_user("Administrator")
		query.forget_holders()  # (people an earlier test created were rolled back with it)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	@contextmanager
	def assertSelects(self, count: int):
		"""Exactly `count` SELECT statements reach MariaDB on this connection in the block, as the
		server counts them (`Com_select`): also those sent without `frappe.db.sql`
		(`cadence.inflight`), which Frappe's `assertQueryCount` does not see."""

		def selects() -> int:
			return int(frappe.db.sql("show session status like 'Com_select'")[0][1])

		before = selects()
		yield
		self.assertEqual(selects() - before, count, "SELECT statements MariaDB ran")


def make_user(email: str, *roles: str) -> str:
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0].replace(".", " ").title(),
				"send_welcome_email": 0,
			}
		)
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	missing = [r for r in roles if r not in [d.role for d in user.roles]]
	if missing:
		user.add_roles(*missing)
	return email


def make_lead(first_name: str = "Ana", email: str | None = None, mobile_no: str | None = None, **fields):
	lead = frappe.get_doc(
		{
			"doctype": "CRM Lead",
			"first_name": first_name,
			"last_name": "Ruiz",
			"email": email,
			"mobile_no": mobile_no,
			**fields,
		}
	)
	lead.insert(ignore_permissions=True)
	return lead


def set_preference(doctype: str, name: str, status: str, **kwargs) -> dict:
	from humane_crm.api import set_contact_preference

	return set_contact_preference(doctype, name, status, **kwargs)


def send_email(
	doctype: str,
	name: str,
	recipients: str,
	content: str = "Hello, following up on your enquiry.",
	subject: str = "Your enquiry",
	send: bool = False,
	**more,
):
	"""Send an email the way CRM's email composer does (`send`: queue it for the mail server too;
	`more`: any other argument of Frappe's `email.make`, e.g. a print format)."""
	from frappe.core.doctype.communication.email import make

	return make(
		doctype=doctype,
		name=name,
		subject=subject,
		content=content,
		recipients=recipients,
		send_email=send,
		communication_medium="Email",
		sent_or_received="Sent",
		**more,
	)


def receive_email(doctype: str, name: str, sender: str, content: str = "Hi, I have a question."):
	"""An inbound email on a record, as an Email Account would file it."""
	comm = frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Received",
			"communication_type": "Communication",
			"subject": "Question",
			"content": content,
			"sender": sender,
			"recipients": "sales@example.com",
			"reference_doctype": doctype,
			"reference_name": name,
		}
	)
	comm.flags.in_receive = True  # as frappe.email.receive.InboundMail marks what it pulled in
	comm.insert(ignore_permissions=True)
	return comm


def make_call(doctype: str, name: str, to: str, status: str = "Initiated", type: str = "Outgoing"):
	"""A CRM Call Log as CRM's Twilio webhook writes it before connecting the call."""
	log = frappe.get_doc(
		{
			"doctype": "CRM Call Log",
			"id": frappe.generate_hash(length=12),
			"type": type,
			"status": status,
			"from": "+14155550199" if type == "Outgoing" else to,
			"to": to if type == "Outgoing" else "+14155550199",
			"medium": "Twilio",
			"reference_doctype": doctype,
			"reference_docname": name,
		}
	)
	log.flags.ignore_permissions = True
	if type == "Incoming":  # reported by the provider's webhook, which runs as Guest
		user = frappe.session.user
		frappe.set_user("Guest")
		try:
			log.insert()
		finally:
			frappe.set_user(user)
	else:
		log.insert()
	return log


def attempts(**filters) -> list[dict]:
	return frappe.get_all(
		"Contact Attempt",
		filters=filters,
		fields=[
			"person",
			"channel",
			"direction",
			"outcome",
			"agent",
			"reference_name",
			"source_name",
			"reason",
		],
		order_by="creation asc",
	)


def person_of(identity: str) -> str | None:
	"""The Contact Preference (person) an email address or phone number belongs to."""
	from humane_crm.people import identities

	key = identities.email_key(identity) or identities.phone_key(identity)
	return frappe.db.get_value("Contact Preference Key", {"identity": key}, "parent")


def before_tests():
	"""Frappe's runner calls this (hooks.py) before any test: the agents the tests act as exist."""
	frappe.set_user("Administrator")
	make_user(AGENT, "Sales User")
	make_user(OTHER_AGENT, "Sales User")
	frappe.db.commit()


def make_lead_card():
	"""A Print Format of a lead (its name and "Your quote"), as an agent attaches to an email."""
	return frappe.get_doc(
		{
			"doctype": "Print Format",
			"name": f"Lead card {frappe.generate_hash(length=5)}",
			"doc_type": "CRM Lead",
			"print_format_type": "Jinja",
			"custom_format": 1,
			"standard": "No",
			"html": "<h1>{{ doc.lead_name }}</h1><p>Your quote</p>",
		}
	).insert()
