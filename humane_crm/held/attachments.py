"""What a held message keeps besides its words: the files attached, the print asked for, and the
subject, body and files of a queued MIME.
"""

from __future__ import annotations

import email
import json
import sys
from email import policy

import frappe


def keep_attachments(doc, attachments: list) -> None:
	"""Attach to the held message every file the automation attached: existing Files (by name or
	URL) and generated ones (`frappe.attach_print` gives {"fname", "fcontent"}). Release sends them."""
	kept = []
	for item in attachments:
		if isinstance(item, dict) and item.get("fcontent") is not None:
			args = {"file_name": item.get("fname") or "attachment", "content": item["fcontent"]}
		else:
			name = item if isinstance(item, str) else (item.get("name") or item.get("file_url"))
			found = name and frappe.db.get_value(
				"File",
				{"name": name} if frappe.db.exists("File", name) else {"file_url": name},
				["file_url", "file_name"],
				as_dict=True,
			)
			if not found:
				kept.append(str(name or item))  # not a file here: named in the record, not sent
				continue
			args = {"file_url": found.file_url, "file_name": found.file_name}
		file = frappe.get_doc(
			{
				"doctype": "File",
				"attached_to_doctype": "Held Message",
				"attached_to_name": doc.name,
				"is_private": 1,
				**args,
			}
		)
		file.insert(ignore_permissions=True)
		kept.append(file.file_name)
	if kept:
		doc.db_set("attachments", json.dumps(kept), update_modified=False)


def _make_arguments() -> dict:
	"""What was given to Frappe's `communication.email._make`, whose Communication insert is being
	held or refused: Frappe attaches files and renders the print only after that insert, so they
	are not on the document yet. (Read from its frame; empty when the Communication was inserted
	some other way.)"""
	frame = sys._getframe(1)
	while frame is not None:
		if frame.f_code.co_name == "_make" and frame.f_globals.get("__name__") == _MAKE_MODULE:
			return frame.f_locals
		frame = frame.f_back
	return {}


def attachments_being_sent() -> list:
	value = _make_arguments().get("attachments")
	if isinstance(value, str):
		value = json.loads(value or "[]")
	return list(value or [])


def print_requested() -> dict:
	"""The print the sender asked to attach (a Print Format of the record), to render on release."""
	asked = _make_arguments()
	if not asked.get("print_format"):
		return {}
	return {
		"print_format": asked["print_format"],
		"print_letterhead": 1 if asked.get("print_letterhead") else 0,
		"print_language": asked.get("print_language"),
	}


_MAKE_MODULE = "frappe.core.doctype.communication.email"


def read_mime(raw: str | None) -> tuple[str | None, str | None, list]:
	"""Subject, HTML (or text) body and attachments ({"fname", "fcontent"}) of a queued email."""
	if not raw:
		return None, None, []
	msg = email.message_from_string(raw, policy=policy.default)
	body = msg.get_body(preferencelist=("html", "plain"))
	files = [
		{"fname": part.get_filename(), "fcontent": part.get_content()}
		for part in msg.iter_attachments()
		if part.get_filename()
	]
	return str(msg["subject"] or ""), body.get_content() if body else None, files
