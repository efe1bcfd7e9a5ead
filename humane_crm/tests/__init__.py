"""Integration-test helpers, run by Frappe's own runner on a real site with CRM.

`IntegrationTestCase` is imported once, here, with a fallback: v16 renames v15's
`FrappeTestCase` and moves it to `frappe.tests`.
"""

try:
	from frappe.tests import IntegrationTestCase
except ImportError:  # Frappe v15
	from frappe.tests.utils import FrappeTestCase as IntegrationTestCase

import frappe

__all__ = ["IntegrationTestCase", "make_lead", "make_user", "set_preference", "send_email", "make_call"]


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
	doctype: str, name: str, recipients: str, content: str = "Hello, following up on your enquiry."
):
	"""Send an email the way CRM's email composer does."""
	from frappe.core.doctype.communication.email import make

	return make(
		doctype=doctype,
		name=name,
		subject="Your enquiry",
		content=content,
		recipients=recipients,
		send_email=False,
		communication_medium="Email",
		sent_or_received="Sent",
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
	from humane_crm import people

	key = people.email_key(identity) or people.phone_key(identity)
	return frappe.db.get_value("Contact Preference Key", {"identity": key}, "parent")
