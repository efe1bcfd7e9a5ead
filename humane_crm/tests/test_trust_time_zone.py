"""A Time Zone typed on a lead does not walk around quiet hours: the restricted agent, over HTTP,
sets her lead's zone to one where it is daytime while it is night at the person's phone, and the
email is still refused, naming the phone's zone. (Quiet hours hold in every zone the person is
known by.)"""

from datetime import datetime, timezone

import frappe
from freezegun import freeze_time

from humane_crm.tests.rest import message_of
from humane_crm.tests.test_trust_over_http import TrustTestCase
from humane_crm.tests.utils import new_email
from humane_crm.utils import cache

# A Tuesday, 15:00 UTC: 10:00 in New York (daytime), midnight in Tokyo (night).
TUESDAY_AFTERNOON = datetime(2026, 11, 24, 15, 0, tzinfo=timezone.utc)
TOKYO_MOBILE = "+81 90 1234 5678"
DAYTIME = "Daytime, Monday to Saturday"  # installed: 08:00–21:00, Monday to Saturday


class TestAZoneTypedOnTheRecord(TrustTestCase):
	cadence_rules = True

	@classmethod
	def setUpClass(cls):
		super().setUpClass()  # remembers every rule's state, and puts it back afterwards
		frappe.db.set_value("Contact Cadence Rule", DAYTIME, "enabled", 1)
		cache.forget()
		frappe.db.commit()

	def test_a_zone_typed_on_the_lead_does_not_turn_night_at_their_phone_into_daytime(self):
		lead = self.own_lead("Nia", email=new_email("nia"), mobile_no=TOKYO_MOBILE)
		frappe.db.commit()
		with freeze_time(TUESDAY_AFTERNOON, tick=True):
			typed = self.agent.put(
				f"/api/resource/CRM Lead/{lead.name}", {"humane_time_zone": "America/New_York"}
			)
			self.assertEqual(typed.status_code, 200, message_of(typed))
			frappe.db.rollback()
			self.assertEqual(
				frappe.db.get_value("CRM Lead", lead.name, "humane_time_zone"), "America/New_York"
			)
			refused = self.send(lead, "Hello Nia, a quick question about your order.")
		self.assertRefused(refused, "OutsideContactHoursError")
		said = message_of(refused)
		self.assertIn("Asia/Tokyo", said)
		self.assertIn("from their phone number", said)
