"""A complaint's state as the checks and /crm see it, and the one way it changes (a saved action
with a note on its timeline).
"""

from __future__ import annotations

from humane_crm.people import identities
from humane_crm.policy import complaints as core
from humane_crm.utils.actions import save_action

UNRESOLVED = ("Suggested", "Open", "Responded", "Follow-up Due")


def state(doc) -> dict:
	return {
		"name": doc.name,
		"status": doc.status,
		"missing": core.missing_items(items(doc)),
		"follow_up_task": doc.follow_up_task,
	}


def act(doc, status: str, note: str, **values) -> None:
	save_action(doc, {"status": status, **values}, note)


def items(doc) -> list[core.Item]:
	return [core.Item(r.prompt, bool(r.required), bool(r.ticked)) for r in doc.answers]


def record_title(doc) -> str:
	return identities.display_name(doc.reference_doctype, doc.reference_name) or doc.reference_name
