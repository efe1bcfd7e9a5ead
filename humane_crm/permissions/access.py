"""Who may see what the app keeps about a CRM record.

Since CRM 1.32 every desk user ("All") may read CRM Lead, so "may read the record" alone would let
any colleague with a desk login into a customer's held messages, complaints and contact history.
The app's answer is CRM's own: a **CRM user** — Administrator or someone with one of the roles
CRM lets into /crm — who may read that record.
"""

from __future__ import annotations

import frappe
from frappe import _

from humane_crm.constants import CRM_ROLES, RECORD_DOCTYPES
from humane_crm.utils import inputs


def is_crm_user(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(set(frappe.get_roles(user)) & set(CRM_ROLES))


def may_read_record(doctype: str, name: str, user: str | None = None) -> bool:
	"""A CRM user who may read this record (one who may read every record of its type may also read
	what the app kept about one since deleted: the list rule below says the same)."""
	user = user or frappe.session.user
	if not is_crm_user(user) or not doctype or not name:
		return False
	if readable_names_sql(doctype, user) is ALL:
		return True
	return bool(frappe.db.exists(doctype, name)) and bool(
		frappe.has_permission(doctype, "read", name, user=user)
	)


def ensure_may_read_record(doctype: str, name: str) -> None:
	"""Refuse, as Frappe does, anyone but a CRM user who may read the record."""
	if not is_crm_user():
		frappe.throw(
			_("Only CRM users ({0}) may see contact details of {1} {2}.").format(
				", ".join(_(r) for r in CRM_ROLES), _(doctype), name
			),
			exc=frappe.PermissionError,
			title=_("Not a CRM user"),
		)
	frappe.has_permission(doctype, "read", name, throw=True)


def document_about_a_record(doctype: str, name, missing: str):
	"""The document a caller names (a complaint, a stop request) for them to act on: refused plainly
	when there is none (`missing`, with the name shown safely), and as Frappe does when they may not
	write it or read the record it is about."""
	if not isinstance(name, str) or not name or not frappe.db.exists(doctype, name):
		frappe.throw(missing.format(frappe.bold(inputs.shown(name))), exc=frappe.DoesNotExistError)
	doc = frappe.get_doc(doctype, name)
	doc.check_permission("write")
	ensure_may_read_record(doc.reference_doctype, doc.reference_name)
	return doc


# Lists: the same rule as SQL
# ------------------

# The records the app keeps things about. A reference to any other doctype counts as no record:
# only the roles a doctype names for those see it, in a list and when opened alike.
ALL = None  # readable_names_sql: every record
NONE = "select null from dual where 0"  # …: not one


def readable_names_sql(doctype: str, user: str | None = None) -> str | None:
	"""A `select name from` the records of `doctype` the user may read, built by Frappe from the
	doctype's own rules (role permissions, "only if creator", User Permissions, sharing, the
	`permission_query_conditions` of its app) — `ALL` when the user may read every one of them.

	Computed once per request and user."""
	user = user or frappe.session.user
	key = ("humane_crm:readable", doctype, user)
	if key not in frappe.local.cache:
		frappe.local.cache[key] = _readable_names_sql(doctype, user)
	return frappe.local.cache[key]


def _readable_names_sql(doctype: str, user: str) -> str | None:
	from frappe.model.db_query import DatabaseQuery

	if user == "Administrator":
		return ALL
	query = DatabaseQuery(doctype, user=user)
	try:
		match = query.build_match_conditions()
	except frappe.PermissionError:
		return NONE
	where = [c for c in (*query.conditions, match) if c]
	if not where:
		return ALL
	return f"select `tab{doctype}`.`name` from `tab{doctype}` where {' and '.join(where)}"


def reads_every_record(user: str | None = None) -> bool:
	"""A CRM user who may read every record of every type the app keeps things about."""
	user = user or frappe.session.user
	return is_crm_user(user) and all(readable_names_sql(dt, user) is ALL for dt in RECORD_DOCTYPES)


def record_condition(
	table: str,
	user: str | None = None,
	or_roles: tuple[str, ...] = (),
	dt_field: str = "reference_doctype",
	name_field: str = "reference_name",
) -> str:
	"""SQL over `tab<table>`: rows about a record the user may read (`may_read_record`), and —
	when the user has one of `or_roles` — rows about no record the app keeps things about."""
	user = user or frappe.session.user
	dt, name = f"`tab{table}`.`{dt_field}`", f"`tab{table}`.`{name_field}`"
	parts = []
	if is_crm_user(user):
		for doctype in RECORD_DOCTYPES:
			names = readable_names_sql(doctype, user)
			if names is NONE:
				continue
			this = f"{dt} = {frappe.db.escape(doctype)}"
			parts.append(
				f"({this} and {name} != '')" if names is ALL else f"({this} and {name} in ({names}))"
			)
	if set(or_roles) & set(frappe.get_roles(user)):
		types = ", ".join(frappe.db.escape(d) for d in RECORD_DOCTYPES)
		parts.append(f"(ifnull({name}, '') = '' or ifnull({dt}, '') not in ({types}))")
	return "(" + " or ".join(parts) + ")" if parts else "1 = 0"


def may_read_about(doctype: str | None, name: str | None, user: str | None = None, or_roles=()) -> bool:
	"""`record_condition` for one row: about a record the user may read, or — with one of
	`or_roles` — about no record the app keeps things about."""
	user = user or frappe.session.user
	if doctype in RECORD_DOCTYPES and name:
		return may_read_record(doctype, name, user)
	return bool(set(or_roles) & set(frappe.get_roles(user)))
