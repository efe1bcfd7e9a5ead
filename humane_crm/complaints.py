"""Complaints get a person: spotted in inbound email, confirmed by a human, answered only after the
empathy checklist, and followed up by a human.

- `spot` (inbound email on a lead or deal): the core scores the customer's own words (quoted
  history and signature left out) with the settings' cues and tone weight; at the threshold a
  *Suggested* complaint is created, saying why in one line, and the record's owner told.
- `confirm` / `dismiss`: a human decides. Confirming copies the active Empathy Checklist.
- `gate` (every outbound email, in Communication validate): while a complaint on that record is
  Open, a reply needs every required item ticked by a human, and more than a template.
- `responded` (after the reply is inserted): Responded, first-response time, a CRM Task for the
  owner due in N days. `mark_follow_ups_due` (daily) and `resolve` (task done, a note) finish it.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, get_fullname, now_datetime, time_diff_in_hours

from humane_crm import access, inputs, ledger, people, review
from humane_crm.actions import save_action
from humane_crm.exceptions import ComplaintChecklistError, ComplaintError, TemplateOnlyReplyError
from humane_crm.notifications import notify
from humane_crm.policy import complaints as core
from humane_crm.policy import templates as template_core

CRM_RECORDS = ("CRM Lead", "CRM Deal")
UNRESOLVED = ("Suggested", "Open", "Responded", "Follow-up Due")
MANAGERS = ("Sales Manager", "System Manager")


# Spotting
# ------------------


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
			_record_title(doc), found.value, found.explain(_)
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


# A human decides
# ------------------


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
	if not (reason or "").strip():
		frappe.throw(_("Say why this is not a complaint."), exc=ComplaintError, title=_("A reason is needed"))
	_act(
		doc,
		"Dismissed",
		_("{0} dismissed it: {1}").format(get_fullname(), reason.strip()),
		dismissed_reason=reason.strip(),
	)
	return state(doc)


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
	_act(doc, doc.status, f"{said}: {note}" if note else said)
	return state(doc)


@frappe.whitelist()
def resolve(name: str, note: str) -> dict:
	"""Close it: only its owner or a manager, once the follow-up task is done, with a note."""
	doc = _complaint(name)
	_expect(doc, ("Responded", "Follow-up Due"), _("resolve"))
	if frappe.session.user != doc.complaint_owner and not set(MANAGERS) & set(frappe.get_roles()):
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
	if not (note or "").strip():
		frappe.throw(_("Say how it was resolved."), exc=ComplaintError, title=_("A note is needed"))
	_act(
		doc,
		"Resolved",
		_("{0} resolved it: {1}").format(get_fullname(), note.strip()),
		resolution_note=note.strip(),
		resolved_on=now_datetime(),
		resolved_by=frappe.session.user,
	)
	return state(doc)


def state(doc) -> dict:
	return {
		"name": doc.name,
		"status": doc.status,
		"missing": core.missing_items(_items(doc)),
		"follow_up_task": doc.follow_up_task,
	}


# The gate, and the follow-up it owes
# ------------------


def gate(comm) -> None:
	"""Communication validate (outbound email): a reply on a record with an open complaint waits
	for the checklist, and must be more than a template."""
	if comm.reference_doctype not in CRM_RECORDS or not comm.reference_name or not any_open():
		return
	open_ = frappe.db.sql_list(
		"""select name from `tabComplaint`
		where reference_name = %s and reference_doctype = %s and status = 'Open'""",
		(comm.reference_name, comm.reference_doctype),
	)
	if not open_:
		return
	for name in open_:
		doc = frappe.get_doc("Complaint", name)
		missing = core.missing_items(_items(doc))
		if missing:
			frappe.throw(
				_(
					"Not sent: {0} has an open complaint ({1}: “{2}”). Before the first reply, work through the empathy checklist; still to do: {3}. Your message is kept as you wrote it."
				).format(_record_title(doc), doc.name, doc.summary, "; ".join(f"“{m}”" for m in missing)),
				exc=ComplaintChecklistError,
				title=_("Empathy checklist first"),
			)
	used = template_core.templates_used(comm.content, review.known_templates())
	if used and core.template_only(min(m.own_chars for _t, m in used)):
		frappe.throw(
			_(
				"Not sent: this reply to a complaint is only template {0}. Write to them in your own words (at least {1} characters of your own)."
			).format(frappe.bold(used[0][0].name), core.MIN_OWN_WORDS),
			exc=TemplateOnlyReplyError,
			title=_("Write it yourself"),
		)
	comm.flags.humane_crm_complaints = open_


OPEN_KEY = "humane_crm:open_complaints"


def any_open() -> bool:
	"""Is any complaint Open on this site? Asked on every outgoing email to a lead or deal. Not
	cached: a stale "none" would let a reply past the checklist, and the read is one small query."""
	return bool(frappe.db.sql("select 1 from `tabComplaint` where status = 'Open' limit 1"))


def clear_cache(doc=None, method=None) -> None:
	frappe.cache.delete_value(OPEN_KEY)  # what earlier versions cached; nothing is cached now


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
		_act(
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
	due = add_days(now_datetime(), 3 if days is None else days)
	task = frappe.get_doc(
		{
			"doctype": "CRM Task",
			"title": _("Follow up with {0} about their complaint").format(_record_title(doc)),
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
		_act(doc, "Follow-up Due", _("The follow-up task is due and not done."))
		notify(doc.complaint_owner, doc, _("Follow-up due: {0}").format(doc.summary))
	return len(rows)


# Helpers
# ------------------


def _open(doc) -> None:
	from humane_crm.humane_crm.doctype.empathy_checklist.empathy_checklist import active_for

	checklist = active_for(doc.reference_doctype)
	doc.set("answers", [])
	for item in checklist.items if checklist else []:
		doc.append("answers", {"prompt": item.prompt, "guidance": item.guidance, "required": item.required})
	_act(
		doc,
		"Open",
		_("{0} confirmed the complaint; the first reply waits for the empathy checklist.").format(
			get_fullname()
		),
		checklist=checklist.name if checklist else None,
		opened_by=frappe.session.user,
		opened_on=now_datetime(),
	)


def _act(doc, status: str, note: str, **values) -> None:
	save_action(doc, {"status": status, **values}, note)


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
	if not name or not frappe.db.exists("Complaint", name):
		frappe.throw(
			_("There is no complaint {0}.").format(frappe.bold(inputs.shown(name))),
			exc=frappe.DoesNotExistError,
		)
	doc = frappe.get_doc("Complaint", name)
	doc.check_permission("write")
	access.ensure_may_read_record(doc.reference_doctype, doc.reference_name)
	return doc


def _expect(doc, states: tuple, action: str) -> None:
	if doc.status not in states:
		frappe.throw(
			_("Complaint {0} is {1}: you cannot {2} it now.").format(doc.name, _(doc.status), action),
			exc=ComplaintError,
			title=_("Not now"),
		)


def _items(doc) -> list[core.Item]:
	return [core.Item(r.prompt, bool(r.required), bool(r.ticked)) for r in doc.answers]


def _record_title(doc) -> str:
	return people.display_name(doc.reference_doctype, doc.reference_name) or doc.reference_name


def _summary(comm) -> str:
	text = template_core.text_of(comm.content)
	return (comm.subject or text[:140] or _("Complaint")).strip()[:255]


def _person(comm) -> str | None:
	key = people.email_key(comm.sender)
	return ledger.persons_holding({key}).get(key) if key else None


def _person_of_record(doctype: str, name: str) -> str | None:
	held = ledger.persons_holding(set().union(*people.record_people(doctype, name)))
	return min(held.values()) if held else None


def lead_dashboard(data):
	return _dashboard(data, "CRM Lead")


def deal_dashboard(data):
	return _dashboard(data, "CRM Deal")


def _dashboard(data, doctype: str):
	"""Connections on CRM Lead and CRM Deal: their complaints and held messages."""
	data = frappe._dict(data or {})
	data.setdefault("non_standard_fieldnames", {}).update(
		{"Complaint": "reference_name", "Held Message": "reference_name"}
	)
	data.setdefault("dynamic_links", {})["reference_name"] = [doctype, "reference_doctype"]
	data.setdefault("transactions", []).append(
		{"label": _("Humane CRM"), "items": ["Complaint", "Held Message"]}
	)
	return data
