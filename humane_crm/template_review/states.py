"""A template's review states, and what a message made from it says (its fingerprint: approval is
for these exact words).
"""

from __future__ import annotations

from humane_crm.policy import templates as core

DRAFT, IN_REVIEW, CHANGES, APPROVED, GRANDFATHERED = (
	"Draft",
	"In Review",
	"Changes Requested",
	"Approved",
	"Approved (grandfathered)",
)


USABLE = (APPROVED, GRANDFATHERED)


REVIEWER_ROLE = "Template Reviewer"


# What the known templates are cached for (`message_check.known_templates`): every column the
# core reads, checksummed, as one string. A write that keeps `modified` (raw SQL, a migration,
# `db.set_value(..., update_modified=False)`) must rebuild the cache too. Summed, not XORed: two
# templates swapping their review states must change it. A send reads it with its record's row
# (`identities._SEND_FACTS`): no round trip of its own.
TEMPLATES_STAMP = """select concat_ws(' ', count(*), max(modified), sum(crc32(concat_ws('|', name,
	ifnull(humane_review_state, ''), ifnull(humane_requires_personal_note, 0), ifnull(use_html, 0),
	ifnull(response, ''), ifnull(response_html, ''))))) from `tabEmail Template`"""


def body_of(doc) -> str:
	"""What a message made from the template says: its HTML body, or its rich-text one."""
	return (doc.get("response_html") if doc.get("use_html") else doc.get("response")) or ""


def fingerprint_of(doc) -> str:
	return core.fingerprint(doc.get("subject"), body_of(doc))


# Set only by the review actions (and, for the last editor, by `void_approval_on_edit`): what four
# eyes and "edits void approval" rely on.
REVIEW_FIELDS = (
	"humane_review_state",
	"humane_requested_by",
	"humane_requested_on",
	"humane_content_changed_by",
	"humane_reviewed_by",
	"humane_reviewed_on",
	"humane_review_comment",
	"humane_fingerprint",
)
