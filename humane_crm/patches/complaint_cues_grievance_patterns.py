"""The shipped complaint cues gain grievance patterns ("no one ... #respond", "#number #period ago",
"still *ing") and lose a few single words that flagged ordinary emails ("another", "hours").

A site still on a list the app shipped before (`complaint_cues_586.json`, the single words;
`complaint_cues_766.json`, the first list of patterns) gets the new list as it is, and the tone
weight chosen with it where it was still the old default. On a list an admin
edited, their own rows and the ones they re-weighted stay; a shipped cue they deleted stays deleted;
rows still as shipped follow the new list; cues new to the list are added
(`complaint_cue_upgrade.upgrade`). `complaint_cues_learned` moves on from here the same way.
"""

import json
from pathlib import Path

import frappe

from humane_crm.policy.complaint_cue_upgrade import closest, upgrade
from humane_crm.policy.complaint_cues import Cue
from humane_crm.policy.complaints import DEFAULT_SENTIMENT_WEIGHT

# The English lists the app shipped before, oldest first.
SHIPPED = ("complaint_cues_586.json", "complaint_cues_766.json")
OLD_SENTIMENT_WEIGHT = 2.0


def shipped_before(name: str = SHIPPED[0]) -> list[Cue]:
	text = Path(__file__).with_name(name).read_text()
	return [Cue(phrase, weight, kind, "en") for phrase, weight, kind in json.loads(text)]


def move_to_shipped(settings, shipped=SHIPPED) -> bool:
	"""The site's rows moved from the closest list of `shipped` to the one the app ships now (not
	saved); whether anything changed."""
	rows = [
		((r.language or "en").strip().lower(), (r.kind or "Other").lower(), r.phrase, float(r.weight or 0))
		for r in settings.get("complaint_phrases") or []
	]
	if not rows:
		return False  # an admin who emptied the list scores with the shipped defaults already
	before = closest(rows, [shipped_before(name) for name in shipped])
	moved = upgrade(rows, before)
	if moved == rows:
		return False
	settings.set(
		"complaint_phrases",
		[
			{"language": language, "kind": kind.title(), "phrase": phrase, "weight": weight}
			for language, kind, phrase, weight in moved
		],
	)
	return True


def execute():
	settings = frappe.get_single("Humane CRM Settings")
	if not move_to_shipped(settings):
		return
	if float(settings.get("complaint_sentiment_weight") or 0) == OLD_SENTIMENT_WEIGHT:
		settings.complaint_sentiment_weight = DEFAULT_SENTIMENT_WEIGHT
	settings.flags.ignore_permissions = True
	settings.save()
