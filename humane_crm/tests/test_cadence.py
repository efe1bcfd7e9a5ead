"""Contact cadence on a real site: the person counted across agents, channels and records."""

import dataclasses
import gc
import json
import random
from datetime import datetime, timedelta, timezone
from unittest.mock import patch
from zoneinfo import ZoneInfo

import frappe
from freezegun import freeze_time

from humane_crm.api import check_contact, check_contacts, override_next_contact
from humane_crm.cadence import answers, facts, inflight, query, rules
from humane_crm.exceptions import (
	ContactLimitError,
	ContactPausedError,
	InvalidRuleError,
	InvalidTimeZoneError,
	NoOverrideError,
	OutsideContactHoursError,
	ReasonRequiredError,
)
from humane_crm.people import identities, ledger
from humane_crm.people.identities import TIME_ZONE_FIELD
from humane_crm.setup import bookkeeping, layouts
from humane_crm.tests.utils import (
	AGENT,
	OTHER_AGENT,
	HumaneTestCase,
	attempts,
	make_call,
	make_lead,
	make_user,
	new_email,
	person_of,
	receive_email,
	send_email,
	set_preference,
)
from humane_crm.utils import cache, clock

NY = ZoneInfo("America/New_York")
MANAGER = "maria.manager@example.com"
TUESDAY_10AM = datetime(2026, 11, 24, 10, 0, tzinfo=NY)


def side_panel(doctype: str) -> list[dict]:
	return json.loads(
		frappe.db.get_value("CRM Fields Layout", {"dt": doctype, "type": "Side Panel"}, "layout") or "[]"
	)


def served_side_panel(doctype: str, name: str) -> list[dict]:
	"""The side panel's fields as /crm receives them: CRM 1.25 serves sections of fields, later CRM
	sections of columns of fields."""
	try:
		from crm.api.doc import get_sidebar_fields

		sections = get_sidebar_fields(doctype, name)
	except ImportError:
		from crm.fcrm.doctype.crm_fields_layout.crm_fields_layout import get_sidepanel_sections

		sections = get_sidepanel_sections(doctype)
	# fields the doctype does not have stay names; the ones it has arrive as dicts
	return [f for holder in layouts.field_holders(sections) for f in holder["fields"] if isinstance(f, dict)]


def ny_phone() -> str:
	"""A New York number: phonenumbers gives it exactly one zone, America/New_York."""
	return f"(212) {random.randint(200, 989)}-{random.randint(1000, 9999)}"


def at(dt):
	return freeze_time(dt)


def night_there_day_at_the_site(zone: ZoneInfo) -> datetime:
	"""An instant in the week of 2026-11-23 that the default contact hours (08:00–21:00, Monday to
	Saturday) allow in the site's zone and refuse in `zone`."""
	site = clock.site_zone()
	start = datetime(2026, 11, 24, 0, 0, tzinfo=timezone.utc)
	for half_hours in range(2 * 24 * 5):
		instant = start + timedelta(minutes=30 * half_hours)
		here, there = instant.astimezone(site), instant.astimezone(zone)
		if 9 <= here.hour < 20 and here.weekday() < 5 and not 8 <= there.hour < 21 and there.weekday() < 5:
			return instant
	raise AssertionError(f"the site's zone {site.key} keeps {zone.key}'s hours: no such instant")


class CadenceTestCase(HumaneTestCase):
	cadence_rules = True  # the installed defaults: 3 per 7 days, 24 h apart, 08:00–21:00 Mon–Sat

	def setUp(self):
		super().setUp()
		cache.forget()
		make_user(MANAGER, "Sales User", "Sales Manager")
		self.phone = ny_phone()
		self.email = new_email("ana")
		self.lead = make_lead("Ana", email=self.email, mobile_no=self.phone)

	def tearDown(self):
		super().tearDown()
		cache.forget()

	def only_rule(self, **fields):
		"""Disable every other rule (for this test) and add this one."""
		for name in frappe.get_all("Contact Cadence Rule", pluck="name"):
			frappe.db.set_value("Contact Cadence Rule", name, "enabled", 0)
		rule = frappe.get_doc(
			{
				"doctype": "Contact Cadence Rule",
				"rule_name": f"Test {frappe.generate_hash(length=6)}",
				"enabled": 1,
				"channel": "Any",
				**fields,
			}
		).insert()
		cache.forget()
		return rule


