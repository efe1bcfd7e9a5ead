"""A new shipped cue list on a site that has one already (`complaint_cues.upgrade`, run by the
patch `complaint_cues_grievance_patterns` on migrate)."""

from humane_crm.policy.complaint_cues import Cue, closest, upgrade

BEFORE = (Cue("refund", 2, "money"), Cue("another", 1, "failure"), Cue("late", 1.5, "failure"))
NOW = (Cue("refund", 2, "money"), Cue("late", 2, "failure"), Cue("no one ... answer*", 3, "ignored"))


def rows(cues):
	return [(c.language, c.kind, c.phrase, float(c.weight)) for c in cues]


def test_a_site_on_the_old_list_gets_the_new_one_as_shipped():
	assert upgrade(rows(BEFORE), BEFORE, NOW) == rows(NOW)


def test_an_admins_own_and_reweighted_rows_stay_and_a_deleted_cue_stays_deleted():
	site = [
		("en", "money", "refund", 4.0),  # re-weighted by the admin
		("en", "failure", "another", 1.0),  # as shipped, dropped by the app
		("en", "other", "our own phrase", 3.0),  # the admin's own
		("fr", "money", "remboursement", 3.0),  # another language
	]  # "late" was deleted by the admin
	assert upgrade(site, BEFORE, NOW) == [
		("en", "money", "refund", 4.0),
		("en", "other", "our own phrase", 3.0),
		("fr", "money", "remboursement", 3.0),
		("en", "ignored", "no one ... answer*", 3.0),
	]


def test_a_row_still_as_shipped_follows_the_new_weight():
	site = [("en", "failure", "late", 1.5), ("en", "other", "mine", 1.0)]
	assert upgrade(site, BEFORE, NOW) == [
		("en", "failure", "late", 2.0),
		("en", "other", "mine", 1.0),
		("en", "ignored", "no one ... answer*", 3.0),
	]


def test_upgrading_twice_changes_nothing_more():
	site = [("en", "money", "refund", 4.0), ("en", "other", "mine", 1.0)]
	once = upgrade(site, BEFORE, NOW)
	assert upgrade(once, BEFORE, NOW) == once
	assert upgrade(rows(NOW), BEFORE, NOW) == rows(NOW)


def test_a_site_is_on_the_shipped_list_it_has_most_rows_of():
	first = [Cue("refund", 2, "money"), Cue("another", 1, "failure")]
	second = [Cue("refund", 2, "money"), Cue("still *ing", 2, "ignored"), Cue("late", 1.5, "failure")]
	assert closest(rows(second)[:2] + [("en", "other", "mine", 1.0)], [first, second]) == second
	assert closest(rows(first), [first, second]) == first
	assert closest([("en", "money", "refund", 2.0)], [first, second]) == second  # a tie: the latest
	assert upgrade(rows(second), closest(rows(second), [first, second]), NOW) == rows(NOW)
