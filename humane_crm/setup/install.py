"""Install and migrate: idempotent `add_default_*()` steps (as CRM's own install.py)."""

import click
import frappe

from humane_crm.constants import (
	DEFAULT_FOLLOW_UP_DAYS,
	DEFAULT_PERSONAL_NOTE_MIN_CHARS,
	DEFAULT_REPLY_WINDOW_HOURS,
)
from humane_crm.setup import bookkeeping

ROLES = ("Cadence Manager", "Template Reviewer", "SMS Gateway")


def before_install():
	# DocPerms of our doctypes name these roles: they must exist before the doctypes sync.
	add_roles()


def after_install():
	after_migrate()
	frappe.db.commit()


def after_migrate():
	add_roles()
	add_default_settings()
	add_custom_fields()
	add_default_rules()
	add_template_permissions()
	review_existing_templates()
	add_complaint_defaults()
	add_stop_phrases()
	add_side_panel_fields()
	add_crm_form_scripts()
	add_indexes()


# Agents write templates and submit them; reviewers read and review them. Frappe gives Email
# Template only to System Manager (and read to desk users): these rows are added to it, and removed
# again on uninstall (with the rest of its custom permissions, when it had none before).
TEMPLATE_PERMISSIONS = {
	"Sales User": ("read", "write", "create"),
	"Sales Manager": ("read", "write", "create"),
	"Template Reviewer": ("read", "write"),
}


def add_template_permissions():
	from frappe.permissions import add_permission, update_permission_property

	if not frappe.db.exists("Custom DocPerm", {"parent": "Email Template"}):
		bookkeeping.mark_done(bookkeeping.TEMPLATE_PERMISSIONS_WERE_STANDARD)
	added = set(bookkeeping.recorded(bookkeeping.TEMPLATE_PERMISSIONS))
	for role, ptypes in TEMPLATE_PERMISSIONS.items():
		if frappe.db.exists("Custom DocPerm", {"parent": "Email Template", "role": role, "permlevel": 0}):
			continue  # the admin's own row (or ours, from an earlier migrate): left as it is
		add_permission("Email Template", role, 0, "read")
		for ptype in ptypes:
			update_permission_property("Email Template", role, 0, ptype, 1, validate=False)
		added.add(role)
	bookkeeping.record(bookkeeping.TEMPLATE_PERMISSIONS, added)
	frappe.clear_cache(doctype="Email Template")


def review_existing_templates():
	from humane_crm.template_review import existing

	count = existing.grandfather_existing_templates()
	if count:
		click.secho(f"* Gave {count} existing Email Template(s) a review state")


def add_side_panel_fields():
	from humane_crm.setup import layouts

	layouts.add_time_zone_to_side_panels()


def add_crm_form_scripts():
	from humane_crm.crm_ui import form_scripts

	form_scripts.install()


def add_indexes():
	from humane_crm.setup import indexes

	indexes.add_user_email_index()


def add_custom_fields():
	from humane_crm.setup import custom_fields

	custom_fields.install()


DEFAULT_RULES = (
	{
		"rule_name": "Three touches a week",
		"description": "At most 3 touches per person in 7 days, on any channel, by anyone.",
		"max_attempts": 3,
		"window_length": 7,
		"window_unit": "Days",
		"override_roles": [{"role": "Sales Manager"}, {"role": "Cadence Manager"}],
	},
	{
		"rule_name": "A day between touches",
		"description": "At least 24 hours between two touches to the same person.",
		"min_gap_hours": 24,
		"override_roles": [{"role": "Sales Manager"}, {"role": "Cadence Manager"}],
	},
	{
		"rule_name": "Daytime, Monday to Saturday",
		"description": "Only between 08:00 and 21:00 in the person's time zone, never on Sunday.",
		"allowed_from": "08:00",
		"allowed_to": "21:00",
		"sunday": 0,
		"override_roles": [{"role": "Sales Manager"}, {"role": "Cadence Manager"}],
	},
)


def add_default_rules():
	"""The installed defaults (editable). Added once: a rule an admin deleted is not brought back."""
	if bookkeeping.done(bookkeeping.RULES):
		return
	for rule in DEFAULT_RULES:
		if not frappe.db.exists("Contact Cadence Rule", rule["rule_name"]):
			frappe.get_doc(
				{"doctype": "Contact Cadence Rule", "enabled": 1, "channel": "Any", **rule}
			).insert(ignore_permissions=True)
	bookkeeping.mark_done(bookkeeping.RULES)