class TestDefaults(CadenceTestCase):
	def test_the_fourth_touch_in_a_week_by_anyone_on_any_channel_on_the_lead_or_its_deal_is_refused(self):
		from crm.fcrm.doctype.crm_lead.crm_lead import convert_to_deal

		frappe.set_user(AGENT)
		with at(TUESDAY_10AM):
			send_email("CRM Lead", self.lead.name, self.email)
		frappe.set_user(OTHER_AGENT)
		with at(TUESDAY_10AM + timedelta(days=1)):
			make_call("CRM Lead", self.lead.name, self.phone)
		with at(TUESDAY_10AM + timedelta(days=2)):
			frappe.set_user("Administrator")
			deal = convert_to_deal(self.lead.name)
			frappe.set_user(AGENT)
			send_email("CRM Deal", deal, self.email)
		frappe.set_user(OTHER_AGENT)
		with at(TUESDAY_10AM + timedelta(days=3)), self.assertRaises(ContactLimitError) as refused:
			make_call("CRM Deal", deal, self.phone)
		message = str(refused.exception)
		self.assertIn("Three touches a week", message)
		self.assertIn("at most 3 touches per 7 days; 3 touches already reached", message)
		self.assertIn("Priya Agent", message)
		self.assertIn("Sam Agent", message)
		self.assertIn("Tue 2026-12-01 10:00 (America/New_York)", message)  # the first touch ages out
		self.assertIn("can let one touch through, with a reason: Cadence Manager, Sales Manager", message)

		with at(TUESDAY_10AM + timedelta(days=3)):
			result = check_contact("CRM Deal", deal, "Call")
		self.assertEqual(result["outcome"], "block")
		self.assertEqual(len(result["attempts"]), 3)
		self.assertEqual({a["channel"] for a in result["attempts"]}, {"Email", "Call"})
		self.assertEqual(result["next_allowed_at"]["person"], "2026-12-01T10:00:00-05:00")
		self.assertEqual(result["person_time_zone"], {"zone": "America/New_York", "source": "phone"})
		self.assertIn("3 touches in 7 days by Priya Agent, Sam Agent", result["summary"])

		with at(datetime(2026, 12, 1, 10, 0, tzinfo=NY)):
			self.assertTrue(make_call("CRM Deal", deal, self.phone).name)

	def test_a_call_at_22_in_the_persons_zone_is_refused_until_8_their_time(self):
		frappe.set_user(AGENT)
		with at(datetime(2026, 11, 24, 22, 0, tzinfo=NY)):
			with self.assertRaises(OutsideContactHoursError) as refused:
				make_call("CRM Lead", self.lead.name, self.phone)
			result = check_contact("CRM Lead", self.lead.name, "Call")
		self.assertIn("between 08:00 and 21:00", str(refused.exception))
		self.assertIn("Tue 22:00", str(refused.exception))
		self.assertEqual(result["next_allowed_at"]["person"], "2026-11-25T08:00:00-05:00")

	def test_a_person_known_by_a_phone_is_in_its_zone_however_they_are_reached(self):
		# They hold the lead's address and New York phone. A mass check by their address, and a
		# send on another lead that knows only the address, decided in the site's zone: at night in
		# New York, at a time the site's own hours allow, both said yes where the lead with the phone
		# refused.
		night = night_there_day_at_the_site(NY)
		[keys] = identities.record_people("CRM Lead", self.lead.name)
		person = ledger.person_for(frozenset({self.email}))  # known by their address first,
		self.assertEqual(ledger.person_for(keys), person)  # then taught their phone
		self.assertEqual(frappe.db.get_value("Contact Preference", person, "phone_time_zones"), NY.key)
		frappe.set_user(AGENT)
		other = make_lead("Ana again", email=self.email).name
		stranger = make_lead("Stranger", email=new_email("stranger")).name
		with at(night):
			self.assertTrue(check_contact("CRM Lead", stranger, "Email")["allowed"])  # the site's hours
			on_phone = check_contact("CRM Lead", self.lead.name, "Email")
			by_address = check_contact("CRM Lead", other, "Email")
			[mass] = check_contacts([self.email], "Email")
			with self.assertRaises(OutsideContactHoursError) as refused:
				send_email("CRM Lead", other, self.email)
		self.assertEqual(on_phone["outcome"], "block")
		for answer in (by_address, mass):
			self.assertEqual(answer["outcome"], "block")
			self.assertEqual([r["kind"] for r in answer["reasons"]], ["quiet_hours"])
			self.assertEqual(answer["next_allowed_at"]["site"], on_phone["next_allowed_at"]["site"])
		self.assertEqual(by_address["person_time_zone"], {"zone": "America/New_York", "source": "phone"})
		self.assertIn("(America/New_York) their time", str(refused.exception))

	def test_a_pause_that_ends_at_night_is_told_as_the_next_morning(self):
		# The person's decision follows the pause's end into their quiet hours; the record's answer
		# and the refusal said the pause's own end (22:00), when the next send would be refused again.
		friday_night = datetime(2026, 11, 27, 22, 0, tzinfo=NY)
		frappe.set_user(AGENT)
		with at(TUESDAY_10AM):
			set_preference(
				"CRM Lead",
				self.lead.name,
				"Paused",
				paused_until=str(clock.naive(friday_night)),
				reason="Away",
			)
			result = check_contact("CRM Lead", self.lead.name, "Email")
			[mass] = check_contacts([self.email], "Email")
			with self.assertRaises(ContactPausedError) as refused:
				send_email("CRM Lead", self.lead.name, self.email)
		self.assertEqual(result["next_allowed_at"]["person"], "2026-11-28T08:00:00-05:00")
		# "site": on the site's clock, from a record's check and a mass check alike (by their address
		# alone, in their phone's zone too).
		morning = datetime(2026, 11, 28, 8, 0, tzinfo=NY).astimezone(clock.site_zone()).isoformat()
		self.assertEqual(result["next_allowed_at"]["site"], morning)
		self.assertEqual(mass["next_allowed_at"]["site"], morning)
		told = str(refused.exception).split("Next contact allowed")[-1]
		self.assertIn("Sat 2026-11-28 08:00 (America/New_York) their time", told)
		self.assertNotIn("2026-11-27 22:00", told)
		with at(datetime(2026, 11, 28, 8, 0, tzinfo=NY)):
			self.assertTrue(send_email("CRM Lead", self.lead.name, self.email)["name"])

	def test_the_records_time_zone_beats_the_phones(self):
		frappe.set_user("Administrator")
		self.lead.humane_time_zone = "Asia/Tokyo"
		self.lead.save()
		self.assertEqual(
			check_contact("CRM Lead", self.lead.name, "Email")["person_time_zone"],
			{"zone": "Asia/Tokyo", "source": "record"},
		)
		self.lead.humane_time_zone = "Mars/Olympus_Mons"
		with self.assertRaisesRegex(InvalidTimeZoneError, "Mars/Olympus_Mons"):
			self.lead.save()

	def test_the_time_zone_is_in_the_crm_side_panel_of_leads_and_deals(self):
		from crm.fcrm.doctype.crm_lead.crm_lead import convert_to_deal

		deal = convert_to_deal(self.lead.name)
		frappe.set_user(AGENT)
		for doctype, name in (("CRM Lead", self.lead.name), ("CRM Deal", deal)):
			served = served_side_panel(doctype, name)
			[zone] = [f for f in served if (f.get("fieldname") or f.get("name")) == TIME_ZONE_FIELD]
			self.assertEqual((zone["label"], zone["read_only"]), ("Time Zone", 0))

	def test_a_side_panel_converted_by_crms_upgrade_still_loses_the_field_on_uninstall(self):
		"""A site that ran CRM 1.25 and upgraded: CRM's patch turns sections into columns."""
		try:
			from crm.patches.v1_0.update_layouts_to_new_format import get_new_layout
		except ImportError:
			self.skipTest("this CRM predates columned side panels: nothing is converted")
		old_shape = [{"label": "Details", "name": "details", "fields": ["email", "mobile_no"]}]
		old_shape.append({"label": "Contact hours", "name": layouts.SECTION, "fields": [TIME_ZONE_FIELD]})
		converted = get_new_layout(json.dumps(old_shape), "Side Panel")
		frappe.db.set_value(
			"CRM Fields Layout", {"dt": "CRM Lead", "type": "Side Panel"}, "layout", converted
		)
		self.assertIn(TIME_ZONE_FIELD, layouts.side_panel_fields("CRM Lead"))

		layouts.remove_time_zone_from_side_panels()

		self.assertNotIn(TIME_ZONE_FIELD, layouts.side_panel_fields("CRM Lead"))
		self.assertEqual([s.get("name") for s in side_panel("CRM Lead")], ["details"])
		self.assertEqual(layouts.side_panel_fields("CRM Lead"), ["email", "mobile_no"])

	def test_the_side_panel_field_is_added_once_and_removed_exactly(self):
		before = {dt: side_panel(dt) for dt in layouts.DOCTYPES}
		layouts.remove_time_zone_from_side_panels()
		for doctype in layouts.DOCTYPES:
			# CRM's own sections and fields, untouched and in order
			self.assertEqual(
				side_panel(doctype), [s for s in before[doctype] if s.get("name") != layouts.SECTION]
			)
		layouts.add_time_zone_to_side_panels()  # after a migrate: an admin who took it out keeps it out
		self.assertNotIn(TIME_ZONE_FIELD, layouts.side_panel_fields("CRM Lead"))

		# An admin who moved it into one of CRM's sections keeps it there, once.
		lead_panel = side_panel("CRM Lead")
		layouts.field_holders(lead_panel)[0]["fields"].append(TIME_ZONE_FIELD)
		frappe.db.set_value(
			"CRM Fields Layout", {"dt": "CRM Lead", "type": "Side Panel"}, "layout", json.dumps(lead_panel)
		)
		bookkeeping.forget(bookkeeping.SIDE_PANELS)
		layouts.add_time_zone_to_side_panels()
		layouts.add_time_zone_to_side_panels()
		self.assertEqual(side_panel("CRM Lead"), lead_panel)
		self.assertEqual(side_panel("CRM Deal"), before["CRM Deal"])

	def test_answering_their_own_message_is_exempt_and_does_not_count(self):
		frappe.set_user(AGENT)
		for day in range(3):
			with at(TUESDAY_10AM + timedelta(days=day)):
				send_email("CRM Lead", self.lead.name, self.email)
		with at(TUESDAY_10AM + timedelta(days=3)):
			receive_email("CRM Lead", self.lead.name, self.email, "Actually, yes — can you send the details?")
		with at(TUESDAY_10AM + timedelta(days=3, hours=1)):
			answer = send_email("CRM Lead", self.lead.name, self.email, "Here are the details you asked for.")
		self.assertEqual([r.outcome for r in attempts(source_name=answer["name"])], ["Exempt"])

	def test_an_email_whose_ledger_row_mariadb_refuses_fails_rather_than_go_out_uncounted(self):
		# The row is sent without waiting at the end of validate and answered at after_insert:
		# Frappe's insert of the Communication reads the answer first, and must not swallow it.
		frappe.set_user(AGENT)
		with at(TUESDAY_10AM):
			first = send_email("CRM Lead", self.lead.name, self.email)
		taken = frappe.db.get_value("Contact Attempt", {"source_name": first["name"]}, "name")
		real = ledger.row_for
		with (
			patch.object(ledger, "row_for", lambda *a, **k: {**real(*a, **k), "name": taken}),
			at(TUESDAY_10AM + timedelta(days=1)),
			self.assertRaises(Exception) as refused,
		):
			send_email("CRM Lead", self.lead.name, self.email, subject="Never counted")
		self.assertTrue(frappe.db.is_duplicate_entry(refused.exception), repr(refused.exception))
		frappe.db.rollback()  # what the request handler does with a failed request
		self.assertFalse(frappe.db.exists("Communication", {"subject": "Never counted"}))

	def test_a_refused_attempt_is_kept_in_the_ledger_after_the_rollback(self):
		frappe.set_user(AGENT)
		with at(datetime(2026, 11, 29, 12, 0, tzinfo=NY)):  # a Sunday
			with self.assertRaises(OutsideContactHoursError):
				send_email("CRM Lead", self.lead.name, self.email)
			frappe.db.rollback()  # what the request handler does with a refused request
		[row] = attempts(person=person_of(self.email), outcome="Blocked")
		self.assertEqual((row.channel, row.agent), ("Email", AGENT))
		self.assertIn("Daytime, Monday to Saturday", row.reason)


