"""Doc-event handlers, one module per doctype whose events Humane CRM handles (as CRM's `crm/api/`)."""
