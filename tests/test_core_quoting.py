"""The customer's own words: quoted history and signatures are left out before scoring."""

from hypothesis import given
from hypothesis import strategies as st

from humane_crm.policy.complaints import score
from humane_crm.policy.quoting import own_words

OURS = "We are so sorry for the inconvenience. This is unacceptable and a full refund is on its way."

GMAIL = (
	'<div dir="ltr">Thanks, all sorted!</div><br><div class="gmail_quote"><div dir="ltr" '
	'class="gmail_attr">On Mon, 30 Nov 2026 at 10:02, Priya Shah &lt;priya@example.com&gt; wrote:<br></div>'
	'<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid '
	f'rgb(204,204,204);padding-left:1ex">{OURS}</blockquote></div>'
)
# What Frappe's clean_email_html keeps of GMAIL when an Email Account stores it: no class, no
# blockquote, the quote's text inline.
GMAIL_STORED = (
	"<div>Thanks, all sorted!</div><br><div><div>On Mon, 30 Nov 2026 at 10:02, Priya Shah "
	f"&lt;priya@example.com&gt; wrote:<br></div>\n{OURS}</div>"
)
OUTLOOK = (
	'<div>Perfect, thank you.</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%">'
	'<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri"><b>From:</b> Priya Shah<br><b>Sent:</b> Monday, '
	f"30 November 2026 16:12<br><b>To:</b> Ana<br><b>Subject:</b> Your order</font></div><div>{OURS}</div>"
)
OUTLOOK_STORED = (
	"<div>Perfect, thank you.</div><div><b>From:</b> Priya Shah &lt;priya@example.com&gt;<br><b>Sent:</b> "
	f"Monday, 30 November 2026 16:12<br><b>To:</b> Ana<br><b>Subject:</b> RE: Your order</div><div>{OURS}</div>"
)


def test_gmail_and_outlook_quote_blocks_are_left_out_as_sent_and_as_stored():
	assert own_words(GMAIL) == "Thanks, all sorted!"
	assert own_words(GMAIL_STORED) == "Thanks, all sorted!"
	assert own_words(OUTLOOK) == "Perfect, thank you."
	assert own_words(OUTLOOK_STORED) == "Perfect, thank you."


def test_our_apology_quoted_below_does_not_make_a_complaint():
	for body in (GMAIL, GMAIL_STORED, OUTLOOK, OUTLOOK_STORED):
		assert score(OURS).suggests_complaint  # on its own, it would
		assert not score(body).suggests_complaint, score(body).explain()


def test_plain_text_replies_lose_the_wrote_line_and_everything_below():
	body = f"Great, thanks!\n\nOn Wed, Nov 25, 2026 at 3:40 PM Priya <priya@example.com> wrote:\n> {OURS}\n> Priya"
	assert own_words(body) == "Great, thanks!"
	wrapped = (
		f"Great, thanks!\n\nOn Wed, Nov 25, 2026 at 3:40 PM Priya Shah <\npriya@example.com> wrote:\n\n{OURS}"
	)
	assert own_words(wrapped) == "Great, thanks!"
	assert own_words(f"Merci !\n\nLe lun. 30 nov. 2026 à 10:02, Priya a écrit :\n{OURS}") == "Merci !"


def test_outlook_plain_headers_and_separators_cut_the_history():
	body = (
		f"Works now.\n\nFrom: Priya Shah <priya@example.com>\nSent: 27 November 2026 11:20\nTo: me\n\n{OURS}"
	)
	assert own_words(body) == "Works now."
	assert own_words(f"Works now.\n________________________________\n{OURS}") == "Works now."
	assert own_words(f"Works now.\n-----Original Message-----\n{OURS}") == "Works now."


def test_a_from_line_without_headers_below_is_the_customers_own():
	assert (
		own_words("From: the moment it arrived, it was broken.")
		== "From: the moment it arrived, it was broken."
	)


def test_interleaved_quotes_keep_the_customers_lines():
	body = "> Did the parcel arrive?\nNo, and it's been three weeks.\n> Anything else?\nYes: nobody answers."
	assert own_words(body) == "No, and it's been three weeks.\nYes: nobody answers."


def test_signatures_are_left_out():
	assert own_words("It broke again.\n-- \nJo Bloggs\nComplaints Manager, Acme") == "It broke again."
	assert own_words("It broke again.\n\nSent from my iPhone") == "It broke again."
	signed = (
		"Received, thanks.\n\nBest regards,\nEmma Clarke\nCustomer Complaints & Quality\n+44 20 7946 0000"
	)
	assert own_words(signed) == "Received, thanks."
	assert own_words("<p>All good.</p><p>Kind regards,<br>Omar<br>Head of Refunds</p>") == "All good."


def test_a_sign_off_word_inside_the_message_is_not_a_signature():
	long_after = "Thanks,\n" + "\n".join(f"line {i} of what I have to say" for i in range(8))
	assert own_words(f"Hello\n{long_after}") == f"Hello\n{long_after}"
	assert own_words("Thanks, all sorted. The refund arrived.") == "Thanks, all sorted. The refund arrived."
	assert own_words("Thanks!") == "Thanks!"


def test_an_old_complaint_quoted_under_all_sorted_does_not_count():
	old = "I'm furious, the vase arrived broken and I want my money back. Unacceptable."
	body = f"Thanks, all sorted now!\n\nOn Tue, 1 Dec 2026 at 09:14, Ana <ana@example.org> wrote:\n> {old}"
	assert score(old).suggests_complaint
	assert not score(body).suggests_complaint


lines = st.lists(
	st.text(
		alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd"), whitelist_characters=" .!'"),
		max_size=60,
	)
	.map(str.strip)
	.filter(
		lambda line: line
		and not line.lower().startswith(("on ", "from", "thanks", "best", "regards", "cheers"))
	),
	min_size=1,
	max_size=5,
)


@given(lines, st.sampled_from(["plain", "gmail", "outlook"]))
def test_whatever_is_quoted_below_never_changes_the_own_words(own, style):
	text = "\n".join(own)
	if style == "plain":
		body = f"{text}\n\nOn Mon, 30 Nov 2026 at 10:02, Priya <p@example.com> wrote:\n> {OURS}"
	elif style == "gmail":
		body = GMAIL.replace("Thanks, all sorted!", "<br>".join(own))
	else:
		body = OUTLOOK_STORED.replace("Perfect, thank you.", "<br>".join(own))
	assert own_words(body) == own_words(text) == "\n".join(line.strip() for line in own).strip()