class TestEnforcementModes(CadenceTestCase):
	def test_warn_lets_it_through_records_it_and_tells_the_agent(self):
		self.only_rule(rule_name="Gentle", enforcement="Warn", max_attempts=1, window_length=7)
		frappe.set_user(AGENT)
		send_email("CRM Lead", self.lead.name, self.email)
		frappe.local.message_log = []
		second = send_email("CRM Lead", self.lead.name, self.email)
		[row] = attempts(source_name=second["name"])
		self.assertEqual(row.outcome, "Warned")
		self.assertIn("Gentle", row.reason)
		self.assertTrue(any("breaks a rule set to warn" in str(m) for m in frappe.local.message_log))

	def test_a_refusals_title_is_in_the_language_of_whoever_is_refused(self):
		# The titles were translated once, when the module was first imported: an agent working in
		# Spanish saw the English title of whoever's request had loaded it.
		from frappe.translate import clear_cache

		self.only_rule(max_attempts=1, window_length=7)
		frappe.get_doc(
			{
				"doctype": "Translation",
				"language": "es",
				"source_text": "Contact limit reached",
				"translated_text": "Límite de contactos alcanzado",
			}
		).insert(ignore_permissions=True)
		self.addCleanup(clear_cache)  # (the row goes with the test's rollback; Redis keeps it)
		self.addCleanup(setattr, frappe.local, "lang", frappe.local.lang)
		frappe.set_user(AGENT)
		send_email("CRM Lead", self.lead.name, self.email)
		for lang, title in (("en", "Contact limit reached"), ("es", "Límite de contactos alcanzado")):
			frappe.local.lang, frappe.local.message_log = lang, []
			with self.subTest(lang=lang), self.assertRaises(ContactLimitError):
				send_email("CRM Lead", self.lead.name, self.email)
			self.assertEqual(frappe.local.message_log[-1].get("title"), title)

	def test_allow_with_reason_needs_a_reason_and_a_pass_works_once(self):
		self.only_rule(enforcement="Allow with reason", max_attempts=1, window_length=7)
		frappe.set_user(AGENT)
		send_email("CRM Lead", self.lead.name, self.email)
		with self.assertRaises(ReasonRequiredError) as refused:
			send_email("CRM Lead", self.lead.name, self.email)
		self.assertIn("give your reason", str(refused.exception))
		with self.assertRaisesRegex(frappe.ValidationError, "Say why"):
			override_next_contact("CRM Lead", self.lead.name, "Email", "")
		granted = override_next_contact(
			"CRM Lead", self.lead.name, "Email", "They asked for the contract today"
		)
		self.assertEqual(len(granted["passes"]), 1)
		sent = send_email("CRM Lead", self.lead.name, self.email)
		[row] = attempts(source_name=sent["name"])
		self.assertEqual(row.outcome, "Overridden")
		self.assertIn("They asked for the contract today", row.reason)
		self.assertEqual(
			frappe.db.get_value("Contact Override", granted["passes"][0], "used_by_name"), sent["name"]
		)
		with self.assertRaises(ReasonRequiredError):
			send_email("CRM Lead", self.lead.name, self.email)

	def test_block_overrides_need_an_override_role(self):
		self.only_rule(max_attempts=1, window_length=7, override_roles=[{"role": "Sales Manager"}])
		frappe.set_user(AGENT)
		send_email("CRM Lead", self.lead.name, self.email)
		with self.assertRaisesRegex(NoOverrideError, "Sales Manager"):
			override_next_contact("CRM Lead", self.lead.name, "Email", "I really want to")
		frappe.set_user(MANAGER)
		override_next_contact("CRM Lead", self.lead.name, "Call", "Callback promised to the customer")
		# The pass is for calls: an email is still refused, the call goes through once.
		with self.assertRaises(ContactLimitError):
			send_email("CRM Lead", self.lead.name, self.email)
		log = make_call("CRM Lead", self.lead.name, self.phone)
		self.assertEqual(
			[(r.outcome, r.agent) for r in attempts(source_name=log.name)], [("Overridden", MANAGER)]
		)
		with self.assertRaises(ContactLimitError):
			make_call("CRM Lead", self.lead.name, self.phone)

	def test_a_pass_is_its_users_own(self):
		self.only_rule(max_attempts=1, window_length=7, override_roles=[{"role": "Sales Manager"}])
		frappe.set_user(AGENT)
		send_email("CRM Lead", self.lead.name, self.email)
		frappe.set_user(MANAGER)
		[pass_] = override_next_contact("CRM Lead", self.lead.name, "Email", "Contract due today")["passes"]
		# The agent is still refused, and the manager's pass is left for the manager.
		frappe.set_user(AGENT)
		with self.assertRaises(ContactLimitError):
			send_email("CRM Lead", self.lead.name, self.email)
		self.assertFalse(frappe.db.get_value("Contact Override", pass_, "used"))
		frappe.set_user(MANAGER)
		over = send_email("CRM Lead", self.lead.name, self.email)
		self.assertEqual([r.outcome for r in attempts(source_name=over["name"])], ["Overridden"])
		self.assertEqual(frappe.db.get_value("Contact Override", pass_, "used_by_name"), over["name"])

	def test_no_override_for_do_not_contact(self):
		from humane_crm.tests.utils import set_preference

		set_preference("CRM Lead", self.lead.name, "Do Not Contact", reason="Asked")
		frappe.set_user(MANAGER)
		with self.assertRaisesRegex(NoOverrideError, "own preference"):
			override_next_contact("CRM Lead", self.lead.name, "Email", "Big deal at stake")

	def test_cool_off_after_a_completed_call(self):
		self.only_rule(cool_off_days=2)
		frappe.set_user(AGENT)
		with at(TUESDAY_10AM):
			log = make_call("CRM Lead", self.lead.name, self.phone)
		with at(TUESDAY_10AM + timedelta(minutes=5)):
			log.reload()
			log.status = "Completed"
			log.save(ignore_permissions=True)
		with (
			at(TUESDAY_10AM + timedelta(days=1)),
			self.assertRaisesRegex(ContactLimitError, "after a conversation"),
		):
			send_email("CRM Lead", self.lead.name, self.email)
		with at(TUESDAY_10AM + timedelta(days=2, minutes=5)):  # two days after the call ended
			self.assertTrue(send_email("CRM Lead", self.lead.name, self.email)["name"])

	def test_rules_for_deals_in_a_status_leave_leads_alone(self):
		self.only_rule(applies_to="CRM Deal", statuses="Negotiation", max_attempts=1, window_length=7)
		frappe.set_user(AGENT)
		for _ in range(3):
			send_email("CRM Lead", self.lead.name, self.email)
		self.assertEqual(len(attempts(person=person_of(self.email), outcome="Allowed")), 3)


