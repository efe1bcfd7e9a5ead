"""Humane CRM diagnostics: two measurements finer than the benchmark's app ÷ stock ratios.

From the bench's sites folder, with the bench's Python, on the benchmark's throwaway site:

	../env/bin/python /path/to/humane_crm/benchmarks/diagnose.py send-ask --site humane-bench.localhost
	../env/bin/python /path/to/humane_crm/benchmarks/diagnose.py decision-waits --site humane-bench.localhost

`send-ask`: one process sends to a known person, alternating two ways of asking the record's
statement: at the email's `before_insert` (as the app does) and at `validate` (the
`before_insert` hook made a no-op). Each send is compared with the one beside it, so the host's
drift cancels out: it resolves a tenth of a millisecond where two sites' ratio cannot (that moves
±1–2 % on this VM).

`decision-waits`: decisions on the send path (locking, keys not known) or the check, each timed with
the scheduler's own accounts (`/proc/.../schedstat`) of this process and of its MariaDB
connection's thread: CPU and run-queue wait. It tells a slow decision that waited for a core from
one that read slowly or computed long. Linux only; run it on a quiet host with a warm buffer pool.

It asserts nothing. Run `ps` first: a stray busy process on a two-core machine changes everything.
"""

import argparse
import os
import statistics
import sys
import time

import frappe

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cadence  # noqa: E402 (the benchmark beside this file: its Sender and time zone)


def main():
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("what", choices=("send-ask", "decision-waits"))
	parser.add_argument("--site", required=True)
	parser.add_argument("--pairs", type=int, default=300, help="send-ask: pairs of sends")
	parser.add_argument("--decisions", type=int, default=5000, help="decision-waits: decisions")
	parser.add_argument("--check", action="store_true", help="decision-waits: the check, not the send path")
	args = parser.parse_args()
	frappe.init(site=args.site)
	frappe.connect()
	try:
		if args.what == "send-ask":
			send_ask(args.pairs)
		else:
			decision_waits(args.decisions, lock=not args.check)
	finally:
		frappe.destroy()


def send_ask(pairs: int) -> None:
	from humane_crm.events import communication

	cadence.use_daytime_zone()
	sender = cadence.Sender(cadence.start_smtp_sink())
	asks, noop = communication.before_insert, lambda *args, **kwargs: None
	hooks = {}

	def timed(name, fn):
		def run(*args, **kwargs):
			started = time.perf_counter()
			try:
				return fn(*args, **kwargs)
			finally:
				hooks[name] = hooks.get(name, 0) + time.perf_counter() - started

		return run

	communication.validate = timed("validate", communication.validate)
	early, late = timed("before_insert", asks), noop
	sends = {"before_insert": [], "validate": []}
	try:
		for i in range(2 * pairs + 20):
			way = "before_insert" if i % 2 else "validate"
			communication.before_insert = early if way == "before_insert" else late
			hooks.clear()
			took = sender.send("known")[0]
			if i >= 20:  # (warm)
				sends[way].append((took, hooks.get("before_insert", 0), hooks.get("validate", 0)))
	finally:
		communication.before_insert = asks
		frappe.set_user("Administrator")
		frappe.delete_doc("CRM Lead", sender.known.name, force=True)
		frappe.db.commit()
	for way, rows in sends.items():
		print(
			f"asked at {way:<13}: send {statistics.median(r[0] for r in rows) * 1000:.2f} ms; the hooks "
			f"before_insert {statistics.median(r[1] for r in rows) * 1000:.3f} + validate "
			f"{statistics.median(r[2] for r in rows) * 1000:.3f} ms"
		)
	paired = list(zip(sends["before_insert"], sends["validate"], strict=False))
	print(
		f"{len(paired)} pairs: before_insert − validate, median {statistics.median(a[0] - b[0] for a, b in paired) * 1000:+.3f} ms; "
		f"median ratio {statistics.median(a[0] / b[0] for a, b in paired):.4f}"
	)


def decision_waits(decisions: int, lock: bool) -> None:
	import random

	from humane_crm.cadence import facts

	keys = cadence.existing_keys()  # (the benchmark's 100 k people)
	facts.decide_for_people([frozenset({keys[0]})], "Email")
	thread = frappe.db.sql("select tid from information_schema.processlist where id = connection_id()")[0][0]
	server = os.popen("pgrep -xo mariadbd || pgrep -xo mysqld").read().split()[0]
	ours = open(f"/proc/self/task/{os.getpid()}/schedstat")  # noqa: SIM115 (read at every decision)
	theirs = open(f"/proc/{server}/task/{thread}/schedstat")  # noqa: SIM115

	def account(f) -> tuple[int, int]:  # (ns on CPU, ns runnable but waiting)
		f.seek(0)
		cpu, wait, _slices = f.read().split()
		return int(cpu), int(wait)

	rows = []
	for _ in range(decisions):
		person = frozenset({random.choice(keys)})
		a, b = account(ours), account(theirs)
		started = time.perf_counter()
		facts.decide_for_people([person], "Email", lock=lock)
		took = time.perf_counter() - started
		a2, b2 = account(ours), account(theirs)
		rows.append((took * 1e3, *((y - x) / 1e6 for x, y in zip(a + b, a2 + b2, strict=True))))
		if lock:
			frappe.db.rollback()
	times = [r[0] for r in rows]
	print(
		f"{'send path (locking, keys not known)' if lock else 'check'}: {decisions} decisions, p50 "
		f"{statistics.median(times):.3f} ms, p99 {cadence.p99(times):.3f} ms"
	)
	print("  decision ms | ours: CPU, waiting for a core | MariaDB's thread: CPU, waiting for a core")
	for label, group in (
		("≤ 1 ms", [r for r in rows if r[0] <= 1]),
		("> 1 ms", [r for r in rows if r[0] > 1]),
	):
		if group:
			means = [statistics.mean(r[i] for r in group) for i in range(5)]
			print(f"  {label} ({len(group)}): " + " ".join(f"{m:.3f}" for m in means))
	print("  the slowest:")
	for r in sorted(rows, reverse=True)[:10]:
		print("   " + " ".join(f"{x:.3f}" for x in r))


if __name__ == "__main__":
	main()
