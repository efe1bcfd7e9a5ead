"""/crm, where agents work: the CRM Form Scripts the app ships and what they ask the server."""