class TestReadAhead(CadenceTestCase):
	def test_a_rule_lengthened_since_this_process_last_read_the_rules_counts_its_whole_window(self):
		# A send locks and reads its person with its lead, as far back as the rules this process
		# last knew reach (`facts.read_ahead`). Another process lengthened the rule meanwhile: the
		# touch five days ago, outside what this process remembers, still counts.
		rule = self.only_rule(max_attempts=1, window_length=7)
		frappe.set_user(AGENT)
		with at(TUESDAY_10AM - timedelta(days=5)):
			send_email("CRM Lead", self.lead.name, self.email)
		remembered = dataclasses.replace(rules.to_rule(rule), window=timedelta(days=1))
		cache._HINTS[frappe.local.site, cache.CADENCE_RULES] = (remembered,)
		frappe.local.cache.pop(cache.KEPT, None)  # a new request
		with at(TUESDAY_10AM):
			# (the read ahead reaches back only as far as the reply window, 72 hours)
			self.assertEqual(facts.read_ahead("Email").since, clock.naive(clock.now() - timedelta(hours=72)))
			with self.assertRaises(ContactLimitError) as refused:
				send_email("CRM Lead", self.lead.name, self.email)
		self.assertIn("at most 1 touch per 7 days; 1 touch already reached", str(refused.exception))

	def test_a_person_remembered_wrongly_for_a_key_is_not_decided_for_it(self):
		# A send names the person holding its recipient's key as this process last read it
		# (`query.held_by`). Should that be wrong (another person now, one erased since), the send
		# still decides on who holds the key: her two touches this week count against the cap.
		self.only_rule(max_attempts=2, window_length=7)
		other = make_lead("Olga", email=new_email("olga"))
		frappe.set_user(AGENT)
		with at(TUESDAY_10AM - timedelta(days=3)):
			send_email("CRM Lead", other.name, other.email)  # (Olga is a person too)
			send_email("CRM Lead", self.lead.name, self.email)  # (Ana's first: she becomes one)
		with at(TUESDAY_10AM - timedelta(days=1)):
			send_email("CRM Lead", self.lead.name, self.email)
		self.assertEqual(query.held_by([self.email]), {self.email: person_of(self.email)})
		for wrong in (person_of(other.email), "erased-person"):
			query._HELD_BY[frappe.local.site, self.email] = wrong
			with (
				self.subTest(remembered=wrong),
				at(TUESDAY_10AM),
				self.assertRaisesRegex(ContactLimitError, "2 touches already reached"),
			):
				send_email("CRM Lead", self.lead.name, self.email)
			# (and the send's own read puts the right person back)
			self.assertEqual(query.held_by([self.email]), {self.email: person_of(self.email)})

	def test_only_a_new_email_asks_ahead_and_saving_a_sent_one_locks_nobody(self):
		# The read ahead (sent at before_validate, which runs at every save) locks the recipients'
		# people. A new email asks it once; an email saved again later (its status, a link added)
		# asks nothing, so editing an old email never holds up sends to its person.
		frappe.set_user(AGENT)
		with patch.object(identities, "SendRead", wraps=identities.SendRead) as asked, at(TUESDAY_10AM):
			sent = send_email("CRM Lead", self.lead.name, self.email)
			self.assertEqual(asked.call_count, 1)
			comm = frappe.get_doc("Communication", sent["name"])
			comm.seen = 1
			comm.save(ignore_permissions=True)
		self.assertEqual(asked.call_count, 1)

	def test_a_rule_changed_without_a_doc_event_holds_from_the_next_send(self):
		# frappe.db.set_value fires no doc event, so nothing forgets the kept rules: the send reads
		# their stamp with its record, and rebuilds them when it changed.
		rule = self.only_rule(max_attempts=5, window_length=7, window_unit="Days")
		frappe.set_user(AGENT)
		with at(TUESDAY_10AM):
			send_email("CRM Lead", self.lead.name, self.email)
		frappe.db.set_value("Contact Cadence Rule", rule.name, "max_attempts", 1)
		with at(TUESDAY_10AM + timedelta(hours=1)), self.assertRaises(ContactLimitError) as refused:
			send_email("CRM Lead", self.lead.name, self.email)
		self.assertIn("at most 1 touch per 7 days", str(refused.exception))

	def test_an_email_changed_after_its_before_validate_is_decided_on_what_it_says_at_validate(self):
		# An email's record is asked for at before_validate and answered at validate. Code that runs
		# between the two (the Communication's own validate, another app's hook) may redirect the
		# email: the answer about the first lead is passed over, and the email is decided on the
		# lead it goes to, in that lead's time zone.
		from frappe.core.doctype.communication.communication import Communication

		bea = new_email("bea")
		bea_lead = make_lead("Bea", email=bea, **{TIME_ZONE_FIELD: "Asia/Tokyo"})
		own_validate = Communication.validate

		def redirect(comm):
			comm.reference_name, comm.recipients = bea_lead.name, bea
			own_validate(comm)

		frappe.set_user(AGENT)
		with (
			at(TUESDAY_10AM),  # (00:00 on Wednesday in Tokyo)
			patch.object(Communication, "validate", redirect),
			self.assertRaises(OutsideContactHoursError) as refused,
		):
			send_email("CRM Lead", self.lead.name, self.email)
		self.assertIn("it is Wed 00:00 for Bea Ruiz", str(refused.exception))
		self.assertIn("(Asia/Tokyo, from the record)", str(refused.exception))
		with at(TUESDAY_10AM):  # (Ana, whom it was first written to, may be written to now)
			self.assertEqual(check_contact("CRM Lead", self.lead.name, "Email")["outcome"], "allow")


