"""The customer's own voice: the link in every email, one-click unsubscribe, their page, Frappe's
unsubscribe agreeing, and "stop" understood — on a real site, mail through Frappe's queue to a
local SMTP sink, the page and the one-click POST called over HTTP as a guest with no cookies."""

import email
import importlib.util
import os
import re
import socket
import tempfile
from email import policy
from urllib.parse import unquote, urlparse

import frappe
from frappe.core.doctype.communication.email import make

from humane_crm.api import check_contact
from humane_crm.exceptions import ChannelOptedOutError, ContactPausedError, StopRequestError
from humane_crm.people import identities, ledger
from humane_crm.tests.utils import (
	AGENT,
	HumaneTestCase,
	make_lead,
	new_email,
	new_phone,
	receive_email,
	send_email,
)
from humane_crm.voice import choices, links, stop

FOOTER = "Hearing from us too often?"


def guest(method: str, path: str, **kwargs):
	"""A request with no login and no cookies, through Frappe's own request handling."""
	from frappe.tests.test_api import make_request
	from frappe.utils import get_test_client

	client = get_test_client(use_cookies=False)
	return make_request(target=getattr(client, method), args=(path,), kwargs=kwargs)


def path_of(url: str) -> str:
	parsed = urlparse(url)
	return f"{parsed.path}?{parsed.query}"


def person_of_email(address: str) -> str | None:
	key = identities.email_key(address)
	return ledger.persons_holding({key}).get(key)


def preference(address: str):
	return frappe.get_doc("Contact Preference", person_of_email(address))


class Sink:
	"""scripts/smtp_sink.py on a free port, in this process: every message kept as a .eml file."""

	def __init__(self):
		path = os.path.join(frappe.get_app_path("humane_crm"), "..", "scripts", "smtp_sink.py")
		spec = importlib.util.spec_from_file_location("humane_crm_smtp_sink", path)
		module = importlib.util.module_from_spec(spec)
		spec.loader.exec_module(module)
		from aiosmtpd.controller import Controller

		with socket.socket() as s:
			s.bind(("127.0.0.1", 0))
			self.port = s.getsockname()[1]
		self.folder = tempfile.mkdtemp(prefix="humane-crm-sink-")
		self.controller = Controller(module.Keep(self.folder), hostname="127.0.0.1", port=self.port)
		self.controller.start()

	def messages(self) -> dict[str, email.message.EmailMessage]:
		"""envelope recipient → the message as the sink received it."""
		out = {}
		for name in sorted(os.listdir(self.folder)):
			if name.endswith(".eml"):
				with open(os.path.join(self.folder, name), "rb") as f:
					raw = f.read()
				mail = email.message_from_bytes(raw, policy=policy.default)
				mail.raw = raw  # as it crossed the wire: headers not decoded
				out[mail["X-Sink-Rcpt"]] = mail
		return out

	def stop(self):
		self.controller.stop()


def bodies(mail) -> tuple[str, str]:
	text = mail.get_body(("plain",))
	html = mail.get_body(("html",))
	return (text.get_content() if text else ""), (html.get_content() if html else "")


class VoiceTestCase(HumaneTestCase):
	def setUp(self):
		super().setUp()
		self.email = new_email("ana")
		self.lead = make_lead("Ana", email=self.email, lead_owner=AGENT)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()


