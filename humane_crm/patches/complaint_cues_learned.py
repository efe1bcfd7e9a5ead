"""The shipped complaint cues gain a learned layer: cues of kind *Learned* whose weights
`scripts/learn_cues.py` fitted on the labelled corpus, with the threshold and tone weight chosen
with them (`complaint_cues.json`).

A site on a list the app shipped before (`complaint_cues_803.json`, the hand-written list before
the learned cues; `complaint_cues_1094.json`, the first learned cues, shipped for a day;
`complaint_cues_1075.json`, the second, before the former blind set final-2 and the third round of
tuning emails (prospects on their old vendor, the writer's own slip, warm thanks) were tuned on; or
an older one) moves to the new list the same way as before
(`complaint_cues_grievance_patterns.move_to_shipped`): the learned cues are added, what an admin
edited stays. A threshold or tone weight still at a value the app shipped becomes the new one; one
an admin chose stays.
"""

import frappe

from humane_crm.patches.complaint_cues_grievance_patterns import SHIPPED, move_to_shipped
from humane_crm.policy.complaints import DEFAULT_SENTIMENT_WEIGHT, DEFAULT_THRESHOLD

SHIPPED_BEFORE = (
	*SHIPPED,
	"complaint_cues_803.json",
	"complaint_cues_1094.json",
	"complaint_cues_1075.json",
)
# The thresholds and tone weights the app shipped before.
OLD_THRESHOLDS = (2.0, 2.5, 1.6)
OLD_SENTIMENT_WEIGHTS = (2.0, 3.0, 1.7)


def execute():
	settings = frappe.get_single("Humane CRM Settings")
	changed = move_to_shipped(settings, SHIPPED_BEFORE)
	if float(settings.get("complaint_threshold") or 0) in OLD_THRESHOLDS:
		settings.complaint_threshold = DEFAULT_THRESHOLD
		changed = True
	if float(settings.get("complaint_sentiment_weight") or 0) in OLD_SENTIMENT_WEIGHTS:
		settings.complaint_sentiment_weight = DEFAULT_SENTIMENT_WEIGHT
		changed = True
	if changed:
		settings.flags.ignore_permissions = True
		settings.save()
