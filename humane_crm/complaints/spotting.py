"""Spotting a complaint: every inbound email on a lead or deal is scored on the customer's own words
(quoted history and signature left out) with the site's cues and tone weight; at the threshold a
*Suggested* complaint is created, saying why in one line, and the record's owner is told.
"""

from __future__ import annotations

import frappe
from frappe import _

from humane_crm.complaints.state import UNRESOLVED, record_title
from humane_crm.constants import CRM_RECORDS
from humane_crm.people import identities, ledger
from humane_crm.policy import complaints as core
from humane_crm.policy import templates as template_core
from humane_crm.utils.notifications import notify


def spot(comm) -> str | None:
	"""Inbound email on a lead or deal: suggest a complaint when its cues and tone add up."""
	if comm.reference_doctype not in CRM_RECORDS or not comm.reference_name:
		return None
	found = core.score(comm.content, *scoring_settings(), subject=comm.subject)
	if not found.suggests_complaint:
		return None
	existing = frappe.db.get_value(
		"Complaint",
		{
			"reference_doctype": comm.reference_doctype,
			"reference_name": comm.reference_name,
			"status": ("in", UNRESOLVED),
		},
	)
	if existing:
		frappe.get_doc("Complaint", existing).add_comment(
			"Info",
			_("Another message scored {0} ({1}): {2}").format(found.value, found.explain(_), comm.name),
		)
		return existing
	doc = frappe.get_doc(
		{
			"doctype": "Complaint",
			"status": "Suggested",
			"summary": _summary(comm),
			"reference_doctype": comm.reference_doctype,
			"reference_name": comm.reference_name,
			"person": _person(comm),
			"inbound_communication": comm.name,
			"score": found.value,
			"matched_phrases": found.explain(_),
		}
	)
	doc.insert(ignore_permissions=True)
	notify(
		doc.complaint_owner,
		doc,
		_("Possible complaint from {0} (score {1}: {2}). Confirm or dismiss it.").format(
			record_title(doc), found.value, found.explain(_)
		),
	)
	return doc.name


def scoring_settings() -> tuple[list[tuple[str, float, str, str]], float, float]:
	"""The site's cues (phrase, weight, kind, language), threshold and tone weight; the shipped
	defaults where the settings say nothing."""
	settings = frappe.get_cached_doc("Humane CRM Settings")
	cues = [
		(c.phrase, c.weight or 0, (c.kind or "Other").lower(), (c.language or "en").strip().lower())
		for c in settings.get("complaint_phrases") or []
	]
	threshold = settings.complaint_threshold
	weight = settings.get("complaint_sentiment_weight")
	return (
		cues or list(core.DEFAULT_CUES),
		core.DEFAULT_THRESHOLD if threshold is None else threshold,
		core.DEFAULT_SENTIMENT_WEIGHT if weight is None else weight,
	)


def corpus_report(path: str | None = None) -> str:
	"""This site's cues on the labelled corpus: recall, false alarms, and which emails (the bench
	command `humane-crm complaint-corpus`)."""
	from humane_crm.policy import complaint_corpus as figures

	cues, threshold, sentiment_weight = scoring_settings()
	report = figures.evaluate(figures.load(path or figures.CORPUS), cues, threshold, sentiment_weight)
	head = _("Cues: {0} from this site's settings, threshold {1}, tone weight {2}").format(
		len(cues), f"{threshold:g}", f"{sentiment_weight:g}"
	)
	return head + "\n" + figures.render(report, thresholds=sorted({1.5, 2, 2.5, 3, 3.5, 4, float(threshold)}))


def _summary(comm) -> str:
	text = template_core.text_of(comm.content)
	return (comm.subject or text[:140] or _("Complaint")).strip()[:255]


def _person(comm) -> str | None:
	key = identities.email_key(comm.sender)
	return ledger.persons_holding({key}).get(key) if key else None
