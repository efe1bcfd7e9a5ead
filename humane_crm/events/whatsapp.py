"""WhatsApp Message (from the frappe_whatsapp app, when installed; CRM links it to leads and deals)."""

from humane_crm import guard, people


def validate(doc, method=None):
	if doc.is_new() and doc.get("type") == "Outgoing":
		key = people.phone_key(doc.get("to"))
		guard.check_outbound(doc, "WhatsApp", [key] if key else [], reference(doc))


def after_insert(doc, method=None):
	if doc.get("type") == "Outgoing":
		guard.record_outbound(doc)
	elif doc.get("type") == "Incoming" and guard.from_a_webhook():  # not one typed in by an agent
		guard.record_inbound(doc, "WhatsApp", people.phone_key(doc.get("from")), reference(doc))


def reference(doc) -> tuple:
	return (doc.get("reference_doctype"), doc.get("reference_name"))
