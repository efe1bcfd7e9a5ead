"""Integration tests of the Frappe layer (Frappe's runner, a real site with CRM). Shared base: `utils`."""
