"""Is a person behind a send? Pure: the facts of the send in, the kind of automation (or None) out.

Nobody who is a person sends when: a background job runs it, a Frappe Notification made it (its
Communication type "Automated Message"), the session is Guest or the shared Administrator account,
or the user is listed as an automation user. A human releasing a held message is a person.
"""

from __future__ import annotations

from collections.abc import Collection

JOB, AUTOMATED_MESSAGE, GUEST, ADMINISTRATOR, AUTOMATION_USER = (
	"job",
	"automated message",
	"guest",
	"administrator",
	"automation user",
)


def automation_kind(
	*,
	releasing: bool,
	job: str | None,
	communication_type: str | None,
	user: str,
	automation_users: Collection[str],
) -> str | None:
	"""Which kind of automation is behind this send, or None when a person is."""
	if releasing:
		return None
	if job is not None:
		return JOB
	if communication_type == "Automated Message":
		return AUTOMATED_MESSAGE
	if user == "Guest":
		return GUEST
	if user == "Administrator":
		return ADMINISTRATOR
	if user in automation_users:
		return AUTOMATION_USER
	return None
