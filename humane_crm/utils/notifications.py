"""Telling a user in the desk's notifications panel (Notification Log) about one of our records."""

import frappe


def notify(user: str | None, doc, subject: str) -> None:
	if not user or user in ("Administrator", "Guest"):
		return
	frappe.get_doc(
		{
			"doctype": "Notification Log",
			"for_user": user,
			"type": "Alert",
			"document_type": doc.doctype,
			"document_name": doc.name,
			"subject": subject,
			"from_user": frappe.session.user,
		}
	).insert(ignore_permissions=True)


def crm_notify(user: str | None, doc, text: str, doctype: str | None, name: str | None) -> None:
	"""A notification in /crm's panel (CRM Notification) about `doc`, opening the lead or deal."""
	if not user or user in ("Administrator", "Guest") or doctype not in ("CRM Lead", "CRM Deal") or not name:
		return
	frappe.get_doc(
		{
			"doctype": "CRM Notification",
			"from_user": user,
			"to_user": user,
			"type": "Mention",
			"notification_text": f"<div class='mb-2 leading-5 text-gray-600'>{frappe.utils.escape_html(text)}</div>",
			"message": frappe.utils.escape_html(text),
			"notification_type_doctype": doc.doctype,
			"notification_type_doc": doc.name,
			"reference_doctype": doctype,
			"reference_name": name,
		}
	).insert(ignore_permissions=True)