class MailTestCase(VoiceTestCase):
	"""Frappe's queue sends to an SMTP sink in this process, through an Email Account of its own."""

	def setUp(self):
		super().setUp()
		self.sink = Sink()
		self.addCleanup(self.sink.stop)
		self.account = frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": f"Voice {frappe.generate_hash(length=6)}",
				"email_id": f"shop.{frappe.generate_hash(length=6)}@example.com",
				"enable_outgoing": 1,
				"default_outgoing": 0,  # the site's own default stays as it is
				"smtp_server": "127.0.0.1",
				"smtp_port": self.sink.port,
				"use_tls": 0,
				"use_ssl": 0,
				"no_smtp_authentication": 1,
				"awaiting_password": 0,
			}
		)
		self.account.flags.ignore_validate = True
		self.account.insert(ignore_permissions=True)
		# This request's outgoing account (Frappe keeps the one it found per request): the sink's.
		frappe.local.outgoing_email_account = {"default": self.account}
		frappe.flags.testing_email = True
		self.addCleanup(lambda: setattr(frappe.flags, "testing_email", False))
		self.addCleanup(self.forget_lead)  # Frappe's queue commits as it sends

	def send_through_the_queue(self, cc=None):
		"""CRM's composer's email, sent by Frappe's queue now, to the SMTP sink."""
		frappe.set_user(AGENT)
		make(
			doctype="CRM Lead",
			name=self.lead.name,
			subject="Your enquiry",
			content="<p>Hello Ana, the blue coat is back in your size.</p>",
			recipients=self.email,
			cc=cc,
			send_email=1,
			now=True,
		)
		frappe.set_user("Administrator")
		return self.sink.messages()

	def forget_lead(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		person = person_of_email(self.email)
		for name in frappe.get_all("Email Unsubscribe", {"email": self.email}, pluck="name"):
			frappe.delete_doc("Email Unsubscribe", name, force=True, ignore_permissions=True)
		# (Frappe 15.44 refuses to delete any user on a site with a single manager: rows, then)
		frappe.db.delete("Has Role", {"parent": self.email, "parenttype": "User"})
		frappe.db.delete("User", {"name": self.email})
		for contact in frappe.get_all("Contact Email", {"email_id": self.email}, pluck="parent"):
			frappe.delete_doc("Contact", contact, force=True, ignore_permissions=True)
		frappe.db.delete("Customer Link", {"person": person})
		frappe.db.delete("Contact Attempt", {"person": person})
		frappe.db.delete("Contact Preference Key", {"parent": person})
		frappe.db.delete("Contact Preference", {"name": person})
		frappe.db.delete("Communication", {"reference_name": self.lead.name})
		frappe.db.delete("CRM Lead", {"name": self.lead.name})
		frappe.db.delete("Email Account", {"name": self.account.name})
		frappe.db.commit()
		frappe.local.outgoing_email_account = {}


class TestTheLinkInEveryEmail(MailTestCase):
	def test_the_mime_that_reaches_the_server_carries_the_footer_and_both_headers(self):
		got = self.send_through_the_queue(cc=AGENT)
		mail = got[self.email]
		[link] = re.findall(r"<(https?://[^>]+)>", mail["List-Unsubscribe"])
		self.assertIn(f"{links.ROUTE}?t=", link)
		self.assertEqual(mail["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
		# on the wire a mail client finds a plain <URL>, not RFC 2047 encoded-words
		self.assertRegex(mail.raw, rb"(?m)^List-Unsubscribe: <https?://[^>\s]+/contact-choices\?t=")
		text, html = bodies(mail)
		self.assertIn(FOOTER, text)
		self.assertIn(link, text)
		self.assertIn(FOOTER, html)
		self.assertIn(f'href="{link}"', html.replace("&amp;", "&"))
		self.assertIn("the blue coat is back", html)
		# The token is opaque: nothing of the person's address or record in it.
		token = link.split("t=")[1]
		for secret in (self.email, self.email.split("@")[0], self.lead.name):
			self.assertNotIn(secret, token)
		# Stored hashed; the same link in every email to that person.
		self.assertEqual(
			frappe.db.get_value("Customer Link", {"token_hash": links.digest(token)}, "person"),
			person_of_email(self.email),
		)
		self.assertFalse(frappe.db.exists("Customer Link", {"token_hash": token}))
		# A colleague on CC gets the message without anybody's link.
		colleague = got[AGENT]
		self.assertIsNone(colleague["List-Unsubscribe"])
		self.assertNotIn(FOOTER, bodies(colleague)[1])

	def test_one_click_on_the_header_url_refuses_the_very_next_email(self):
		mail = self.send_through_the_queue()[self.email]
		[link] = re.findall(r"<(https?://[^>]+)>", mail["List-Unsubscribe"])
		frappe.db.commit()

		response = guest("post", path_of(link), data={"List-Unsubscribe": "One-Click"})
		self.assertEqual(response.status_code, 200)
		frappe.db.rollback()  # a fresh snapshot: what the click committed
		frappe.set_user(AGENT)
		with self.assertRaises(ChannelOptedOutError) as refused:
			send_email("CRM Lead", self.lead.name, self.email)
		self.assertIn("one-click unsubscribe", str(refused.exception))
		frappe.set_user("Administrator")
		pref = preference(self.email)
		self.assertEqual((pref.opt_out_email, pref.source), (1, "Customer"))
		# Idempotent: a second click changes nothing and still answers 200.
		modified = pref.modified
		self.assertEqual(
			guest("post", path_of(link), data={"List-Unsubscribe": "One-Click"}).status_code, 200
		)
		frappe.db.rollback()
		self.assertEqual(preference(self.email).modified, modified)


class TestThePersonsLanguage(MailTestCase):
	"""The footer and the page in the person's language when it is known, else the site's."""

	def test_a_person_whose_login_is_in_spanish_gets_the_footer_and_the_page_in_spanish(self):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": self.email,
				"first_name": "Ana",
				"user_type": "Website User",  # a portal login: still a customer, still governed
				"language": "es",
				"send_welcome_email": 0,
			}
		).insert(ignore_permissions=True)
		mail = self.send_through_the_queue(cc=AGENT)[self.email]
		text, html = bodies(mail)
		self.assertIn("¿Le escribimos demasiado?", text)
		self.assertIn("Elija cómo contactarle", html)
		self.assertNotIn(FOOTER, text + html)
		[link] = re.findall(r"<(https?://[^>]+)>", mail["List-Unsubscribe"])
		self.assertIn("_lang=es", link)
		# The colleague on CC reads no footer at all.
		self.assertNotIn("¿Le escribimos demasiado?", bodies(self.sink.messages()[AGENT])[1])
		# The link opens their page in Spanish, a guest's browser saying nothing of its language.
		response = guest("get", path_of(link))
		page = response.get_data(as_text=True)
		self.assertIn("Cómo le contactamos", page)
		self.assertIn("Hola, Ana:", page)
		self.assertIn('<html lang="es">', page)

	def test_a_choice_made_on_the_page_in_spanish_makes_the_next_footer_spanish(self):
		first = self.send_through_the_queue()[self.email]
		self.assertIn(FOOTER, bodies(first)[0])  # nothing known yet: the site's language
		[link] = re.findall(r"<(https?://[^>]+)>", first["List-Unsubscribe"])
		frappe.db.commit()
		response = guest(
			"post",
			path_of(link),
			data={"choice": "stop-call"},
			headers={"Accept-Language": "es-ES,es;q=0.9"},
		)
		self.assertIn("Hecho: no recibirá más llamadas de nuestra parte.", response.get_data(as_text=True))
		frappe.db.rollback()
		pref = preference(self.email)
		self.assertEqual((pref.opt_out_call, pref.source), (1, "Customer"))
		# What the business reads stays in the site's language.
		self.assertIn("Chosen by the customer on their contact choices page", pref.reason)
		second = self.send_through_the_queue()[self.email]
		text, html = bodies(second)
		self.assertIn("¿Le escribimos demasiado? Elija cómo contactarle", text)
		self.assertIn("_lang=es", second["List-Unsubscribe"])


class TestTheMailtoUnsubscribe(MailTestCase):
	def test_a_reply_to_the_mailto_of_the_header_stops_email(self):
		self.account.db_set("enable_incoming", 1)  # the shop reads mail: its address can take a mailto
		mail = self.send_through_the_queue()[self.email]
		[mailto] = re.findall(r"<(mailto:[^>]+)>", mail["List-Unsubscribe"])
		address, query = mailto[len("mailto:") :].split("?", 1)
		self.assertEqual(address, links.inbound_address())
		subject = unquote(query.removeprefix("subject="))
		self.assertRegex(subject, r"^unsubscribe [A-Za-z0-9_-]{40,64}$")
		# The person's mail client sends it; the account pulls it in, as Frappe's InboundMail does.
		raw = (
			f"From: Ana <{self.email}>\r\nTo: {address}\r\nSubject: {subject}\r\n"
			f"Message-ID: <{frappe.generate_hash(length=12)}@example.com>\r\n"
			"Content-Type: text/plain; charset=utf-8\r\n\r\n\r\n"
		).encode()
		from frappe.email.receive import InboundMail

		InboundMail(raw, frappe.get_doc("Email Account", {"email_id": address})).process()
		pref = preference(self.email)
		self.assertEqual((pref.opt_out_email, pref.source), (1, "Customer"))
		frappe.set_user(AGENT)
		with self.assertRaises(ChannelOptedOutError):
			send_email("CRM Lead", self.lead.name, self.email)

	def test_a_mailto_with_a_tampered_token_changes_nothing(self):
		token = links.token_for(ledger.person_for(frozenset({self.email}), "Ana"))
		for subject in (f"unsubscribe {token[:-2]}xx", "unsubscribe " + "A" * 43):
			self.assertFalse(choices.unsubscribe_by_mail(subject))
		self.assertEqual(preference(self.email).opt_out_email, 0)


class TestTheCustomersPage(VoiceTestCase):
	def setUp(self):
		super().setUp()
		self.person = ledger.person_for(frozenset({self.email}), "Ana Ruiz")
		self.token = links.token_for(self.person)
		frappe.db.commit()
		self.addCleanup(self.forget)

	def forget(self):
		frappe.db.rollback()
		frappe.db.delete("Customer Link", {"person": self.person})
		frappe.db.delete("Contact Preference Key", {"parent": self.person})
		frappe.db.delete("Contact Preference", {"name": self.person})
		frappe.db.delete("Email Unsubscribe", {"email": self.email})
		frappe.db.delete("CRM Lead", {"name": self.lead.name})
		frappe.db.commit()

	def page(self, token=None, **form):
		path = f"{links.ROUTE}?t={self.token if token is None else token}"
		response = guest("post", path, data=form) if form else guest("get", path)
		frappe.db.rollback()
		return response.status_code, response.get_data(as_text=True)

	def test_it_shows_the_first_name_and_choices_and_nothing_else(self):
		status, html = self.page()
		self.assertEqual(status, 200)
		self.assertIn("Hello Ana,", html)
		self.assertIn("Right now we may contact you.", html)
		self.assertNotIn(self.email, html)
		self.assertNotIn("Ruiz", html)
		self.assertNotIn("<script", html)  # works without JavaScript

	def test_pause_for_30_days_refuses_the_next_send_saying_the_customer_paused(self):
		status, html = self.page(choice="pause-30")
		self.assertIn("Done: we will not contact you until", html)
		pref = frappe.get_doc("Contact Preference", self.person)
		self.assertEqual((pref.status, pref.source), ("Paused", "Customer"))
		self.assertIn(links.ROUTE, pref.reason)
		frappe.set_user(AGENT)
		with self.assertRaises(ContactPausedError) as refused:
			send_email("CRM Lead", self.lead.name, self.email)
		self.assertIn("the customer paused contact until", str(refused.exception))
		# The customer's own choice: an agent cannot relax it…
		from humane_crm.exceptions import PreferenceLockedError
		from humane_crm.tests.utils import set_preference

		with self.assertRaises(PreferenceLockedError):
			set_preference("CRM Lead", self.lead.name, "Open")
		frappe.db.rollback()
		# …but the customer can, from the same page.
		status, html = self.page(choice="open")
		self.assertIn("Done: we may contact you again", html)
		self.assertEqual(frappe.db.get_value("Contact Preference", self.person, "status"), "Open")
		frappe.set_user(AGENT)
		send_email("CRM Lead", self.lead.name, self.email)

	def test_one_channel_and_stop_all(self):
		self.page(choice="stop-call")
		pref = frappe.get_doc("Contact Preference", self.person)
		self.assertEqual((pref.opt_out_call, pref.opt_out_email, pref.status), (1, 0, "Open"))
		status, html = self.page(choice="stop-all")
		self.assertIn("we will not contact you again", html)
		self.assertEqual(frappe.db.get_value("Contact Preference", self.person, "status"), "Do Not Contact")

	def test_a_tampered_or_unknown_token_changes_nothing_and_says_so(self):
		before = frappe.get_doc("Contact Preference", self.person).as_dict()
		for token in (self.token[:-1] + ("A" if self.token[-1] != "A" else "B"), "x" * 43, "<script>", ""):
			for form in ({}, {"choice": "stop-all"}, {"List-Unsubscribe": "One-Click"}):
				status, html = self.page(token, **form)
				self.assertEqual(status, 200)
				self.assertIn("This link is not valid", html)
				self.assertNotIn("Hello", html)
		after = frappe.get_doc("Contact Preference", self.person)
		self.assertEqual(
			(after.status, after.opt_out_email, after.modified), (before.status, 0, before.modified)
		)

	def test_a_person_who_no_longer_exists(self):
		frappe.db.delete("Contact Preference Key", {"parent": self.person})
		frappe.db.delete("Contact Preference", {"name": self.person})
		frappe.db.commit()
		status, html = self.page(choice="stop-all")
		self.assertIn("This link is not valid", html)


class TestFrappesUnsubscribeAgrees(VoiceTestCase):
	def test_a_one_click_ticks_the_contacts_flag_and_opening_again_clears_frappes_unsubscribe(self):
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Ana",
				"email_ids": [{"email_id": self.email, "is_primary": 1}],
			}
		).insert(ignore_permissions=True)
		person = ledger.person_for(frozenset({self.email}), "Ana")
		choices.one_click(person)
		self.assertEqual(frappe.db.get_value("Contact", contact.name, "unsubscribed"), 1)
		frappe.get_doc({"doctype": "Email Unsubscribe", "email": self.email, "global_unsubscribe": 1}).insert(
			ignore_permissions=True
		)
		choices.choose(person, "open")
		self.assertFalse(frappe.db.exists("Email Unsubscribe", {"email": self.email}))
		self.assertEqual(frappe.db.get_value("Contact", contact.name, "unsubscribed"), 0)

	def test_frappes_unsubscribe_link_opts_the_person_out(self):
		frappe.set_user("Guest")  # Frappe's link is clicked by a guest
		frappe.get_doc(
			{
				"doctype": "Email Unsubscribe",
				"email": self.email,
				"reference_doctype": "CRM Lead",
				"reference_name": self.lead.name,
			}
		).insert(ignore_permissions=True)
		frappe.set_user("Administrator")
		pref = preference(self.email)
		self.assertEqual((pref.opt_out_email, pref.source), (1, "Unsubscribe"))
		frappe.set_user(AGENT)
		with self.assertRaises(ChannelOptedOutError):
			send_email("CRM Lead", self.lead.name, self.email)

	def test_a_contact_marked_unsubscribed_opts_out_and_unticking_lets_email_through(self):
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Ana",
				"email_ids": [{"email_id": self.email, "is_primary": 1}],
			}
		).insert(ignore_permissions=True)
		contact.unsubscribed = 1
		contact.save(ignore_permissions=True)
		self.assertEqual(preference(self.email).opt_out_email, 1)
		contact.reload()
		contact.unsubscribed = 0
		contact.save(ignore_permissions=True)  # Administrator: may relax it
		self.assertEqual(preference(self.email).opt_out_email, 0)
		self.assertFalse(frappe.db.exists("Email Unsubscribe", {"email": self.email}))


