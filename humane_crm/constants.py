"""Names the whole app agrees on: which records are CRM's, who manages what, and the defaults of
the settings (Humane CRM Settings holds what a site chose; an empty setting means these)."""

# The records CRM outreach is about (the governed record types default to these).
CRM_RECORDS = ("CRM Lead", "CRM Deal")
# …and the ones a message or a person may be filed on.
RECORD_DOCTYPES = (*CRM_RECORDS, "Contact")

# The roles CRM itself lets into /crm (crm.api.check_app_permission).
CRM_ROLES = ("System Manager", "Sales Manager", "Sales User")
# Who may relax a choice the customer made (Do Not Contact, a pause, an opt-out) and see every
# person's preferences and contact history.
PREFERENCE_MANAGERS = ("Sales Manager", "Cadence Manager")
# Who may resolve a complaint they do not own.
COMPLAINT_MANAGERS = ("Sales Manager", "System Manager")
# Who sees held messages and the ledger of records they cannot read.
HELD_WITHOUT_RECORD = ("Sales Manager", "Template Reviewer")
LEDGER_WITHOUT_RECORD = ("Sales Manager", "Cadence Manager")

# The Communication types that are a message to a person (the rest are notes, comments, chat).
MESSAGE_TYPES = ("Communication", "Automated Message", None, "")

# Defaults of Humane CRM Settings (its DocType JSON says the same).
DEFAULT_REPLY_WINDOW_HOURS = 72
DEFAULT_PERSONAL_NOTE_MIN_CHARS = 40
DEFAULT_FOLLOW_UP_DAYS = 3
DEFAULT_STOP_PAUSE_DAYS = 365
