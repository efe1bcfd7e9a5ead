"""Is a person behind a send: the pure classification the held-message gate relies on."""

from hypothesis import given
from hypothesis import strategies as st

from humane_crm.policy import automation as core

PERSON = dict(releasing=False, job=None, communication_type="Communication", user="ana@example.com")


def test_a_person_sending_from_their_session_is_a_person():
	assert core.automation_kind(**PERSON, automation_users=()) is None


def test_each_kind_of_automation_is_named():
	assert core.automation_kind(**{**PERSON, "job": "nightly.send"}, automation_users=()) == core.JOB
	assert core.automation_kind(**{**PERSON, "job": ""}, automation_users=()) == core.JOB
	assert (
		core.automation_kind(**{**PERSON, "communication_type": "Automated Message"}, automation_users=())
		== core.AUTOMATED_MESSAGE
	)
	assert core.automation_kind(**{**PERSON, "user": "Guest"}, automation_users=()) == core.GUEST
	assert (
		core.automation_kind(**{**PERSON, "user": "Administrator"}, automation_users=()) == core.ADMINISTRATOR
	)
	assert core.automation_kind(**PERSON, automation_users={"ana@example.com"}) == core.AUTOMATION_USER


@given(
	job=st.one_of(st.none(), st.text(max_size=5)),
	kind=st.sampled_from(["Communication", "Automated Message", None]),
	user=st.sampled_from(["Guest", "Administrator", "ana@example.com", "bot@example.com"]),
)
def test_a_human_releasing_a_held_message_is_always_a_person(job, kind, user):
	facts = dict(job=job, communication_type=kind, user=user, automation_users={"bot@example.com"})
	assert core.automation_kind(releasing=True, **facts) is None


@given(user=st.emails())
def test_a_job_is_automation_whoever_started_it(user):
	assert core.automation_kind(**{**PERSON, "job": "x", "user": user}, automation_users=()) == core.JOB