class TestStopUnderstood(VoiceTestCase):
	def test_please_stop_emailing_me_pauses_at_once_and_asks_the_owner(self):
		receive_email("CRM Lead", self.lead.name, self.email, "Please stop emailing me.")
		pref = preference(self.email)
		self.assertEqual((pref.status, pref.source), ("Paused", "Customer"))
		self.assertIn("Please stop emailing me.", pref.reason)
		[request] = frappe.get_all(
			"Stop Request", {"reference_name": self.lead.name}, ["name", "status", "request_owner", "channel"]
		)
		self.assertEqual(
			(request.status, request.request_owner, request.channel), ("Waiting", AGENT, "Email")
		)
		self.assertTrue(
			frappe.db.exists("CRM Notification", {"notification_type_doc": request.name, "to_user": AGENT})
		)
		self.assertTrue(
			frappe.db.exists("Notification Log", {"document_name": request.name, "for_user": AGENT})
		)
		# Paused for every channel at once. (An email answering their own message stays allowed in the
		# reply window, as for every wish: "we have stopped, sorry" is an answer.)
		frappe.set_user(AGENT)
		self.assertFalse(check_contact("CRM Lead", self.lead.name, "Call")["allowed"])
		return request.name

	def test_confirming_stops_that_channel_for_good(self):
		name = self.test_please_stop_emailing_me_pauses_at_once_and_asks_the_owner()
		stop.confirm(name)
		pref = preference(self.email)
		self.assertEqual((pref.status, pref.opt_out_email, pref.source), ("Open", 1, "Customer"))
		with self.assertRaises(StopRequestError):
			stop.confirm(name)

	def test_confirming_a_request_to_stop_everything_is_do_not_contact(self):
		receive_email("CRM Lead", self.lead.name, self.email, "Remove me from your list, thanks")
		name = frappe.db.get_value("Stop Request", {"reference_name": self.lead.name})
		frappe.set_user(AGENT)
		stop.confirm(name)
		self.assertEqual(preference(self.email).status, "Do Not Contact")

	def test_dismissing_opens_contact_again(self):
		name = self.test_please_stop_emailing_me_pauses_at_once_and_asks_the_owner()
		with self.assertRaises(StopRequestError):
			stop.dismiss(name, " ")
		stop.dismiss(name, "They meant the newsletter, which they never got from us")
		pref = preference(self.email)
		self.assertEqual(pref.status, "Open")
		self.assertEqual(frappe.db.get_value("Stop Request", name, "status"), "Dismissed")
		self.assertTrue(check_contact("CRM Lead", self.lead.name, "Call")["allowed"])

	def test_an_ordinary_reply_pauses_nothing(self):
		receive_email("CRM Lead", self.lead.name, self.email, "Thanks! Can we talk at the end of the month?")
		self.assertFalse(frappe.db.exists("Stop Request", {"reference_name": self.lead.name}))
		self.assertEqual(
			frappe.db.get_value("Contact Preference", person_of_email(self.email), "status"), "Open"
		)

	def test_stop_alone_on_whatsapp_opts_out_of_whatsapp_at_once(self):
		typed, _written, key = new_phone()
		lead = make_lead("Omar", mobile_no=typed, lead_owner=AGENT)
		stop.heard("WhatsApp", "STOP", None, key, ("CRM Lead", lead.name), ("WhatsApp Message", "x"))
		pref = frappe.get_doc("Contact Preference", ledger.persons_holding({key})[key])
		self.assertEqual((pref.opt_out_whatsapp, pref.status, pref.source), (1, "Open", "Customer"))
		self.assertFalse(frappe.db.exists("Stop Request", {"reference_name": lead.name}))

	def test_stop_alone_from_the_whatsapp_webhook_opens_no_reply_window(self):
		from humane_crm.events import whatsapp

		typed, written, key = new_phone()
		lead = make_lead("Omar", mobile_no=typed, lead_owner=AGENT)
		message = frappe._dict(
			doctype="WhatsApp Message",
			name=frappe.generate_hash(length=10),
			type="Incoming",
			message="Stop",
			reference_doctype="CRM Lead",
			reference_name=lead.name,
			flags=frappe._dict(),
		)
		message["from"] = written
		frappe.set_user("Guest")  # frappe_whatsapp's webhook
		whatsapp.after_insert(message)
		frappe.set_user(AGENT)
		answer = check_contact("CRM Lead", lead.name, "WhatsApp")
		self.assertFalse(answer["allowed"])  # not "an answer to their own message"
		self.assertTrue(check_contact("CRM Lead", lead.name, "Call")["allowed"])

	def test_a_stop_request_is_made_and_decided_only_by_the_app(self):
		name = self.test_please_stop_emailing_me_pauses_at_once_and_asks_the_owner()
		doc = frappe.get_doc("Stop Request", name)
		doc.status = "Dismissed"
		with self.assertRaises(StopRequestError):
			doc.save()
		with self.assertRaises(StopRequestError):
			frappe.get_doc(
				{"doctype": "Stop Request", "reference_doctype": "CRM Lead", "reference_name": self.lead.name}
			).insert(ignore_permissions=True)  # even past permissions, only the app makes one
