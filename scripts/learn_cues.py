#!/usr/bin/env python3
"""Learn the cue list's learned layer from the tuning emails and write it into the shipped list.

	python scripts/learn_cues.py [--check]

Reads only the tuning files of tests/corpus/ (split "tune": complaints.jsonl, complaints_tune2.jsonl,
complaints_tune_final2.jsonl — the blind set final-2, tuned on once scored — and
complaints_tune3.jsonl; the held-out sets are never read), fits the learned cues with the
hand-written ones and the tone (humane_crm/policy/complaint_learning.py: a plain logistic
regression, deterministic), and rewrites the `learned` part of
humane_crm/policy/complaint_cues.json: the cues and weights, the threshold and the tone weight
chosen with them (and a warm tone's share of it). The hand-written groups are left as they are.
`--check` writes nothing and exits 1 when the shipped file is not what the tuning files give. Then run scripts/complaint_corpus.py.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from humane_crm.policy import complaint_corpus as corpus  # noqa: E402
from humane_crm.policy import complaint_learning as learning  # noqa: E402
from humane_crm.policy.complaint_cues import DATA_FILE  # noqa: E402


def learned_part() -> dict:
	examples = corpus.load_tuning()
	layer, rows = learning.learn_from(examples)
	return {
		"how": (
			"Fitted by scripts/learn_cues.py (humane_crm/policy/complaint_learning.py) on the tuning "
			"emails only; edit a row in the settings like any cue, or run the script again after "
			"adding emails to tests/corpus/."
		),
		"trained_on": {
			"files": sorted({e.source for e in examples}),
			"emails": len(rows),
			"complaints": sum(r.complaint for r in rows),
		},
		"fitting": {
			"l2": learning.L2,
			"min_emails": learning.MIN_EMAILS,
			"min_weight": learning.MIN_WEIGHT,
			"confidence": learning.CONFIDENCE,
			"steps": learning.STEPS,
		},
		"threshold": layer.threshold,
		"sentiment_weight": layer.sentiment_weight,
		"warm_share": layer.warm_share,
		"cues": [[phrase, weight] for phrase, weight in layer.cues],
	}


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--check", action="store_true", help="exit 1 if the shipped file differs")
	args = parser.parse_args()
	data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
	part = learned_part()
	if args.check:
		same = data.get("learned") == part
		print("the shipped learned cues are what the tuning files give" if same else "out of date")
		return 0 if same else 1
	data["learned"] = part
	DATA_FILE.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
	cues = part["cues"]
	print(
		f"{len(cues)} learned cues ({sum(w > 0 for _p, w in cues)} for a complaint, "
		f"{sum(w < 0 for _p, w in cues)} against) from {part['trained_on']['emails']} emails; "
		f"threshold {part['threshold']:g}, tone weight {part['sentiment_weight']:g} "
		f"(a warm tone {part['warm_share']:g} of it) -> {DATA_FILE.name}"
	)
	return 0


if __name__ == "__main__":
	sys.exit(main())
