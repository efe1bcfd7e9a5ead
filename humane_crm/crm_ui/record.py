"""What /crm's Form Scripts ask the server: one call for everything a lead's or deal's header shows
(the person's contact state, what the Contact menu may offer, the open or suggested complaint and
its checklist, the held and refused drafts), and the few actions the API has no method for (edit,
release and discard a held message from /crm).

Every answer is decided here, not in the browser: the same permission checks and refusals as
`humane_crm.api`, `humane_crm.complaints` and `humane_crm.held`, whose functions do the work.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import format_date, get_fullname

from humane_crm import api
from humane_crm.cadence import answers, facts, overrides
from humane_crm.cadence.facts import CHANNEL_FIELDS
from humane_crm.complaints.state import UNRESOLVED
from humane_crm.constants import PREFERENCE_MANAGERS

CUSTOMER_SOURCES = ("Customer", "Unsubscribe")
MENU_CHANNELS = ("Email", "Call")


@frappe.whitelist()
def record_status(doctype: str, name: str) -> dict:
	"""The header line, the Contact menu's state, the complaint and the held messages of a record."""
	api.ensure_readable(doctype, name)
	check = api.check_contact(doctype, name, "Email")
	preference = _preference(check)
	return {
		"headline": headline(check, preference, lambda: _wish(doctype, name)),
		"tone": tone(check),
		"check": check,
		"preference": preference,
		"relax": relax_state(preference),
		"overrides": {channel: override_state(doctype, name, channel) for channel in MENU_CHANNELS},
		"complaint": complaint_of(doctype, name),
		"stop_request": stop_request_of(doctype, name),
		"held": held_of(doctype, name),
	}


def headline(check: dict, preference: dict | None, wish=None) -> str:
	"""The check's own summary (the desk's headline), with who set the person's wish and when, and the
	channels they opted out of when email is still open. In the reply window (they wrote to us) email
	is open for an answer whatever they wished: their wish still leads the line, or the agent would
	not see it until a call or a new email was refused."""
	line = check["summary"].rstrip(".")
	wished = bool(preference and preference["status"] != "Open")
	standing = wish() if wish and wished and check["outcome"] == "exempt" else None
	if standing:
		line = standing.rstrip(".")
	if wished and preference.get("set_on"):
		by = preference.get("set_by")
		if by and by not in line:
			line = _("{0} ({1}, by {2})").format(line, preference["set_on"], by)
		else:  # the summary names who set it already ("set by Priya Agent"), or the customer did: the date
			line = _("{0} ({1})").format(line, preference["set_on"])
	if standing:
		line = _("{0} — you can still answer their message").format(line)
	opted = [c for c in preference["opted_out"] if c != "Email" or check["allowed"]] if preference else []
	if opted and check["allowed"]:
		line = _("{0} · {1} opted out").format(line, ", ".join(_(c) for c in opted))
	return line


def _wish(doctype: str, name: str) -> str | None:
	"""What the person's own wish says when an answer is not in question: a call's verdict (Do Not
	Contact and a pause stop every channel alike), or None when nothing stands in the way."""
	verdict = facts.decide_for_record(doctype, name, "Call")
	if verdict.allowed:
		return None
	return answers.summary(verdict, doctype, name)


def tone(check: dict) -> str:
	if check["outcome"] == "exempt":
		return "blue"
	if check["allowed"]:
		return "orange" if check["outcome"] == "warn" else "green"
	return "red"


def _preference(check: dict) -> dict | None:
	names = sorted({p for person in check.get("people") or () for p in person.get("preferences") or ()})
	if not names:
		return None
	doc = frappe.get_doc("Contact Preference", names[0])
	return {
		"name": doc.name,
		"status": doc.status,
		"paused_until": str(doc.paused_until) if doc.paused_until else None,
		"source": doc.source,
		"reason": doc.reason,
		# the app acting on the customer's own message or page runs as Administrator or Guest: no "by"
		"set_by": get_fullname(doc.status_set_by)
		if doc.status_set_by and doc.status_set_by not in ("Administrator", "Guest")
		else None,
		"set_on": format_date(doc.status_set_on, "medium") if doc.status_set_on else None,
		"opted_out": [c for c, f in CHANNEL_FIELDS.items() if doc.get(f)],
	}


def relax_state(preference: dict | None) -> dict:
	"""May this user allow contact again? Only a manager relaxes what the customer set themselves."""
	customer_set = bool(
		preference
		and preference["source"] in CUSTOMER_SOURCES
		and (preference["status"] != "Open" or preference["opted_out"])
	)
	if not customer_set or set(PREFERENCE_MANAGERS) & set(frappe.get_roles()):
		return {"allowed": True, "customer_set": customer_set, "note": None}
	return {
		"allowed": False,
		"customer_set": True,
		"note": _("The customer set this themselves: only a Sales Manager or Cadence Manager can relax it."),
	}


