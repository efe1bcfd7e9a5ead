"""Email Queue: where every email leaves. The last gate for mail to a CRM person (humane_crm.outbox)."""

from humane_crm import outbox


def validate(doc, method=None):
	outbox.check(doc)


def after_insert(doc, method=None):
	outbox.after_insert(doc)
