"""Saving a document as one of the app's whitelisted actions (approve a template, release a held
message, confirm a complaint, …): the action has checked the user's right to take it, the
doctype's own guards let the change through, and the timeline says who did what."""


def save_action(doc, values: dict, note: str, comment_type: str = "Info") -> None:
	doc.update(values)
	doc.flags.humane_crm_action = doc.flags.ignore_permissions = True
	try:
		doc.save()
	finally:
		doc.flags.humane_crm_action = doc.flags.ignore_permissions = False
	doc.add_comment(comment_type, note)


def by_action(doc) -> bool:
	"""Is this save one of our actions (rather than a user editing the form or the API)?"""
	return bool(doc.flags.humane_crm_action)
