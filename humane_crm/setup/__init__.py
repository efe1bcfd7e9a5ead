"""Install, migrate and uninstall: roles, defaults, fields on others' doctypes, /crm's side panel,
and leaving Frappe CRM as it was.
"""
