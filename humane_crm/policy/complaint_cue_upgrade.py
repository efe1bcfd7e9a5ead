"""A new shipped cue list on a site that has one already: which list the site is on, and its rows
moved to the new one (run by the patches `complaint_cues_grievance_patterns` and
`complaint_cues_learned` on migrate). Pure."""

from __future__ import annotations

from humane_crm.policy.complaint_cues import DEFAULT_CUES, Cue


def upgrade(
	rows: list[tuple[str, str, str, float]],
	before: list[Cue] | tuple[Cue, ...],
	shipped: list[Cue] | tuple[Cue, ...] = DEFAULT_CUES,
) -> list[tuple[str, str, str, float]]:
	"""A site's cue rows (language, kind, phrase, weight) moved from the list the app shipped
	`before` to the one it ships now. A site still on the old list gets the new one as it is. On
	an edited list, the admin's own rows and the shipped rows they re-weighted stay as they are,
	a shipped cue they deleted stays deleted; a row still as shipped before follows the new list
	(dropped if the app dropped it, re-weighted if the app did), and cues new to the list are added.
	"""

	def key(language, kind, phrase):
		return ((language or "en").lower(), (kind or "other").lower(), phrase)

	old = {key(c.language, c.kind, c.phrase): float(c.weight) for c in before}
	new = {key(c.language, c.kind, c.phrase): float(c.weight) for c in shipped}
	as_rows = [(c.language, c.kind, c.phrase, float(c.weight)) for c in shipped]
	untouched = [r for r in rows if old.get(key(*r[:3])) == float(r[3] or 0)]
	if len(untouched) == len(rows) == len(old):
		return as_rows
	kept = []
	present = set()
	for row in rows:
		k = key(*row[:3])
		present.add(k)
		if row in untouched and k not in new:
			continue  # the app no longer ships it
		if row in untouched and new[k] != old[k]:
			row = (row[0], row[1], row[2], new[k])
		kept.append(row)
	added = [r for r in as_rows if key(*r[:3]) not in present and key(*r[:3]) not in old]
	return kept + added


def closest(rows: list[tuple[str, str, str, float]], versions: list[list[Cue]]) -> list[Cue]:
	"""Of the lists the app shipped before, the one a site's rows are on: most rows as it shipped
	them; of those, the one the site lacks fewest rows of (a later list may add to an earlier one);
	the latest on a tie."""
	site = {(r[0], r[1], r[2], float(r[3] or 0)) for r in rows}

	def as_shipped(version):
		shipped = {((c.language or "en"), c.kind, c.phrase, float(c.weight)) for c in version}
		return len(site & shipped), -len(shipped - site)

	return max(reversed(versions), key=as_shipped)