class TestRuleValidation(CadenceTestCase):
	def test_invalid_rules_are_refused_with_a_clear_message(self):
		cases = [
			# "At most 0" in a window is refused, not saved with its cap dropped (issue 11); an empty
			# "At Most" (stored as 0) without a window is no cap, and the gap alone is a rule.
			({"max_attempts": 0, "window_length": 7, "min_gap_hours": 1}, "must be at least 1 attempt"),
			({"max_attempts": 0, "min_gap_hours": 1}, None),
			({"max_attempts": 3}, "needs a window"),
			({"allowed_from": "08:00", "allowed_to": "08:00"}, "cannot be the same time"),
			({"allowed_from": "25:00", "allowed_to": "08:00"}, "not a time of day"),
			({"allowed_from": "08:00"}, "need both"),
			({}, "limits nothing"),
			(
				{"max_attempts": 2, "window_length": 7, "statuses": "Nope"},
				"Unknown lead or deal status: Nope",
			),
		]
		for fields, message in cases:
			with self.subTest(fields=fields):
				doc = frappe.get_doc(
					{"doctype": "Contact Cadence Rule", "rule_name": frappe.generate_hash(length=8), **fields}
				)
				if message is None:
					doc.insert()
					continue
				with self.assertRaisesRegex(InvalidRuleError, message):
					doc.insert()

	def test_agents_read_rules_but_cannot_change_them(self):
		frappe.set_user(AGENT)
		self.assertTrue(frappe.get_list("Contact Cadence Rule"))
		doc = frappe.get_doc("Contact Cadence Rule", "Three touches a week")
		doc.max_attempts = 30
		with self.assertRaises(frappe.PermissionError):
			doc.save()


