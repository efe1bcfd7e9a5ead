"""Who is behind a send: a person, or automation (a job, a Notification, a shared account, an
automation user). Asked on every outgoing email to a CRM person.
"""

from __future__ import annotations

import frappe
from frappe import _

from humane_crm.policy import automation as core
from humane_crm.utils import cache


def automated_source(doc=None) -> str | None:
	"""Why nobody who is a person is behind this send (a sentence), or None when someone is."""
	if frappe.flags.humane_crm_releasing:
		return None  # a human releasing a held message: decided without a query
	job = getattr(frappe.local, "job", None)
	job_name = (job.get("method") or job.get("job_name") or "") if job else None
	user = frappe.session.user
	kind = core.automation_kind(
		releasing=False,
		job=job_name,
		communication_type=doc.get("communication_type") if doc is not None else None,
		user=user,
		automation_users=automation_users(),
	)
	if kind == core.JOB:
		return _("Background job {0}").format(job_name)
	if kind == core.AUTOMATED_MESSAGE:
		return _("Automated message (a Frappe Notification or similar)")
	if kind == core.GUEST:
		return _("Guest session (no logged-in user)")
	if kind == core.ADMINISTRATOR:
		return _("Administrator session (a shared account, not a person)")
	if kind == core.AUTOMATION_USER:
		return _("Automation user {0} (Humane CRM Settings)").format(user)
	return None


def automation_users() -> set[str]:
	"""Asked on every outgoing email: kept until the settings change (`utils.cache`)."""
	return cache.kept(cache.AUTOMATION_USERS, _read_automation_users)


def _read_automation_users() -> set[str]:
	return set(
		frappe.get_all(
			"Humane CRM Automation User", filters={"parenttype": "Humane CRM Settings"}, pluck="user"
		)
	)
