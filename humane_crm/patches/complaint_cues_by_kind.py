"""Complaint phrases become cues with a kind and a language.

A site still on the 16 phrases the app used to ship (and their threshold of 3) gets the new
English cue list, threshold and tone weight, chosen on the labelled corpus. A site whose admin
edited the list keeps every phrase and its threshold: its rows become English cues of kind Other,
and `bench --site SITE humane-crm complaint-corpus` shows how they do.
"""

import frappe

from humane_crm.policy.complaints import DEFAULT_SENTIMENT_WEIGHT, DEFAULT_THRESHOLD
from humane_crm.setup.install import add_default_cues

OLD_DEFAULT_PHRASES = {
	("refund", 2.0),
	("disappointed", 2.0),
	("unacceptable", 2.0),
	("still waiting", 2.0),
	("complaint", 2.0),
	("cancel my", 2.0),
	("worst", 2.0),
	("not happy", 1.5),
	("terrible", 1.5),
	("angry", 1.5),
	("frustrated", 1.5),
	("never again", 1.5),
	("broken", 1.0),
	("faded", 1.0),
	("damaged", 1.0),
	("money back", 2.0),
}
OLD_DEFAULT_THRESHOLD = 3.0


def execute():
	settings = frappe.get_single("Humane CRM Settings")
	rows = settings.get("complaint_phrases") or []
	if not rows or any(r.kind for r in rows if r.kind not in (None, "", "Other")):
		return  # nothing to convert, or already cues
	if {(r.phrase, float(r.weight or 0)) for r in rows} == OLD_DEFAULT_PHRASES and len(rows) == len(
		OLD_DEFAULT_PHRASES
	):
		settings.set("complaint_phrases", [])
		add_default_cues(settings)
		if float(settings.complaint_threshold or OLD_DEFAULT_THRESHOLD) == OLD_DEFAULT_THRESHOLD:
			settings.complaint_threshold = DEFAULT_THRESHOLD
		settings.complaint_sentiment_weight = DEFAULT_SENTIMENT_WEIGHT
	else:
		for row in rows:
			row.language = row.language or "en"
			row.kind = row.kind or "Other"
	settings.flags.ignore_permissions = True
	settings.save()
