"""Complaints on a real site: spotted, confirmed by a human, answered only after the empathy
checklist, and followed up by a human before they can be resolved."""

import frappe
from frappe.utils import add_days, getdate, nowdate

from humane_crm.complaints import actions, reply_gate, spotting
from humane_crm.exceptions import (
	ComplaintChecklistError,
	ComplaintError,
	TemplateOnlyReplyError,
)
from humane_crm.policy import complaints as core
from humane_crm.template_review import four_eyes
from humane_crm.tests.utils import (
	AGENT,
	OTHER_AGENT,
	HumaneTestCase,
	make_lead,
	make_user,
	receive_email,
	send_email,
)
from humane_crm.utils import cache

FADED = "I'm really disappointed, the colour ran after one wash, I want a refund"
# A complaint told as plain facts: no word of the hand-written list, found by the learned cues.
PLAIN_FACTS = "Our photographer arrived after the ceremony had finished. We have no pictures of the vows."
MANAGER = "mona.manager@example.com"
REPLY = (
	"<p>Dear Ana, I am so sorry the colour ran after one wash: that is not the quality we promise. "
	"I have sent a replacement today and refunded the first dress; I will call you on Friday. Priya</p>"
)


class ComplaintTestCase(HumaneTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(MANAGER, "Sales Manager")
		frappe.db.commit()

	def setUp(self):
		super().setUp()
		frappe.set_user(AGENT)
		self.email = f"ana.{frappe.generate_hash(length=6)}@example.com"
		self.lead = make_lead("Ana", email=self.email, lead_owner=AGENT)
		frappe.set_user("Administrator")

	def complaint(self, status=None) -> str:
		"""The faded-outfit email arrives; the suggested complaint it raised."""
		receive_email("CRM Lead", self.lead.name, self.email, FADED)
		name = frappe.db.get_value("Complaint", {"reference_name": self.lead.name})
		if status == "Open":
			frappe.set_user(AGENT)
			actions.confirm(name)
		return name

	def tick_all(self, name):
		frappe.set_user(AGENT)
		for row in frappe.get_doc("Complaint", name).answers:
			actions.tick(name, row.idx, "done with care")


class TestSpotting(ComplaintTestCase):
	def test_the_faded_outfit_email_is_suggested_as_a_complaint_saying_why(self):
		name = self.complaint()
		doc = frappe.get_doc("Complaint", name)
		self.assertEqual(doc.status, "Suggested")
		expected = core.score(FADED, subject="Question")  # receive_email's subject is scored too
		self.assertEqual(doc.matched_phrases, expected.explain())
		self.assertTrue(
			doc.matched_phrases.startswith("money: “refund” +2; feelings: “disappointed” +2.5; learned: “")
		)
		self.assertEqual(doc.score, expected.value)
		self.assertGreater(expected.sentiment_points, 0)  # the cues, and a hostile tone on top
		self.assertGreaterEqual(doc.score, core.DEFAULT_THRESHOLD)
		self.assertEqual(doc.complaint_owner, AGENT)
		self.assertTrue(doc.inbound_communication)
		self.assertTrue(
			frappe.db.exists(
				"Notification Log", {"for_user": AGENT, "document_type": "Complaint", "document_name": name}
			)
		)

	def test_a_friendly_email_raises_nothing(self):
		receive_email("CRM Lead", self.lead.name, self.email, "Does the coat come in blue?")
		self.assertFalse(frappe.db.exists("Complaint", {"reference_name": self.lead.name}))

	def test_a_suggestion_gates_nothing_until_a_human_confirms_it_and_a_dismissed_one_never(self):
		name = self.complaint()
		frappe.set_user(AGENT)
		send_email("CRM Lead", self.lead.name, self.email, "<p>Thanks, looking into it.</p>")  # Suggested
		actions.dismiss(name, "They are joking with us; it is a regular customer.")
		self.assertEqual(frappe.db.get_value("Complaint", name, "status"), "Dismissed")
		send_email("CRM Lead", self.lead.name, self.email, "<p>Here is the new catalogue.</p>")
		with self.assertRaises(ComplaintError):
			actions.dismiss(name, "again")


OUR_APOLOGY = (
	"Dear Ana, we are so sorry for the inconvenience. A delay like this is unacceptable; "
	"a full refund is on its way. Priya"
)
OLD_COMPLAINT = "I'm furious: the vase arrived broken, I want my money back. This is unacceptable."


def gmail_reply(own: str, quoted: str) -> str:
	"""An HTML reply as Gmail writes it: their words, a signature, our message quoted below."""
	return (
		f'<div dir="ltr">{own}<br><br>-- <br><div dir="ltr" class="gmail_signature">Ana Ruiz<br>'
		"Head of Customer Complaints, Ruiz Interiors</div></div><br>"
		'<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 30 Nov 2026 at 10:02, Priya '
		"&lt;priya@example.com&gt; wrote:<br></div>"
		'<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid '
		f'rgb(204,204,204);padding-left:1ex">{quoted}</blockquote></div>'
	)


def outlook_reply(own: str, quoted: str) -> str:
	"""An HTML reply as Outlook writes it: their words, a sign-off, a From/Sent header, the history."""
	return (
		f"<div>{own}</div><div>Best regards,<br>Ana Ruiz<br>+34 600 000 000</div>"
		'<div id="appendonsend"></div><hr style="display:inline-block;width:98%">'
		'<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri"><b>From:</b> Ana Ruiz &lt;ana@example.org&gt;<br>'
		"<b>Sent:</b> Monday, November 30, 2026 4:12 PM<br><b>To:</b> Priya<br><b>Subject:</b> Vase</font></div>"
		f"<div>{quoted}</div>"
	)


class TestOwnWords(ComplaintTestCase):
	"""Inbound email as an Email Account files it (Frappe's InboundMail on a raw message): only the
	customer's own words are scored, not the history quoted below them nor their signature."""

	def arrive(self, html: str, subject: str = "Re: Your order"):
		from email.mime.multipart import MIMEMultipart
		from email.mime.text import MIMEText
		from email.utils import formatdate, make_msgid

		from frappe.email.receive import InboundMail

		frappe.set_user(AGENT)
		ours = send_email("CRM Lead", self.lead.name, self.email, f"<p>{OUR_APOLOGY}</p>")
		frappe.set_user("Administrator")
		mail = MIMEMultipart("alternative")
		mail["From"] = f"Ana Ruiz <{self.email}>"
		mail["To"] = "sales@example.com"
		mail["Subject"] = subject
		mail["Date"] = formatdate()
		mail["Message-ID"] = make_msgid(domain="example.org")
		mail["In-Reply-To"] = f"<{ours['name']}@example.com>"  # a reply to our email threads on its record
		mail.attach(MIMEText(frappe.utils.strip_html(html), "plain"))
		mail.attach(MIMEText(html, "html"))
		account = frappe._dict(name=None, email_id="sales@example.com", use_imap=0, append_to=None)
		comm = InboundMail(mail.as_bytes(), account).process()
		self.assertEqual((comm.reference_doctype, comm.reference_name), ("CRM Lead", self.lead.name))
		self.assertEqual(comm.sent_or_received, "Received")
		return comm

	def suggested(self):
		return frappe.get_all(
			"Complaint",
			{"reference_name": self.lead.name},
			["name", "status", "score", "matched_phrases"],
		)

	def test_our_apology_quoted_below_a_thank_you_is_not_a_complaint(self):
		comm = self.arrive(gmail_reply("Thanks, all sorted!", OUR_APOLOGY))
		self.assertIn("sorry for the inconvenience", comm.content)  # it is there, below
		self.assertEqual(self.suggested(), [])

	def test_an_old_complaint_quoted_under_thanks_all_sorted_is_not_a_complaint(self):
		self.assertTrue(core.score(OLD_COMPLAINT).suggests_complaint)
		self.arrive(outlook_reply("Thanks, all sorted now. Lovely to deal with you.", OLD_COMPLAINT))
		self.assertEqual(self.suggested(), [])

	def test_a_new_complaint_on_top_is_scored_on_its_own_words_only(self):
		self.arrive(gmail_reply("It is the third time I write. Nobody has called me back.", OUR_APOLOGY))
		(found,) = self.suggested()
		self.assertEqual(found.status, "Suggested")
		self.assertIn("“third time”", found.matched_phrases)
		for quoted_or_signed in ("inconvenience", "unacceptable", "refund", "complaint"):
			self.assertNotIn(quoted_or_signed, found.matched_phrases)

	def test_the_same_words_in_outlook_html_count_the_same(self):
		self.arrive(outlook_reply("The replacement vase arrived broken too. Unacceptable.", OLD_COMPLAINT))
		(found,) = self.suggested()
		self.assertIn("“unacceptable” +3", found.matched_phrases)
		self.assertNotIn("furious", found.matched_phrases)
		self.assertNotIn("money back", found.matched_phrases)


class SettingsRestored(ComplaintTestCase):
	"""Tests that edit Humane CRM Settings put them back as they were."""

	def setUp(self):
		super().setUp()
		settings = frappe.get_single("Humane CRM Settings")
		saved = (
			[r.as_dict() for r in settings.complaint_phrases],
			settings.complaint_threshold,
			settings.complaint_sentiment_weight,
		)
		self.addCleanup(self.restore, *saved)

	def restore(self, rows, threshold, weight):
		settings = frappe.get_single("Humane CRM Settings")
		settings.set("complaint_phrases", [])
		for row in rows:
			settings.append(
				"complaint_phrases", {k: row[k] for k in ("language", "kind", "phrase", "weight")}
			)
		settings.complaint_threshold = threshold
		settings.complaint_sentiment_weight = weight
		settings.save(ignore_permissions=True)


class TestSiteCues(SettingsRestored):
	"""The settings' own cue list, threshold and tone weight decide; a site adds a language."""

	def test_the_installed_cues_are_the_shipped_english_list(self):
		cues, threshold, weight = spotting.scoring_settings()
		self.assertEqual(len(cues), len(core.DEFAULT_CUES))
		self.assertEqual({(c[0], c[2]) for c in cues}, {(c.phrase, c.kind) for c in core.DEFAULT_CUES})
		self.assertEqual((threshold, weight), (core.DEFAULT_THRESHOLD, core.DEFAULT_SENTIMENT_WEIGHT))

	def test_a_site_adds_its_own_language(self):
		settings = frappe.get_single("Humane CRM Settings")
		for phrase, kind, weight in (
			("remboursement", "Money", 3),
			("toujours pas", "Ignored", 3),
			("pas", "Negation", 0),
		):
			settings.append(
				"complaint_phrases", {"language": "fr", "kind": kind, "phrase": phrase, "weight": weight}
			)
		settings.save(ignore_permissions=True)
		receive_email("CRM Lead", self.lead.name, self.email, "Je ne veux pas de remboursement, merci.")
		self.assertFalse(frappe.db.exists("Complaint", {"reference_name": self.lead.name}))
		receive_email(
			"CRM Lead", self.lead.name, self.email, "Toujours pas de colis. Je demande un remboursement."
		)
		found = frappe.db.get_value("Complaint", {"reference_name": self.lead.name}, "matched_phrases")
		self.assertIn("money: “remboursement” +3", found)
		self.assertIn("ignored: “toujours pas” +3", found)

	def test_a_higher_threshold_and_no_tone_is_what_spot_uses(self):
		settings = frappe.get_single("Humane CRM Settings")
		settings.complaint_threshold = 5
		settings.complaint_sentiment_weight = 0
		settings.save(ignore_permissions=True)
		receive_email("CRM Lead", self.lead.name, self.email, FADED)  # 4.5 without its tone
		self.assertFalse(frappe.db.exists("Complaint", {"reference_name": self.lead.name}))


class TestCorpusAndPatch(SettingsRestored):
	def test_the_corpus_report_reads_this_sites_settings(self):
		report = spotting.corpus_report()
		self.assertIn(
			f"Cues: {len(core.DEFAULT_CUES)} from this site's settings, threshold {core.DEFAULT_THRESHOLD:g}",
			report,
		)
		self.assertIn("meets it", report)
		settings = frappe.get_single("Humane CRM Settings")
		settings.set("complaint_phrases", [])
		settings.append(
			"complaint_phrases", {"language": "en", "kind": "Money", "phrase": "refund", "weight": 3}
		)
		settings.save(ignore_permissions=True)
		report = spotting.corpus_report()
		self.assertIn("Cues: 1 from this site's settings", report)
		self.assertIn("does NOT meet it", report)
		self.assertIn("Missed complaints", report)

	def test_the_patch_turns_the_old_default_phrases_into_the_new_cues(self):
		from humane_crm.patches import complaint_cues_by_kind as patch

		settings = frappe.get_single("Humane CRM Settings")
		settings.set("complaint_phrases", [])
		for phrase, weight in sorted(patch.OLD_DEFAULT_PHRASES):
			settings.append(
				"complaint_phrases", {"phrase": phrase, "weight": weight, "language": None, "kind": None}
			)
		settings.complaint_threshold = 3
		settings.save(ignore_permissions=True)
		patch.execute()
		cues, threshold, weight = spotting.scoring_settings()
		self.assertEqual(len(cues), len(core.DEFAULT_CUES))
		self.assertEqual((threshold, weight), (core.DEFAULT_THRESHOLD, core.DEFAULT_SENTIMENT_WEIGHT))

	def test_the_patch_keeps_an_edited_list_and_its_threshold(self):
		from humane_crm.patches import complaint_cues_by_kind as patch

		settings = frappe.get_single("Humane CRM Settings")
		settings.set("complaint_phrases", [])
		for phrase, weight in (("refund", 2), ("our own phrase", 4)):
			settings.append(
				"complaint_phrases", {"phrase": phrase, "weight": weight, "language": None, "kind": None}
			)
		settings.complaint_threshold = 3.5
		settings.save(ignore_permissions=True)
		patch.execute()
		cues, threshold, _weight = spotting.scoring_settings()
		self.assertEqual(cues, [("refund", 2, "other", "en"), ("our own phrase", 4, "other", "en")])
		self.assertEqual(threshold, 3.5)

	def test_a_site_on_the_previous_shipped_list_gets_the_new_one_on_migrate(self):
		from humane_crm.patches import complaint_cues_grievance_patterns as patch

		self.use_cues(patch.shipped_before(), weight=2)
		patch.execute()
		cues, _threshold, weight = spotting.scoring_settings()
		self.assertEqual(
			[(p, float(w), k) for p, w, k, _l in cues],
			[(c.phrase, float(c.weight), c.kind) for c in core.DEFAULT_CUES],
		)
		self.assertEqual(weight, core.DEFAULT_SENTIMENT_WEIGHT)
		receive_email(
			"CRM Lead", self.lead.name, self.email, "It has been three weeks. No one has called me back."
		)
		found = frappe.db.get_value("Complaint", {"reference_name": self.lead.name}, "matched_phrases")
		self.assertIn("“no one … called”", found)

	def test_a_site_on_the_first_list_of_patterns_gets_the_second(self):
		from humane_crm.patches import complaint_cues_grievance_patterns as patch

		self.use_cues(patch.shipped_before("complaint_cues_766.json"), weight=3)
		patch.execute()
		cues, _threshold, _weight = spotting.scoring_settings()
		self.assertEqual(
			[(p, float(w), k) for p, w, k, _l in cues],
			[(c.phrase, float(c.weight), c.kind) for c in core.DEFAULT_CUES],
		)

	def test_the_new_list_keeps_what_an_admin_edited(self):
		from humane_crm.patches import complaint_cues_grievance_patterns as patch

		before = patch.shipped_before()
		edited = [c for c in before if c.phrase != "late"]  # deleted by the admin
		edited = [core.Cue(c.phrase, 5 if c.phrase == "refund" else c.weight, c.kind) for c in edited]
		self.use_cues([*edited, core.Cue("our own phrase", 4, "other")], weight=2.5)
		patch.execute()
		cues, _threshold, weight = spotting.scoring_settings()
		by_phrase = {p: (float(w), k) for p, w, k, _l in cues}
		self.assertEqual(by_phrase["refund"], (5.0, "money"))
		self.assertEqual(by_phrase["our own phrase"], (4.0, "other"))
		self.assertNotIn("late", by_phrase)
		self.assertNotIn("another", by_phrase)  # as shipped, and no longer shipped
		self.assertIn("still *ing", by_phrase)  # new to the list
		self.assertEqual(weight, 2.5)

	def test_a_site_on_the_hand_written_list_gets_the_learned_cues_and_their_threshold(self):
		from humane_crm.patches import complaint_cues_learned as patch
		from humane_crm.patches.complaint_cues_grievance_patterns import shipped_before

		self.use_cues(shipped_before("complaint_cues_803.json"), weight=3, threshold=2)
		receive_email("CRM Lead", self.lead.name, self.email, PLAIN_FACTS)
		self.assertFalse(frappe.db.exists("Complaint", {"reference_name": self.lead.name}))
		self.migrated_to_the_shipped_list(patch)
		kinds = frappe.get_all(
			"Humane CRM Complaint Phrase", {"parent": "Humane CRM Settings"}, pluck="kind", distinct=True
		)
		self.assertIn("Learned", kinds)  # rows an admin sees and edits like any other
		receive_email("CRM Lead", self.lead.name, self.email, PLAIN_FACTS)
		found = frappe.db.get_value("Complaint", {"reference_name": self.lead.name}, "matched_phrases")
		self.assertTrue(found.startswith("learned: “"), found)
		self.assertIn("“arrived” +", found)

	def test_the_learned_cues_keep_an_admins_own_threshold_and_rows(self):
		from humane_crm.patches import complaint_cues_learned as patch
		from humane_crm.patches.complaint_cues_grievance_patterns import shipped_before

		before = shipped_before("complaint_cues_803.json")
		edited = [core.Cue(c.phrase, 5 if c.phrase == "refund" else c.weight, c.kind) for c in before]
		self.use_cues([*edited, core.Cue("our own phrase", 4, "other")], weight=1, threshold=4)
		patch.execute()
		cues, threshold, weight = spotting.scoring_settings()
		by_phrase = {p: (float(w), k) for p, w, k, _l in cues}
		self.assertEqual(by_phrase["refund"], (5.0, "money"))
		self.assertEqual(by_phrase["our own phrase"], (4.0, "other"))
		self.assertEqual(by_phrase["arriv*"][1], "learned")  # new to the list
		self.assertEqual((threshold, weight), (4, 1))

	def test_a_site_on_the_second_learned_list_gets_the_third_and_its_defaults(self):
		# complaint_cues_1075.json: shipped before the former blind set and the third round of tuning
		# emails were tuned on; "manager" alone gave way to "your|a|the manager".
		from humane_crm.patches import complaint_cues_learned as patch
		from humane_crm.patches.complaint_cues_grievance_patterns import shipped_before

		self.use_cues(shipped_before("complaint_cues_1075.json"), weight=1.7, threshold=1.6)
		cues = self.migrated_to_the_shipped_list(patch)
		phrases = {p for p, _w, _k, _l in cues}
		self.assertIn("your|a|the manager", phrases)
		self.assertNotIn("manager", phrases)

	def migrated_to_the_shipped_list(self, patch):
		"""Run the patch; the site's cues, threshold and tone weight are then the shipped ones."""
		patch.execute()
		cues, threshold, weight = spotting.scoring_settings()
		self.assertEqual(
			[(p, float(w), k) for p, w, k, _l in cues],
			[(c.phrase, float(c.weight), c.kind) for c in core.DEFAULT_CUES],
		)
		self.assertEqual((threshold, weight), (core.DEFAULT_THRESHOLD, core.DEFAULT_SENTIMENT_WEIGHT))
		return cues

	def use_cues(self, cues, weight, threshold=None):
		settings = frappe.get_single("Humane CRM Settings")
		settings.set("complaint_phrases", [])
		for c in cues:
			settings.append(
				"complaint_phrases",
				{"language": c.language, "kind": c.kind.title(), "phrase": c.phrase, "weight": c.weight},
			)
		settings.complaint_sentiment_weight = weight
		if threshold is not None:
			settings.complaint_threshold = threshold
		settings.save(ignore_permissions=True)


class TestTheGate(ComplaintTestCase):
	def test_the_first_reply_waits_for_the_checklist_then_a_follow_up_is_owed(self):
		name = self.complaint(status="Open")
		doc = frappe.get_doc("Complaint", name)
		self.assertEqual(len(doc.answers), 6)  # the installed default checklist
		frappe.set_user(AGENT)
		with self.assertRaises(ComplaintChecklistError) as refused:
			send_email("CRM Lead", self.lead.name, self.email, REPLY)
		message = str(refused.exception)
		self.assertIn("Acknowledge the frustration in their own words", message)
		self.assertIn("Plan a human follow-up", message)
		self.assertIn("kept as you wrote it", message)

		actions.tick(name, 1, "She said the colour ran after one wash")
		with self.assertRaises(ComplaintChecklistError) as refused:
			send_email("CRM Lead", self.lead.name, self.email, REPLY)
		self.assertNotIn("Acknowledge the frustration", str(refused.exception))
		self.tick_all(name)
		doc.reload()
		self.assertEqual({r.ticked_by for r in doc.answers}, {AGENT})

		sent = send_email("CRM Lead", self.lead.name, self.email, REPLY)
		doc.reload()
		self.assertEqual(doc.status, "Responded")
		self.assertEqual(doc.first_response, sent["name"])
		self.assertIsNotNone(doc.hours_to_first_response)
		task = frappe.get_doc("CRM Task", doc.follow_up_task)
		self.assertEqual(task.title, "Follow up with Ana Ruiz about their complaint")
		self.assertEqual(task.assigned_to, AGENT)
		self.assertEqual(getdate(task.due_date), getdate(add_days(nowdate(), 3)))
		self.assertEqual((task.reference_doctype, task.reference_docname), ("CRM Lead", self.lead.name))
		with self.assertRaises(ComplaintError):
			actions.tick(name, 1, ticked=0)  # no unticking after the reply
		send_email("CRM Lead", self.lead.name, self.email, "<p>One more thing: your tracking number.</p>")

	def test_the_gate_knows_at_once_that_a_complaint_was_opened(self):
		# Outgoing emails skip the complaint query while no complaint is open (a cached count).
		frappe.db.delete("Complaint", {"status": "Open"})
		self.assertFalse(reply_gate.any_open())
		self.complaint(status="Open")
		self.assertTrue(reply_gate.any_open())
		frappe.set_user(AGENT)
		with self.assertRaises(ComplaintChecklistError):
			send_email("CRM Lead", self.lead.name, self.email, REPLY)

	def tearDown(self):
		super().tearDown()

	def test_a_reply_that_is_only_a_template_is_refused(self):
		from humane_crm.tests.test_template_review import REVIEWER, THANKS, make_template, rendered

		make_user(REVIEWER, "Sales User", "Template Reviewer")
		frappe.set_user(AGENT)
		make_template("Sorry template", THANKS)
		four_eyes.submit_for_review("Sorry template")
		frappe.set_user(REVIEWER)
		four_eyes.approve("Sorry template")
		name = self.complaint(status="Open")
		self.tick_all(name)
		with self.assertRaises(TemplateOnlyReplyError) as refused:
			send_email("CRM Lead", self.lead.name, self.email, rendered("Ana Ruiz"))
		self.assertIn("Sorry template", str(refused.exception))
		cache.forget()

	def test_resolved_needs_the_follow_up_done_a_note_and_the_owner_or_a_manager(self):
		name = self.complaint(status="Open")
		self.tick_all(name)
		send_email("CRM Lead", self.lead.name, self.email, REPLY)
		with self.assertRaises(ComplaintError) as refused:
			actions.resolve(name, "Replacement arrived")
		self.assertIn("follow-up with the customer is not done", str(refused.exception))

		task = frappe.get_doc("CRM Task", frappe.db.get_value("Complaint", name, "follow_up_task"))
		task.status = "Done"
		task.save(ignore_permissions=True)
		frappe.set_user(OTHER_AGENT)
		with self.assertRaises(frappe.PermissionError):
			actions.resolve(name, "Replacement arrived")
		frappe.set_user(AGENT)
		with self.assertRaises(ComplaintError):
			actions.resolve(name, "  ")
		self.assertEqual(actions.resolve(name, "Replacement arrived; she is happy.")["status"], "Resolved")

	def test_a_manager_may_resolve_and_a_due_follow_up_shows(self):
		name = self.complaint(status="Open")
		self.tick_all(name)
		send_email("CRM Lead", self.lead.name, self.email, REPLY)
		task = frappe.db.get_value("Complaint", name, "follow_up_task")
		frappe.db.set_value("CRM Task", task, "due_date", add_days(nowdate(), -1))
		reply_gate.mark_follow_ups_due()
		self.assertEqual(frappe.db.get_value("Complaint", name, "status"), "Follow-up Due")
		frappe.db.set_value("CRM Task", task, "status", "Done")
		frappe.set_user(MANAGER)
		self.assertEqual(actions.resolve(name, "Called her; all good.")["status"], "Resolved")


class TestConnections(ComplaintTestCase):
	def test_the_lead_shows_its_complaints_under_connections(self):
		from frappe.desk.notifications import get_open_count

		self.complaint()
		counts = get_open_count("CRM Lead", self.lead.name)["count"]["external_links_found"]
		found = {c["doctype"]: c["count"] for c in counts}
		self.assertEqual(found.get("Complaint"), 1)
