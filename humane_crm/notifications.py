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
