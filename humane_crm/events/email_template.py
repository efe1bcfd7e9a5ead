"""Email Template: its review state (see humane_crm.template_review)."""

from humane_crm.template_review import doc_events


def validate(doc, method=None):
	doc_events.validate(doc)