class TestBatchAndBackfill(CadenceTestCase):
	def test_check_contacts_decides_a_batch_in_a_constant_number_of_queries(self):
		# at a fixed daytime: the default rules refuse the first send after 21:00 in New York
		with at(TUESDAY_10AM):
			frappe.set_user(AGENT)
			send_email("CRM Lead", self.lead.name, self.email)
			kinds = lambda answer: {r["kind"] for r in answer["reasons"]}  # noqa: E731
			small = [self.email, "nobody@example.com", "not an address"]
			big = small + [f"p{i}@example.com" for i in range(60)]
			check_contacts(small, "Email")  # warm the rule and settings caches
			# A few recipients: one statement (who holds the keys, with their ledgers); many: two
			# queries (who holds the keys, then their ledgers), which also name who made the touches
			# behind the refusals, however many.
			with self.assertSelects(1):
				answered = check_contacts(small, "Email")
			with self.assertSelects(2):
				whole = check_contacts(big, "Email")
			# A mass send, in four pages of at most 16 keys: the first page's facts in one statement,
			# as a few recipients' are; then who holds each next page's keys (no ledger to read:
			# nobody does), each sent while the page before is decided.
			with patch.object(query, "BATCH_KEYS", 16), self.assertSelects(4):
				self.assertEqual(check_contacts(big, "Email"), whole)
			by = {a["recipient"]: a for a in answered}
			self.assertEqual(by[self.email]["outcome"], "block")
			self.assertEqual([a["agent"] for a in by[self.email]["attempts"]], [AGENT])
			self.assertEqual([a["record"] for a in by[self.email]["attempts"]], [self.lead.name])
			self.assertIn("gap", kinds(by[self.email]))  # a day between touches
			self.assertNotIn("gap", kinds(by["nobody@example.com"]))
			self.assertEqual(by["nobody@example.com"]["attempts"], [])
			self.assertEqual(by["not an address"]["outcome"], "invalid")

	def test_a_mass_check_in_pages_answers_as_one_read_does(self):
		# Each page's reads are in flight while the page before is decided and explained (an
		# explanation may look up an agent's name meanwhile): the answers must be those of reading
		# everything first, for people on every page, one of them known by two keys.
		frappe.set_user(AGENT)
		emails = [new_email(f"p{i}") for i in range(6)]
		leads = [make_lead(f"P{i}", email=e).name for i, e in enumerate(emails)]
		touches = {0: (0, 1, 2), 1: (0,), 3: (3,), 4: (0, 1, 2)}  # lead → the days it was emailed
		# These people have no phone or Time Zone: their contact hours are in the site's zone, on
		# the send path as in the check.
		tuesday = TUESDAY_10AM.replace(tzinfo=clock.site_zone())
		for day in range(4):
			with at(tuesday + timedelta(days=day)):
				for i in (i for i, days in touches.items() if day in days):
					send_email("CRM Lead", leads[i], emails[i])
		plus = emails[3].replace("@", "+news@")  # decided with emails[3]'s person too
		given = [*emails, plus, "nobody@example.com", "not an address", emails[0]]
		with at(tuesday + timedelta(days=3, hours=1)):
			whole = check_contacts(given, "Email")
			frappe.local.cache.pop("humane_crm_fullnames", None)
			frappe.local.fullnames = {}
			with patch.object(query, "BATCH_KEYS", 2):
				paged = check_contacts(given, "Email")
				# a connection that is not PyMySQL's: each statement run when it is sent
				with patch.object(inflight, "Connection", type("NotPyMySQL", (), {})):
					in_turn = check_contacts(given, "Email")
		self.assertEqual(paged, whole)
		self.assertEqual(in_turn, whole)
		kinds = [[r["kind"] for r in a.get("reasons", ()) if r["outcome"] == "block"] for a in whole]
		# three a week (leads 0 and 4), a day between touches (lead 3, and its "+news" address)
		self.assertEqual(kinds, [["cap"], [], [], ["gap"], ["cap"], [], ["gap"], [], [], ["cap"]])
		self.assertEqual([a["agent"] for a in whole[4]["attempts"]], [AGENT] * 3)
		self.assertEqual(whole[-1], {**whole[0], "recipient": emails[0]})
		self.assertEqual(whole[8]["outcome"], "invalid")

	def test_a_mass_send_of_any_length_is_answered_page_by_page_with_progress(self):
		# The server's own mass sends go through `answers_for`: pages of `page` recipients, each
		# answered as one check of the whole list answers, with progress after each page; Python's
		# cycle collector, held off while a page is decided, is left as it was found, also when a
		# page fails.
		frappe.set_user(AGENT)
		emails = [new_email(f"m{i}") for i in range(4)]
		lead = make_lead("M0", email=emails[0]).name
		tuesday = TUESDAY_10AM.replace(tzinfo=clock.site_zone())
		with at(tuesday):
			send_email("CRM Lead", lead, emails[0])
		given = [*emails, "not an address"]
		seen = []
		with at(tuesday + timedelta(hours=1)):  # a day between touches: emails[0] refused
			whole = check_contacts(given, "Email")
			paged = answers.answers_for(given, "Email", page=2, progress=lambda *p: seen.append(p))
			self.assertEqual(list(paged), whole)
			self.assertEqual(seen, [(2, 5), (4, 5), (5, 5)])
			self.assertEqual([a["allowed"] for a in whole], [False, True, True, True, False])
			self.assertTrue(gc.isenabled())
			gc.disable()
			try:
				self.assertEqual(list(answers.answers_for(given, "Email")), whole)
				self.assertFalse(gc.isenabled())  # (not switched on by the check)
			finally:
				gc.enable()
			with patch.object(answers, "_answer", side_effect=RuntimeError("a page failed")):
				with self.assertRaises(RuntimeError):
					list(answers.answers_for(given, "Email"))
			self.assertTrue(gc.isenabled())

	def test_a_mass_check_at_night_names_each_person_in_their_own_refusal(self):
		# A refusal for contact hours alone is said once per mass check and named for each person:
		# every answer must be the one a check of that person alone gives, naming them and no one
		# else; a person refused for more (a day between touches) too, and, with contact hours
		# only warning, the "you can reach" line names each person.
		frappe.set_user(AGENT)
		emails = [new_email(f"n{i}") for i in range(3)]
		make_lead("N0", email=emails[0])
		make_lead("N1", email=emails[1], mobile_no=ny_phone())  # their zone from the phone
		touched = make_lead("N2", email=emails[2]).name
		tuesday = TUESDAY_10AM.replace(tzinfo=clock.site_zone())
		with at(tuesday + timedelta(hours=10, minutes=59)):  # 20:59: a touch allowed
			send_email("CRM Lead", touched, emails[2])
		given = [*emails, "nobody@example.com", emails[0]]
		with at(tuesday + timedelta(hours=13)):  # 23:00 in the site's zone
			whole = check_contacts(given, "Email")
			alone = [check_contacts([recipient], "Email")[0] for recipient in given]
			frappe.set_user("Administrator")
			self.only_rule(enforcement="Warn", allowed_from="08:00", allowed_to="21:00")
			frappe.set_user(AGENT)
			warned = check_contacts(given, "Email")
		self.assertEqual(whole, alone)
		for i, answer in (*enumerate(whole[:3]), (0, whole[4])):
			quiet = [r["message"] for r in answer["reasons"] if r["kind"] == "quiet_hours"]
			if i == 1 and not quiet:
				continue  # New York's own hours may allow them at the site's 23:00
			self.assertFalse(answer["allowed"])
			self.assertEqual(len(quiet), 1)
			self.assertIn(emails[i], quiet[0])
			self.assertEqual([e for e in emails if e in quiet[0]], [emails[i]])
			self.assertNotIn("\x00", quiet[0])
		self.assertIn("gap", {r["kind"] for r in whole[2]["reasons"]})
		self.assertEqual({a["outcome"] for a in warned}, {"warn"})
		self.assertEqual(warned[0]["summary"], "You can reach this person now.")
		self.assertIn("N2", warned[2]["summary"])  # the one the app knows by name, after one it does not

	def test_a_read_in_flight_keeps_its_answer_when_another_statement_runs_first(self):
		flight = inflight.InFlight("select %(a)s + 1", {"a": 41})
		self.assertEqual(frappe.db.sql("select 'meanwhile'"), (("meanwhile",),))
		self.assertEqual(flight.rows(), ((42,),))
		self.assertEqual(flight.rows(), ((42,),))
		inflight.InFlight("select 'never read'")  # a caller that gives up: the next statement is not hurt
		self.assertEqual(frappe.db.sql("select 7"), ((7,),))
		broken = inflight.InFlight("select * from `tabNo Such Table`")
		with self.assertRaises(Exception) as raised:  # what MariaDB said, as frappe.db.sql raises it
			broken.rows()
		self.assertTrue(frappe.db.is_table_missing(raised.exception))
		self.assertEqual(frappe.db.sql("select 8"), ((8,),))
		# A refused statement read by someone else's: theirs goes ahead, and the error waits for
		# whoever asks for the answer.
		broken = inflight.InFlight("select * from `tabNo Such Table`")
		self.assertEqual(frappe.db.sql("select 'meanwhile'"), (("meanwhile",),))
		for _asked in range(2):
			with self.assertRaises(Exception) as raised:
				broken.rows()
			self.assertTrue(frappe.db.is_table_missing(raised.exception))
		pages = facts.decide_in_pages([frozenset({f"q{i}@example.com"}) for i in range(9)], "Email", 2)
		self.assertEqual(len(next(pages)), 2)
		pages.close()  # its next page's reads still in flight
		self.assertEqual(frappe.db.sql("select 9"), ((9,),))

	def test_a_list_sent_in_flight_is_written_as_pymysql_writes_it(self):
		# A page's keys are escaped in one pass, not item by item: the statement must be the same,
		# whatever a key holds (quotes, backslashes, a percent sign, the byte the pass joins them with).
		conn = frappe.db._conn
		odd = ("o'brien@example.com", 'a"b@example.com', "back\\slash@example.com", "100%@example.com")
		for values in (
			{"keys": ("ana@example.com",)},
			{"keys": odd + ("zoë@example.com", "+14155550100")},
			{"keys": ("a\x01b@example.com", "c@example.com")},
			{"persons": ("P-1", "P-2"), "since": "2026-01-01"},
			{"numbers": (1, 2, 3)},
		):
			sql = "select 1 where 'x' in %({0})s".format(next(iter(values)))
			self.assertEqual(inflight.mogrify(conn, sql, values), frappe.db._cursor.mogrify(sql, values))
		# and MariaDB reads the keys back as they were
		flight = inflight.InFlight("select json_array%(keys)s", {"keys": odd})
		self.assertEqual(json.loads(flight.rows()[0][0]), list(odd))

	def test_a_ledger_too_long_for_one_json_array_is_read_whole(self):
		# MariaDB cuts JSON_ARRAYAGG at group_concat_max_len; a cut ledger would undercount.
		frappe.set_user(AGENT)
		for day in range(3):
			with at(TUESDAY_10AM + timedelta(days=day)):
				send_email("CRM Lead", self.lead.name, self.email)
		frappe.db.sql("set session group_concat_max_len = 64")
		try:
			with at(TUESDAY_10AM + timedelta(days=3)):
				[answer] = check_contacts([self.email], "Email")
				single = check_contact("CRM Lead", self.lead.name, "Email")
		finally:
			frappe.db.sql("set session group_concat_max_len = default")
		self.assertEqual(answer["outcome"], "block")
		self.assertEqual(len(answer["attempts"]), 3)
		self.assertEqual([r["kind"] for r in answer["reasons"]], ["cap"])
		self.assertEqual(len(single["attempts"]), 3)

	def test_the_ledgers_times_are_read_as_the_instants_they_were_in_every_zone_and_dst_change(self):
		# A decision reads each touch's time as text and turns it into an instant by the offset of
		# its hour (`clock.UtcReader`, fast): it must be the instant `clock.aware` gives, also in an
		# hour the clock skips or repeats, in zones whose offsets are not whole hours, and in a
		# zone that moves its clock by 30 minutes.
		zones = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata"]
		zones += ["Pacific/Chatham", "America/St_Johns", "Asia/Kathmandu", "UTC"]
		days = [
			datetime(2026, m, d) for m, d in ((3, 8), (3, 29), (4, 5), (9, 27), (10, 4), (10, 25), (11, 1))
		]
		for name in zones:
			zone, read = ZoneInfo(name), clock.UtcReader(ZoneInfo(name))
			for day in days:
				for minutes in range(0, 48 * 60, 13):
					naive = day + timedelta(minutes=minutes, seconds=7, microseconds=minutes)
					for text in (str(naive), naive.strftime("%Y-%m-%d %H:%M:%S")):
						expected = clock.aware(text, zone).astimezone(timezone.utc)
						got = read(text)
						self.assertEqual(got, expected, f"{text} in {name}")
						self.assertIs(got.tzinfo, timezone.utc)

	def test_backfill_builds_the_ledger_once(self):
		from humane_crm.people import backfill

		with at(TUESDAY_10AM):
			# History from before the app was installed: the touches happen (no rule in the way),
			# and the ledger knows nothing of them.
			rules_on = frappe.get_all("Contact Cadence Rule", {"enabled": 1}, pluck="name")
			frappe.db.set_value("Contact Cadence Rule", {"name": ("in", rules_on)}, "enabled", 0)
			cache.forget()
			frappe.set_user(AGENT)
			sent = send_email("CRM Lead", self.lead.name, self.email)
			receive_email("CRM Lead", self.lead.name, self.email)
			log = make_call("CRM Lead", self.lead.name, self.phone, status="Completed")
			frappe.set_user("Administrator")
			frappe.db.set_value("Contact Cadence Rule", {"name": ("in", rules_on)}, "enabled", 1)
			cache.forget()
			frappe.db.delete("Contact Attempt", {"reference_name": self.lead.name})
			self.assertFalse(attempts(source_name=sent["name"]))
			frappe.set_user("Administrator")
			first = backfill.run(batch_size=2)
			self.assertGreaterEqual(first.added, 4)
			self.assertEqual([r.outcome for r in attempts(source_name=sent["name"])], ["Allowed"])
			self.assertEqual({r.outcome for r in attempts(source_name=log.name)}, {"Allowed", "Conversation"})
			again = backfill.run(batch_size=2)
			self.assertEqual(again.added, 0)
			self.assertEqual(again.skipped, sum(again.scanned.values()) - again.nobody)
		frappe.set_user(AGENT)
		with at(TUESDAY_10AM + timedelta(hours=2)), self.assertRaises(ContactLimitError):
			make_call(
				"CRM Lead", self.lead.name, self.phone
			)  # the backfilled call counts: a day between touches