def override_state(doctype: str, name: str, channel: str) -> dict:
	"""Is an override needed and possible on this channel, and who may take one?"""
	verdict = facts.decide_for_record(doctype, name, channel)
	if verdict.allowed:
		return {
			"needed": False,
			"possible": False,
			"note": _("Contact is allowed now; no override is needed."),
		}
	if overrides.may_override(verdict):
		return {"needed": True, "possible": True, "note": None}
	return {"needed": True, "possible": False, "note": overrides.refusal_to_grant(verdict)}


def complaint_of(doctype: str, name: str) -> dict | None:
	"""The record's unresolved complaint (Suggested, Open, Responded, Follow-up Due), if any."""
	found = frappe.get_all(
		"Complaint",
		filters={"reference_doctype": doctype, "reference_name": name, "status": ("in", UNRESOLVED)},
		pluck="name",
		order_by="creation desc",
		limit=1,
	)
	if not found:
		return None
	from humane_crm.complaints.state import state

	doc = frappe.get_doc("Complaint", found[0])
	task = doc.follow_up_task and frappe.db.get_value(
		"CRM Task", doc.follow_up_task, ["title", "status", "due_date"], as_dict=True
	)
	return {
		**state(doc),
		"summary": doc.summary,
		"why": doc.matched_phrases,
		"items": [
			{
				"idx": r.idx,
				"prompt": r.prompt,
				"guidance": r.guidance,
				"required": bool(r.required),
				"ticked": bool(r.ticked),
				"ticked_by": get_fullname(r.ticked_by) if r.ticked_by else None,
				"note": r.note,
			}
			for r in doc.answers
		],
		"task": {"status": task.status, "title": task.title, "due": str(task.due_date)} if task else None,
	}


def stop_request_of(doctype: str, name: str) -> dict | None:
	"""The record's Stop Request waiting for its owner, if any: their words, when they came, the pause
	they made (while it is still that pause) and what confirming would do. Decided through
	`humane_crm.voice.stop.confirm` / `dismiss`, which check who may."""
	found = frappe.get_all(
		"Stop Request",
		filters={"reference_doctype": doctype, "reference_name": name, "status": "Waiting"},
		fields=["name", "words", "channel", "heard_on", "person", "creation", "request_owner"],
		order_by="creation desc",
		limit=1,
	)
	if not found:
		return None
	request = found[0]
	said = _("They wrote: “{0}”").format(request.words)
	paused = frappe.db.get_value(
		"Contact Preference", request.person, ["status", "source", "reason", "paused_until"], as_dict=True
	)
	ours = (
		paused
		and paused.status == "Paused"
		and paused.source == "Customer"
		and (paused.reason or "").startswith(said)
	)
	return {
		"name": request.name,
		"words": request.words,
		"channel": request.channel or None,
		"heard_on": request.heard_on,
		"heard_at": str(request.creation),
		"paused_until": str(paused.paused_until) if ours and paused.paused_until else None,
		"owner": get_fullname(request.request_owner) if request.request_owner else None,
		"outcome": _("opt out of {0}").format(_(request.channel)) if request.channel else _("Do Not Contact"),
		"may_decide": bool(frappe.has_permission("Stop Request", "write", request.name)),
	}


def held_of(doctype: str, name: str) -> list[dict]:
	"""The record's held and refused drafts still waiting for a human. Their HTML is shown in an
	editable box in /crm: an automated draft may carry anything, so scripts and event handlers are
	taken out before it reaches the agent's browser (Frappe's own sanitiser)."""
	from frappe.utils.html_utils import sanitize_html

	drafts = frappe.get_all(
		"Held Message",
		filters={"reference_doctype": doctype, "reference_name": name, "status": "Held"},
		fields=["name", "subject", "held_because", "held_on", "recipients", "cc", "bcc", "content", "source"],
		order_by="held_on desc",
	)
	for draft in drafts:
		draft.content = sanitize_html(draft.content or "", always_sanitize=True)
	return drafts


# Held messages, from /crm
# ------------------


@frappe.whitelist(methods=["POST"])
def save_held(name: str, recipients: str, subject: str, content: str) -> dict:
	"""Edit a held message (its recipients, subject and words), as the desk form would."""
	doc = _held(name)
	doc.update({"recipients": recipients, "subject": subject, "content": content})
	doc.save()
	return {"name": doc.name, "status": doc.status}


@frappe.whitelist(methods=["POST"])
def release_held(name: str) -> dict:
	return _held(name).release()


@frappe.whitelist(methods=["POST"])
def discard_held(name: str, reason: str) -> dict:
	return _held(name).discard(reason)


def _held(name: str):
	if not name or not frappe.db.exists("Held Message", name):
		frappe.throw(_("There is no held message {0}.").format(name), exc=frappe.DoesNotExistError)
	doc = frappe.get_doc("Held Message", name)
	doc.check_permission("write")
	return doc
