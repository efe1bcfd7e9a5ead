"""Who sees what the app keeps about a CRM record — the same rule for one record (`has_permission`)
and for many (`permission_query_conditions`: lists, reports, exports, `get_value`, link searches).

The rule is `humane_crm.permissions.access`: a CRM user who may read the lead, deal or contact it is about.
A System Manager sees everything, and a user who may read every record gets no condition at all.
For someone restricted (a User Permission, "only if creator", CRM's own conditions) the condition
is a semi-join on the records Frappe itself would list for them: the reference's index, no scan.
"""

from __future__ import annotations

import frappe

from humane_crm.constants import HELD_WITHOUT_RECORD, LEDGER_WITHOUT_RECORD, PREFERENCE_MANAGERS
from humane_crm.permissions import access

# Besides a record's readers, who sees rows about no record (an email to a person with no lead).
# Who manages people's preferences, and sees every person.
PREFERENCE_READERS = ("System Manager", *PREFERENCE_MANAGERS)


def _sees_everything(user: str, roles=("System Manager",)) -> bool:
	return user == "Administrator" or bool(set(roles) & set(frappe.get_roles(user)))


# Held Message (its has_permission: humane_crm.held.release.may_access)
# ------------------


def held_message_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return _conditions("Held Message", user or frappe.session.user, HELD_WITHOUT_RECORD)


def _conditions(doctype: str, user: str, without_record: tuple) -> str:
	"""The list condition of a doctype whose rows may hang on no record: those only the roles in
	`without_record` see, and only when they read every record."""
	if _sees_everything(user) or (
		access.reads_every_record(user) and set(without_record) & set(frappe.get_roles(user))
	):
		return ""
	return access.record_condition(doctype, user, without_record)


# Complaint
# ------------------


def complaint_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if _sees_everything(user) or access.reads_every_record(user):
		return ""
	return access.record_condition("Complaint", user)


def complaint_has_permission(doc, ptype=None, user=None, debug=False) -> bool:
	user = user or frappe.session.user
	return _sees_everything(user) or access.may_read_about(doc.reference_doctype, doc.reference_name, user)


# Contact Attempt (the ledger)
# ------------------


def contact_attempt_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return _conditions("Contact Attempt", user or frappe.session.user, LEDGER_WITHOUT_RECORD)


def contact_attempt_has_permission(doc, ptype=None, user=None, debug=False) -> bool:
	user = user or frappe.session.user
	return _sees_everything(user) or access.may_read_about(
		doc.reference_doctype, doc.reference_name, user, LEDGER_WITHOUT_RECORD
	)


# Contact Preference (the person)
# ------------------
# A person is no one record: an agent who may read only some records sees the people tied to
# one of them — the record their preference was set from, or one the ledger or a complaint
# links them to.


def contact_preference_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if _sees_everything(user, PREFERENCE_READERS) or access.reads_every_record(user):
		return ""
	if not access.is_crm_user(user):
		return "1 = 0"
	return _tied_to_a_readable_record(user)


def _tied_to_a_readable_record(user: str) -> str:
	return "({} or `tabContact Preference`.`name` in ({}) or `tabContact Preference`.`name` in ({}))".format(
		access.record_condition("Contact Preference", user),
		"select `tabContact Attempt`.`person` from `tabContact Attempt` where "
		+ access.record_condition("Contact Attempt", user),
		"select `tabComplaint`.`person` from `tabComplaint` where "
		+ access.record_condition("Complaint", user),
	)


def contact_preference_has_permission(doc, ptype=None, user=None, debug=False) -> bool:
	user = user or frappe.session.user
	if _sees_everything(user, PREFERENCE_READERS) or access.reads_every_record(user):
		return True
	if not access.is_crm_user(user):
		return False
	# The record an agent is setting it from now (set_contact_preference), or the stored ties.
	if access.may_read_about(doc.reference_doctype, doc.reference_name, user):
		return True
	return bool(
		doc.name
		and not doc.is_new()
		and frappe.db.sql(
			f"select 1 from `tabContact Preference` where name = %s and {_tied_to_a_readable_record(user)}",
			doc.name,
		)
	)


# Rows of a person or a complaint listed on their own (`frappe.client.get_list` of a child table,
# with its parent doctype): exactly the rows of the parents the user may list. Frappe checks only
# that the user may read the parent doctype, not which parents.
# ------------------


def contact_preference_key_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return _rows_of("Contact Preference Key", "Contact Preference", contact_preference_conditions(user))


def complaint_checklist_answer_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return _rows_of("Complaint Checklist Answer", "Complaint", complaint_conditions(user))


def _rows_of(child: str, parent: str, parent_condition: str) -> str:
	if not parent_condition:
		return ""
	return (
		f"`tab{child}`.`parent` in (select `tab{parent}`.`name` from `tab{parent}` where {parent_condition})"
	)
