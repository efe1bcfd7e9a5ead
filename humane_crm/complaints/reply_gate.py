"""The reply gate, and the follow-up it owes: while a complaint on a record is Open, a reply needs
every required checklist item ticked by a human and more than a template; the reply that passes
marks it Responded and creates the owner's follow-up task (Follow-up Due, daily, when it is late).
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, get_fullname, now_datetime, time_diff_in_hours

from humane_crm.complaints.state import act, items, record_title
from humane_crm.constants import CRM_RECORDS, DEFAULT_FOLLOW_UP_DAYS
from humane_crm.exceptions import ComplaintChecklistError, TemplateOnlyReplyError
from humane_crm.people import identities
from humane_crm.policy import complaints as core
from humane_crm.policy import templates as template_core
from humane_crm.template_review import message_check
from humane_crm.utils.notifications import notify


def gate(comm, record=None) -> None:
	"""Communication validate (outbound email): a reply on a record with an open complaint waits
	for the checklist, and must be more than a template. (`record`: the record's facts, when they
	were read with its open complaints.)"""
	if comm.reference_doctype not in CRM_RECORDS or not comm.reference_name:
		return
	if record is not None and record.send is not None:
		open_ = record.send.open_complaints
	else:
		open_ = open_complaints(comm.reference_doctype, comm.reference_name) if any_open() else ()
	if not open_:
		return
	for name in open_:
		doc = frappe.get_doc("Complaint", name)
		missing = core.missing_items(items(doc))
		if missing:
			frappe.throw(
				_(
					"Not sent: {0} has an open complaint ({1}: “{2}”). Before the first reply, work through the empathy checklist; still to do: {3}. Your message is kept as you wrote it."
				).format(record_title(doc), doc.name, doc.summary, "; ".join(f"“{m}”" for m in missing)),
				exc=ComplaintChecklistError,
				title=_("Empathy checklist first"),
			)
	stamp = record.templates_stamp if record is not None else None  # (read with the record, if it was)
	used = template_core.templates_used(comm.content, message_check.known_templates(stamp))
	if used and core.template_only(min(m.own_chars for _t, m in used)):
		frappe.throw(
			_(
				"Not sent: this reply to a complaint is only template {0}. Write to them in your own words (at least {1} characters of your own)."
			).format(frappe.bold(used[0][0].name), core.MIN_OWN_WORDS),
			exc=TemplateOnlyReplyError,
			title=_("Write it yourself"),
		)
	comm.flags.humane_crm_complaints = list(open_)


def open_complaints(doctype: str, name: str) -> list[str]:
	return frappe.db.sql_list(
		f"select name from `tabComplaint` where {identities.OPEN_COMPLAINTS}",
		{"doctype": doctype, "name": name},
	)


def any_open() -> bool:
	"""Is any complaint Open on this site? Asked on every outgoing email to a lead or deal. Not
	cached: a stale "none" would let a reply past the checklist, and the read is one small query."""
	return bool(frappe.db.sql("select 1 from `tabComplaint` where status = 'Open' limit 1"))


def responded(comm) -> None:
	"""Communication after_insert: the reply that passed the gate answers the complaints."""
	for name in comm.flags.get("humane_crm_complaints") or ():
		doc = frappe.get_doc("Complaint", name)
		now = now_datetime()
		since = doc.opened_on or doc.creation
		if doc.inbound_communication:
			since = (
				frappe.db.get_value("Communication", doc.inbound_communication, "communication_date") or since
			)
		task = _follow_up_task(doc)
		act(
			doc,
			"Responded",
			_("{0} replied ({1}); a follow-up is due {2}.").format(get_fullname(), comm.name, task.due_date),
			first_response_on=now,
			first_response=comm.name,
			hours_to_first_response=round(time_diff_in_hours(now, get_datetime(since)), 2),
			follow_up_task=task.name,
			follow_up_due=get_datetime(task.due_date).date(),
		)


def _follow_up_task(doc):
	days = frappe.db.get_single_value("Humane CRM Settings", "follow_up_days")
	due = add_days(now_datetime(), DEFAULT_FOLLOW_UP_DAYS if days is None else days)
	task = frappe.get_doc(
		{
			"doctype": "CRM Task",
			"title": _("Follow up with {0} about their complaint").format(record_title(doc)),
			"description": _("Complaint {0}: {1}").format(doc.name, doc.summary),
			"assigned_to": doc.complaint_owner,
			"status": "Todo",
			"priority": "High",
			"due_date": due,
			"reference_doctype": doc.reference_doctype,
			"reference_docname": doc.reference_name,
		}
	)
	task.insert(ignore_permissions=True)
	return task


def mark_follow_ups_due() -> int:
	"""Daily: a responded complaint whose follow-up task is due and not done shows Follow-up Due."""
	rows = frappe.db.sql(
		"""select c.name from `tabComplaint` c join `tabCRM Task` t on t.name = c.follow_up_task
		where c.status = 'Responded' and t.due_date <= %s and t.status not in ('Done', 'Canceled')""",
		now_datetime(),
	)
	for (name,) in rows:
		doc = frappe.get_doc("Complaint", name)
		act(doc, "Follow-up Due", _("The follow-up task is due and not done."))
		notify(doc.complaint_owner, doc, _("Follow-up due: {0}").format(doc.summary))
	return len(rows)
