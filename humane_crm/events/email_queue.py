"""Email Queue: the door for mail that never became a Communication (see humane_crm.held)."""

from humane_crm import held


def validate(doc, method=None):
	if doc.is_new():
		held.hold_email_queue(doc)
