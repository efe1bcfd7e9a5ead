app_name = "humane_crm"
app_title = "Humane CRM"
app_publisher = "Humane CRM contributors"
app_description = "A human-first conscience for Frappe CRM: contact cadence, reviewed templates, empathy for complaints, and the customer's own voice"
app_email = "maintainers@humane-crm.invalid"
app_license = "agpl-3.0"

# Apps
# ------------------
# "frappe/crm", not the bare "crm": install-app resolves a bare name against GitHub and fails.
required_apps = ["frappe/crm"]

export_python_type_annotations = True
require_type_annotated_api_methods = True

# Install, migrate, uninstall
# ------------------
before_install = "humane_crm.setup.install.before_install"
after_install = "humane_crm.setup.install.after_install"
after_migrate = "humane_crm.setup.install.after_migrate"
before_uninstall = "humane_crm.setup.uninstall.before_uninstall"

# Frappe's test runner: the agents the integration tests act as.
before_tests = "humane_crm.tests.utils.before_tests"

fixtures = [
	{"dt": "Role", "filters": [["name", "in", ["Cadence Manager", "Template Reviewer", "SMS Gateway"]]]},
]

# Desk
# ------------------
doctype_js = {
	"CRM Lead": "public/js/contact_preference_actions.js",
	"CRM Deal": "public/js/contact_preference_actions.js",
	"Email Template": "public/js/email_template_review.js",
}

# The customer's own voice: every email to a CRM person carries their personal link, added per
# recipient where mail leaves (humane_crm.voice.queue). CRM overrides Contact and Email Template.
override_doctype_class = {"Email Queue": "humane_crm.voice.queue.EmailQueue"}

# Enforcement: every outbound touch, on every path, ends in one of these doc events.
# validate refuses before insert; after_insert writes the contact ledger.
# ------------------
doc_events = {
	"Communication": {
		"before_validate": "humane_crm.events.communication.before_validate",  # the record's read, sent early
		"validate": "humane_crm.events.communication.validate",
		"after_insert": "humane_crm.events.communication.after_insert",
		"on_change": "humane_crm.events.communication.on_change",  # delivery of a released message
	},
	"CRM Call Log": {
		"validate": "humane_crm.events.call_log.validate",
		"after_insert": "humane_crm.events.call_log.after_insert",
		"on_update": "humane_crm.events.call_log.on_update",  # a completed call starts a cool-off
	},
	# The last gate, where every email leaves: mail to a CRM person that the early gate above did
	# not decide (any other Communication shape, frappe.sendmail) is decided, held or counted here.
	"Email Queue": {
		"validate": "humane_crm.events.email_queue.validate",
		"after_insert": "humane_crm.events.email_queue.after_insert",
	},
	# Review state: four eyes, edits void approval, only approved templates can be enabled.
	"Email Template": {
		"validate": "humane_crm.events.email_template.validate",
		"on_change": "humane_crm.utils.cache.clear",
		"on_trash": "humane_crm.utils.cache.clear",
		"after_rename": "humane_crm.utils.cache.clear",
	},
	# What every check reads and the cache keeps (humane_crm.utils.cache): forgotten when it changes.
	"Humane CRM Settings": {"on_update": "humane_crm.utils.cache.clear"},
	"System Settings": {"on_update": "humane_crm.utils.cache.clear"},  # its country: the phone region
	"Contact Cadence Rule": {
		"on_update": "humane_crm.utils.cache.clear",
		"on_trash": "humane_crm.utils.cache.clear",
		"after_rename": "humane_crm.utils.cache.clear",
	},
	# The person's time zone (a custom field), validated.
	"CRM Lead": {"validate": "humane_crm.events.crm_record.validate"},
	"CRM Deal": {"validate": "humane_crm.events.crm_record.validate"},
	# Frappe's own unsubscribe and the person's preference agree, both ways (humane_crm.voice).
	"Contact Preference": {"on_update": "humane_crm.voice.frappe_unsubscribe.preference_changed"},
	"Email Unsubscribe": {
		"after_insert": "humane_crm.voice.frappe_unsubscribe.unsubscribed",
		"on_trash": "humane_crm.voice.frappe_unsubscribe.unsubscribe_removed",
	},
	"Contact": {"on_update": "humane_crm.voice.frappe_unsubscribe.contact_changed"},
	# frappe_whatsapp, when installed
	"WhatsApp Message": {
		"validate": "humane_crm.events.whatsapp.validate",
		"after_insert": "humane_crm.events.whatsapp.after_insert",
	},
}

# The ledger counts what happened: it never stops anyone deleting the email, call or record it
# points to (its row stays, as it counted).
ignore_links_on_delete = ["Contact Attempt", "Customer Link"]

# What the app keeps about a record (held messages, complaints, the ledger, people): for whoever
# may read that record (humane_crm.permissions.access).
has_permission = {
	"Held Message": "humane_crm.humane_crm.doctype.held_message.held_message.has_permission",
	"Complaint": "humane_crm.permissions.doctypes.complaint_has_permission",
	"Contact Attempt": "humane_crm.permissions.doctypes.contact_attempt_has_permission",
	"Contact Preference": "humane_crm.permissions.doctypes.contact_preference_has_permission",
	"Stop Request": "humane_crm.voice.stop.has_permission",
}
# Lists, reports, exports and link searches show exactly what has_permission allows.
permission_query_conditions = {
	"Held Message": "humane_crm.permissions.doctypes.held_message_conditions",
	"Complaint": "humane_crm.permissions.doctypes.complaint_conditions",
	"Contact Attempt": "humane_crm.permissions.doctypes.contact_attempt_conditions",
	"Contact Preference": "humane_crm.permissions.doctypes.contact_preference_conditions",
	"Contact Preference Key": "humane_crm.permissions.doctypes.contact_preference_key_conditions",
	"Complaint Checklist Answer": "humane_crm.permissions.doctypes.complaint_checklist_answer_conditions",
	"Stop Request": "humane_crm.voice.stop.conditions",
}

scheduler_events = {
	"daily": [
		"humane_crm.held.release.remind_owners",  # messages waiting for their owner over a day
		"humane_crm.complaints.reply_gate.mark_follow_ups_due",  # a complaint's follow-up task is due
	],
}

# Desk: a lead's and a deal's complaints and held messages, under Connections.
override_doctype_dashboards = {
	"CRM Lead": "humane_crm.events.crm_record.lead_dashboard",
	"CRM Deal": "humane_crm.events.crm_record.deal_dashboard",
}
