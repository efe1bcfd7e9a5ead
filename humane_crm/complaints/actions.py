"""A human decides: confirm a suggested complaint (its reply then waits for the empathy checklist),
open one by hand, dismiss it, tick the checklist, and resolve it once the follow-up is done.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import get_fullname, now_datetime

from humane_crm.complaints.state import act, state
from humane_crm.constants import COMPLAINT_MANAGERS, CRM_RECORDS
from humane_crm.exceptions import ComplaintError
from humane_crm.people import identities, ledger
from humane_crm.permissions import access
from humane_crm.utils import inputs


@frappe.whitelist()
def confirm(name: str) -> dict:
	"""A human says: this is a complaint. Its reply now waits for the empathy checklist."""
	doc = _complaint(name)
	_expect(doc, ("Suggested",), _("confirm"))
	_open(doc)
	return state(doc)


@frappe.whitelist()
def open_complaint(doctype: str, name: str, summary: str) -> dict:
	"""An agent opens a complaint on a record themselves (no inbound message needed)."""
	if doctype not in CRM_RECORDS:
		frappe.throw(_("A complaint belongs to a CRM Lead or a CRM Deal."), exc=ComplaintError)
	access.ensure_may_read_record(doctype, name)
	if not (summary or "").strip():
		frappe.throw(_("Say in a few words what the complaint is about."), exc=ComplaintError)
	doc = frappe.get_doc(
		{
			"doctype": "Complaint",
			"summary": summary.strip()[:255],
			"reference_doctype": doctype,
			"reference_name": name,
			"person": _person_of_record(doctype, name),
		}
	)
	doc.insert()
	_open(doc)
	return state(doc)


@frappe.whitelist()
def dismiss(name: str, reason: str) -> dict:
	"""A human says: this is not a complaint (or no longer one that needs the checklist)."""
	doc = _complaint(name)
	_expect(doc, ("Suggested", "Open"), _("dismiss"))
	reason = _said(reason, _("Say why this is not a complaint."), _("A reason is needed"))
	act(doc, "Dismissed", _("{0} dismissed it: {1}").format(get_fullname(), reason), dismissed_reason=reason)
	return state(doc)


def _said(text, ask: str, title: str) -> str:
	"""What a person wrote to explain an action, trimmed; refused when there is nothing."""
	if not (text or "").strip():
		frappe.throw(ask, exc=ComplaintError, title=title)
	return text.strip()


@frappe.whitelist()
def tick(name: str, item: int, note: str | None = None, ticked: int = 1) -> dict:
	"""Tick (or, before the first reply, untick) checklist item number `item` (1-based)."""
	name = inputs.text(name, _("The complaint"))
	ticked = _whole_number(ticked, _("ticked (1 to tick, 0 to untick)"))
	note = inputs.text(note, _("The note"), required=False)
	doc = _complaint(name)
	number = _whole_number(item, _("The checklist item"))
	row = next((r for r in doc.answers if r.idx == number), None)
	if row is None:
		frappe.throw(
			_("Checklist item {0} does not exist: complaint {1} has items 1 to {2}.").format(
				frappe.bold(inputs.shown(item)), doc.name, len(doc.answers)
			),
			exc=ComplaintError,
			title=_("No such checklist item"),
		)
	if ticked not in (0, 1):
		inputs.refuse(_("ticked must be 1 (tick) or 0 (untick)."), title=_("Not a flag"))
	_expect(
		doc, ("Open",) if not ticked else ("Open", "Responded", "Follow-up Due"), _("change the checklist of")
	)
	if ticked:
		row.update({"ticked": 1, "ticked_by": frappe.session.user, "ticked_on": now_datetime(), "note": note})
		said = _("{0} ticked “{1}”").format(get_fullname(), row.prompt)
	else:
		row.update({"ticked": 0, "ticked_by": None, "ticked_on": None, "note": None})
		said = _("{0} unticked “{1}”").format(get_fullname(), row.prompt)
	act(doc, doc.status, f"{said}: {note}" if note else said)
	return state(doc)


@frappe.whitelist()
def resolve(name: str, note: str) -> dict:
	"""Close it: only its owner or a manager, once the follow-up task is done, with a note."""
	doc = _complaint(name)
	_expect(doc, ("Responded", "Follow-up Due"), _("resolve"))
	if frappe.session.user != doc.complaint_owner and not set(COMPLAINT_MANAGERS) & set(frappe.get_roles()):
		frappe.throw(
			_("Only the complaint's owner ({0}) or a Sales Manager can resolve it.").format(
				get_fullname(doc.complaint_owner)
			),
			exc=frappe.PermissionError,
			title=_("Not permitted"),
		)
	task_status = (
		frappe.db.get_value("CRM Task", doc.follow_up_task, "status") if doc.follow_up_task else None
	)
	if task_status != "Done":
		frappe.throw(
			_(
				"The follow-up with the customer is not done yet (task {0} is {1}). Follow up, mark the task Done, then resolve."
			).format(doc.follow_up_task, _(task_status or "missing")),
			exc=ComplaintError,
			title=_("Follow-up owed"),
		)
	note = _said(note, _("Say how it was resolved."), _("A note is needed"))
	act(
		doc,
		"Resolved",
		_("{0} resolved it: {1}").format(get_fullname(), note),
		resolution_note=note,
		resolved_on=now_datetime(),
		resolved_by=frappe.session.user,
	)
	return state(doc)


def _open(doc) -> None:
	from humane_crm.humane_crm.doctype.empathy_checklist.empathy_checklist import active_for

	checklist = active_for(doc.reference_doctype)
	doc.set("answers", [])
	for item in checklist.items if checklist else []:
		doc.append("answers", {"prompt": item.prompt, "guidance": item.guidance, "required": item.required})
	act(
		doc,
		"Open",
		_("{0} confirmed the complaint; the first reply waits for the empathy checklist.").format(
			get_fullname()
		),
		checklist=checklist.name if checklist else None,
		opened_by=frappe.session.user,
		opened_on=now_datetime(),
	)


def _whole_number(value, label: str) -> int:
	"""A number a caller sent (1, "1"), or a sentence saying a whole number is needed."""
	if isinstance(value, str) and value.strip().isdigit():
		return int(value.strip())
	if isinstance(value, int) and not isinstance(value, bool):
		return value
	inputs.refuse(
		_("{0} must be a whole number, such as 1, but {1} was sent.").format(label, inputs.kind(value)),
		title=_("Not a number"),
	)


def _complaint(name: str):
	return access.document_about_a_record("Complaint", name, _("There is no complaint {0}."))


def _expect(doc, states: tuple, action: str) -> None:
	if doc.status not in states:
		frappe.throw(
			_("Complaint {0} is {1}: you cannot {2} it now.").format(doc.name, _(doc.status), action),
			exc=ComplaintError,
			title=_("Not now"),
		)


def _person_of_record(doctype: str, name: str) -> str | None:
	held = ledger.persons_holding(set().union(*identities.record_people(doctype, name)))
	return min(held.values()) if held else None
