"""A person's SMS, as an SMS gateway's webhook reports it (`humane_crm.voice.sms.received`): called
over HTTP through Frappe's own request handling, authenticated with the gateway user's API key, on
a real site. Neither Frappe nor CRM keeps inbound SMS, so this is the one way in."""

import frappe
from frappe.utils import get_test_client

from humane_crm.api import check_contact
from humane_crm.people import ledger
from humane_crm.tests.utils import AGENT, HumaneTestCase, make_lead, make_user, new_phone

PATH = "/api/method/humane_crm.voice.sms.received"


def post(auth: str | None, **data):
	"""A POST with no cookies, as a gateway sends it, through Frappe's request handling."""
	from frappe.tests.test_api import make_request

	client = get_test_client(use_cookies=False)
	headers = {"Authorization": f"token {auth}"} if auth else {}
	return make_request(target=client.post, args=(PATH,), kwargs={"data": data, "headers": headers})


def gateway_user(email: str, *roles: str) -> str:
	"""A user with these roles (the SMS Gateway's by default) and API keys: `key:secret`. Also run on
	a served site by the browser suite (tests/ui/site_side.execute), which commits."""
	make_user(email, *(roles or ("SMS Gateway",)))
	user = frappe.get_doc("User", email)
	user.api_key = frappe.generate_hash(length=15)
	secret = frappe.generate_hash(length=15)
	user.api_secret = secret
	user.save(ignore_permissions=True)
	return f"{user.api_key}:{secret}"


def forget_user(email: str) -> None:
	"""(Frappe 15.44 refuses to delete any user on a site with a single manager: its rows, then.)"""
	for contact in frappe.get_all("Contact Email", {"email_id": email}, pluck="parent"):
		frappe.delete_doc("Contact", contact, force=True, ignore_permissions=True)
	frappe.db.delete("Has Role", {"parent": email, "parenttype": "User"})
	frappe.db.delete("User", {"name": email})