def add_roles():
	for role in ROLES:
		if frappe.db.exists("Role", role):
			continue
		frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
			ignore_permissions=True
		)
		click.secho(f"* Added role {role}")


def add_default_settings():
	settings = frappe.get_single("Humane CRM Settings")
	if settings.reply_window_hours is None or not frappe.db.exists(
		"Singles", {"doctype": "Humane CRM Settings", "field": "reply_window_hours"}
	):
		settings.reply_window_hours = DEFAULT_REPLY_WINDOW_HOURS
		settings.flags.ignore_permissions = True
		settings.save()
	if not frappe.db.exists(
		"Singles", {"doctype": "Humane CRM Settings", "field": "personal_note_min_chars"}
	):
		frappe.db.set_single_value(
			"Humane CRM Settings", "personal_note_min_chars", DEFAULT_PERSONAL_NOTE_MIN_CHARS
		)


DEFAULT_CHECKLIST = {
	"checklist_title": "Before replying to a complaint",
	"active": 1,
	"applies_to": "CRM Lead and CRM Deal",
	"items": [
		{
			"prompt": "Acknowledge the frustration in their own words",
			"guidance": "Say back what went wrong, as they put it.",
			"required": 1,
		},
		{
			"prompt": "Apologise for our part where due",
			"guidance": "Own what is ours; no blame, no excuses.",
			"required": 1,
		},
		{
			"prompt": "Say what happens next and by when",
			"guidance": "A concrete step and a date.",
			"required": 1,
		},
		{
			"prompt": "Offer a concrete remedy",
			"guidance": "A refund, a replacement, a repair: something they can hold us to.",
			"required": 1,
		},
		{
			"prompt": "Name the person who owns it",
			"guidance": "Your name, or who will see it through.",
			"required": 1,
		},
		{
			"prompt": "Plan a human follow-up",
			"guidance": "A follow-up task is created when you reply.",
			"required": 1,
		},
	],
}


def add_complaint_defaults():
	"""The default empathy checklist and complaint cues (editable; added once, so what an admin
	deleted stays deleted)."""
	from humane_crm.policy.complaints import DEFAULT_SENTIMENT_WEIGHT, DEFAULT_THRESHOLD

	if bookkeeping.done(bookkeeping.COMPLAINTS):
		return
	if not frappe.db.exists("Empathy Checklist", DEFAULT_CHECKLIST["checklist_title"]):
		active = frappe.get_all("Empathy Checklist", {"active": 1}, pluck="name")
		frappe.get_doc(
			{"doctype": "Empathy Checklist", **DEFAULT_CHECKLIST, "active": 0 if active else 1}
		).insert(ignore_permissions=True)
	settings = frappe.get_single("Humane CRM Settings")
	if not settings.complaint_phrases:
		add_default_cues(settings)
		settings.complaint_threshold = DEFAULT_THRESHOLD
		settings.complaint_sentiment_weight = DEFAULT_SENTIMENT_WEIGHT
	settings.complaint_threshold = settings.complaint_threshold or DEFAULT_THRESHOLD
	settings.follow_up_days = settings.follow_up_days or DEFAULT_FOLLOW_UP_DAYS
	settings.flags.ignore_permissions = True
	settings.save()
	bookkeeping.mark_done(bookkeeping.COMPLAINTS)


def add_default_cues(settings) -> None:
	"""The shipped English cues, as rows of the settings' cue table."""
	from humane_crm.policy.complaints import DEFAULT_CUES

	for cue in DEFAULT_CUES:
		settings.append(
			"complaint_phrases",
			{"language": cue.language, "kind": cue.kind.title(), "phrase": cue.phrase, "weight": cue.weight},
		)


def add_stop_phrases():
	"""The default stop phrases (editable; added once, so what an admin deleted stays deleted)."""
	from humane_crm.policy.stop_words import DEFAULT_PHRASES

	if bookkeeping.done(bookkeeping.STOP_PHRASES):
		return
	settings = frappe.get_single("Humane CRM Settings")
	if not settings.stop_phrases:
		for phrase, match in DEFAULT_PHRASES:
			settings.append("stop_phrases", {"phrase": phrase, "match": match})
	settings.stop_pause_days = settings.stop_pause_days or 365
	settings.flags.ignore_permissions = True
	settings.save()
	bookkeeping.mark_done(bookkeeping.STOP_PHRASES)
