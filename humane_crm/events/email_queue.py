"""Email Queue: where every email leaves. The last gate for mail to a CRM person (humane_crm.events.outbox)."""

from humane_crm.events import outbox


def validate(doc, method=None):
	outbox.check(doc)


def after_insert(doc, method=None):
	outbox.after_insert(doc)
