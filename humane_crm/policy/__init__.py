"""The functional core of Humane CRM.

Pure decisions over plain data: no `import frappe` anywhere below this package, `now` is always
passed in, and time zones come from `zoneinfo`. The Frappe shell gathers facts, calls these
functions and acts on what they return.
"""
