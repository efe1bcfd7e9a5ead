#!/usr/bin/env python3
"""How well do the shipped complaint cues do on the labelled corpus?

	python scripts/complaint_corpus.py [--threshold 3] [--sentiment-weight 2] [--corpus PATH] [--no-cv]

Prints recall (complaints suggested) and the false-alarm rate (other emails suggested) at the
threshold, per split (tune: what the defaults were chosen on, the former blind set final-2
included; holdout-2 and final: written before and after the last change, never tuned on; final-3:
written blind and scored once), a table over other thresholds, and every missed or
wrongly flagged email with its one-line explanation; then a 5-fold cross-validation of the learned
cues over the tuning emails (each fold scored by cues fitted on the others). Plain Python: it imports only the pure core
(and vaderSentiment). To measure a site's own cue list, run
`bench --site SITE humane-crm complaint-corpus`. Exits 1 when the figures of any set miss the goal
(recall >= 90% at <= 10% false alarms).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from humane_crm.policy import complaint_corpus as corpus  # noqa: E402
from humane_crm.policy import complaints as core  # noqa: E402


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	parser.add_argument("--threshold", type=float, default=core.DEFAULT_THRESHOLD)
	parser.add_argument("--sentiment-weight", type=float, default=core.DEFAULT_SENTIMENT_WEIGHT)
	parser.add_argument("--corpus", default=str(corpus.CORPUS))
	parser.add_argument("--no-cv", action="store_true", help="leave out the cross-validation")
	args = parser.parse_args()
	report = corpus.evaluate(
		corpus.load(args.corpus), core.DEFAULT_CUES, args.threshold, args.sentiment_weight
	)
	print(corpus.render(report, thresholds=(2, 2.5, 3, 3.5, 4, 4.5, 5)))
	if not args.no_cv:
		print()
		print(corpus.cross_validation().render())
	return 0 if report.meets_goal else 1


if __name__ == "__main__":
	sys.exit(main())
