"""A new shipped cue list on a site that has one already (`complaint_cue_upgrade.upgrade`, run by the
patch `complaint_cues_grievance_patterns` on migrate)."""

from humane_crm.policy.complaint_cue_upgrade import closest, upgrade
from humane_crm.policy.complaint_cues import Cue

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
	# As many rows of each: the one it lacks fewest of; a true tie: the latest.
	assert closest([("en", "money", "refund", 2.0)], [first, second]) == first
	again = list(first)
	assert closest(rows(first), [first, again]) is again
	assert upgrade(rows(second), closest(rows(second), [first, second]), NOW) == rows(NOW)


def test_a_site_on_a_list_a_later_one_only_added_to_is_on_the_earlier_one():
	# The learned cues came as rows added to the hand-written list: a site on the hand-written list
	# as shipped is on it, not on the longer list with its new rows deleted.
	hand = [Cue("refund", 2, "money"), Cue("late", 1.5, "failure")]
	with_learned = [*hand, Cue("arriv*", 0.8, "learned")]
	now = [*hand, Cue("arriv*", 0.9, "learned"), Cue("says*", 1.2, "learned")]
	assert closest(rows(hand), [hand, with_learned]) == hand
	assert closest(rows(with_learned), [hand, with_learned]) == with_learned
	assert upgrade(rows(hand), closest(rows(hand), [hand, with_learned]), now) == rows(now)
	assert upgrade(rows(with_learned), closest(rows(with_learned), [hand, with_learned]), now) == rows(now)