class TestAnSMSFromTheGateway(HumaneTestCase):
	def setUp(self):
		super().setUp()
		self.typed, self.written, self.key = new_phone()
		self.lead = make_lead("Omar", mobile_no=self.typed, lead_owner=AGENT)
		self.users = []
		self.gateway = self.api_user("SMS Gateway")
		frappe.db.commit()  # the request runs on its own connection
		self.addCleanup(self.forget)

	def forget(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		person = ledger.persons_holding({self.key}).get(self.key) or "-"
		for name in frappe.get_all("Stop Request", {"reference_name": self.lead.name}, pluck="name"):
			frappe.db.delete("Comment", {"reference_doctype": "Stop Request", "reference_name": name})
			frappe.db.delete("Stop Request", {"name": name})
		frappe.db.delete("Contact Attempt", {"person": person})
		frappe.db.delete("Contact Preference Key", {"parent": person})
		frappe.db.delete("Contact Preference", {"name": person})
		frappe.db.delete("CRM Notification", {"reference_name": self.lead.name})
		frappe.db.delete("CRM Lead", {"name": self.lead.name})
		for user in self.users:
			forget_user(user)
		frappe.db.commit()

	def api_user(self, *roles: str) -> str:
		email = f"api.{frappe.generate_hash(length=8)}@example.com"
		self.users.append(email)
		keys = gateway_user(email, *roles)
		frappe.db.commit()  # the request checks the key on its own connection
		return keys

	def answer(self, response) -> dict:
		frappe.db.rollback()  # a fresh snapshot: what the request committed
		return response.json

	def preference(self):
		return frappe.get_doc("Contact Preference", ledger.persons_holding({self.key})[self.key])

	def test_stop_alone_opts_out_of_sms_at_once_and_tells_the_owner(self):
		# the number as the carrier writes it, not as the agent typed it
		response = post(self.gateway, from_number=self.key, message="STOP", message_id="SM1")
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True))
		self.assertEqual(self.answer(response)["message"], {"outcome": "opted out", "stop_request": None})
		pref = self.preference()
		self.assertEqual((pref.opt_out_sms, pref.status, pref.source), (1, "Open", "Customer"))
		self.assertIn("STOP", pref.reason)
		self.assertTrue(
			frappe.db.exists("CRM Notification", {"reference_name": self.lead.name, "to_user": AGENT})
		)
		# Refused at once, and not answered "in the reply window": STOP is not a conversation.
		frappe.set_user(AGENT)
		self.assertFalse(check_contact("CRM Lead", self.lead.name, "SMS")["allowed"])
		self.assertTrue(check_contact("CRM Lead", self.lead.name, "Call")["allowed"])  # only SMS
		frappe.set_user("Administrator")
		# The gateway retries the same delivery: nothing changes the second time.
		modified = pref.modified
		again = post(self.gateway, from_number=self.key, message="STOP", message_id="SM1")
		self.assertEqual(self.answer(again)["message"]["outcome"], "already received")
		self.assertEqual(self.preference().modified, modified)

	def test_please_stop_texting_me_pauses_and_asks_the_owner(self):
		response = post(self.gateway, from_number=self.written, message="Please stop texting me, thanks")
		answer = self.answer(response)["message"]
		self.assertEqual(answer["outcome"], "stop request")
		request = frappe.get_doc("Stop Request", answer["stop_request"])
		self.assertEqual(
			(request.reference_name, request.request_owner, request.channel, request.heard_on),
			(self.lead.name, AGENT, "SMS", "SMS"),
		)
		self.assertEqual(self.preference().status, "Paused")
		# their message is in the ledger, as their own
		self.assertTrue(
			frappe.db.exists(
				"Contact Attempt",
				{"person": request.person, "channel": "SMS", "direction": "Inbound", "outcome": "Received"},
			)
		)

	def test_an_ordinary_text_is_received_and_pauses_nothing(self):
		answer = self.answer(post(self.gateway, from_number=self.key, message="See you at ten"))["message"]
		self.assertEqual(answer, {"outcome": "received", "stop_request": None})
		self.assertEqual(self.preference().status, "Open")
		self.assertFalse(frappe.db.exists("Stop Request", {"reference_name": self.lead.name}))

	def test_an_unknown_number_creates_nobody(self):
		_typed, _written, stranger = new_phone()
		answer = self.answer(post(self.gateway, from_number=stranger, message="STOP"))["message"]
		self.assertEqual(answer["outcome"], "unknown number")
		self.assertFalse(ledger.persons_holding({stranger}))

	def test_only_the_gateway_may_call_it_and_bad_input_is_a_clear_4xx(self):
		before = frappe.db.count("Contact Preference")
		self.assertEqual(post(None, from_number=self.key, message="STOP").status_code, 403)  # a guest
		agent = self.api_user("Sales User")
		response = post(agent, from_number=self.key, message="STOP")  # logged in, not the gateway
		self.assertEqual(response.status_code, 403)
		self.assertIn("SMS Gateway", response.get_data(as_text=True))
		bad = post(self.gateway, from_number="not a number", message="STOP")
		self.assertEqual(bad.status_code, 417)
		self.assertIn("is not a phone number", bad.get_data(as_text=True))
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Contact Preference"), before)

	def test_it_is_rate_limited(self):
		# The gateway's address has used up its minute (Frappe's rate_limit counts in the cache).
		key = frappe.cache.make_key("rl:humane_crm.voice.sms.received:127.0.0.1")
		frappe.cache.setex(key, 60, 10_000)
		self.addCleanup(frappe.cache.delete, key)
		response = post(self.gateway, from_number=self.key, message="STOP")
		self.assertEqual(response.status_code, 429)
		frappe.db.rollback()
		self.assertFalse(ledger.persons_holding({self.key}))  # nothing happened
