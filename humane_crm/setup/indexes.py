"""An index the app adds to a Frappe table, and takes away again on uninstall.

Frappe keeps no index on User's email. Every send asks which of its recipients are desk users by it
(`scope.colleagues`, `identities._SEND_FACTS`: a colleague's mail is not a contact): on a site whose
customers have portal logins (with ERPNext or Helpdesk, tens of thousands of Website Users) that
read was a scan of every user, per send. Added only when the site has no index starting with email
(an admin's own, or one a later Frappe adds, is used as it is); removed by its own name only."""

import click
import frappe

USER_EMAIL_INDEX = "humane_crm_email"


def add_user_email_index() -> None:
	if frappe.db.sql("show index from `tabUser` where Column_name = 'email' and Seq_in_index = 1"):
		return
	click.secho("* Indexing User's email (which recipients are desk users, asked on every send)")
	frappe.db.add_index("User", ["email"], USER_EMAIL_INDEX)


def remove_user_email_index() -> None:
	if frappe.db.has_index("tabUser", USER_EMAIL_INDEX):
		frappe.db.sql_ddl(f"alter table `tabUser` drop index `{USER_EMAIL_INDEX}`")
