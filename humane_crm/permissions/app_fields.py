"""Fields a decision relies on — a person's keys, who set their status and when, a template's
review authors and fingerprint, a complaint's checklist ticks — are written only by the app.

Frappe's `read_only` is a form setting: REST, `frappe.client.set_value`, child rows and data import
write such fields all the same. So each doctype's validate calls `refuse_changes` with its app
fields: a change that did not come from the app's own code is refused, naming the fields. The app's
own code says so on the document itself — `doc.flags`, which no request can set (`flags` is a
reserved key of a document: `frappe.get_doc(dict)` and `doc.update` ignore it).
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.model import default_fields, no_value_fields
from frappe.utils import cint, cstr, flt, get_datetime, getdate

from humane_crm.exceptions import SetByTheAppError
from humane_crm.utils.actions import by_action


def by_the_app(doc) -> bool:
	"""Is this save the app's own (a whitelisted action, or app code that flagged it)?"""
	return by_action(doc) or bool(doc.flags.humane_crm_app_write)


def refuse_changes(doc, fields, hint: str, exc: type[Exception] = SetByTheAppError) -> None:
	"""Refuse a save, not the app's own, that changes any of `fields` (a Table field: any of its
	rows added, removed or edited). `hint` tells the user how the app sets them; `exc` may be the
	doctype's own kind of refusal (a subclass of ValidationError)."""
	if by_the_app(doc) or doc.is_new():
		return
	before = doc.get_doc_before_save()
	if before is None:
		return
	changed = [f for f in fields if _value(doc, f) != _value(before, f)]
	if changed:
		frappe.throw(
			_("On {0} {1}, {2} can be set only by Humane CRM, never by editing it directly. {3}").format(
				_(doc.doctype), doc.name, ", ".join(f"“{_(doc.meta.get_label(f))}”" for f in changed), hint
			),
			exc=exc,
			title=_("Set by the app"),
		)


def made_only_by_the_app(
	doc, made_by: str, fields, hint: str, exc: type[Exception] = SetByTheAppError
) -> None:
	"""A record only the app creates and only its actions change: a new one not made by the app is
	refused (`made_by` says who makes it), and a change to any of `fields` as in `refuse_changes`."""
	if doc.is_new() and not by_the_app(doc):
		frappe.throw(made_by, exc=exc, title=_("Made by the app"))
	refuse_changes(doc, fields, hint, exc)


def refuse_saving_a_row_alone(row) -> None:
	"""A child row's own `validate` runs only when the row is saved on its own — `frappe.client.save`
	of the row, a Data Import of the child table — never when its parent is saved. Such a write skips
	every check of the parent (`refuse_changes` included): a row of app fields changes only with its
	parent, so it is refused."""
	frappe.throw(
		_(
			"A row of {0} can be set only by Humane CRM, never by editing it directly: it changes with its {1}."
		).format(_(row.doctype), _(row.parenttype or _("parent"))),
		exc=SetByTheAppError,
		title=_("Set by the app"),
	)


def _value(doc, fieldname: str):
	df = doc.meta.get_field(fieldname)
	value = doc.get(fieldname)
	if df and df.fieldtype == "Table":
		return [_row(row) for row in value or []]
	return normalized(df.fieldtype if df else "Data", value)


def _row(row) -> tuple:
	return tuple(
		normalized(df.fieldtype, row.get(df.fieldname))
		for df in row.meta.fields
		if df.fieldtype not in no_value_fields and df.fieldname not in default_fields
	)


def normalized(fieldtype: str, value):
	"""A value as the database would keep it, so that the form's and the API's strings compare
	equal to what was loaded ("2030-06-01 00:00:00" and a datetime; "1" and 1; None and "")."""
	if value in (None, ""):
		return None
	try:
		if fieldtype == "Datetime":
			return get_datetime(value)
		if fieldtype == "Date":
			return getdate(value)
	except Exception:
		return cstr(value)
	if fieldtype in ("Check", "Int"):
		return cint(value) or None
	if fieldtype in ("Float", "Currency", "Percent"):
		return flt(value) or None
	return cstr(value)
