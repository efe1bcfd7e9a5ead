"""Email Template: its review state (see humane_crm.review)."""

from humane_crm import review


def validate(doc, method=None):
	review.validate(doc)


def on_change(doc, method=None):
	review.clear_cache()
