"""Who sees what the app keeps about a CRM record, and which fields only the app writes."""
