"""Humane CRM benchmark: the per-contact decision at scale, and what it adds to sending an email.

Run from the bench's sites folder with the bench's Python, on a throwaway site that has crm and
humane_crm installed (it writes 100 k people and 1 M ledger rows into it):

	cd ~/frappe-bench/sites
	../env/bin/python /path/to/humane_crm/benchmarks/cadence.py --site humane-bench.localhost

It prints figures; it asserts nothing. Targets (issue 3): decision p50 <= 2 ms, p99 <= 10 ms,
10 k batch <= 1 s, email.make overhead <= 1.10x, latency flat from 10 k to 1 M attempts.
"""

import argparse
import asyncio
import random
import statistics
import sys
import threading
import time
from datetime import timedelta, timezone

import frappe

PERSONS = 100_000
ATTEMPTS = 1_000_000
CHUNK = 20_000


def main():
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--persons", type=int, default=PERSONS)
	parser.add_argument("--attempts", type=int, default=ATTEMPTS)
	parser.add_argument("--samples", type=int, default=2000)
	parser.add_argument("--pairs", type=int, default=30)
	parser.add_argument(
		"--only",
		choices=("all", "email"),
		default="all",
		help="email: only what the app adds to sending an email (no bulk load; seconds)",
	)
	args = parser.parse_args()
	if "bench" not in args.site:
		sys.exit("Refusing: use a throwaway site whose name contains 'bench' (it writes 1 M rows).")

	frappe.init(site=args.site)
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		run(args)
	finally:
		frappe.destroy()


def run(args):
	from humane_crm.utils import clock

	print(
		f"site {args.site}; MariaDB {frappe.db.sql('select version()')[0][0]}; Python {sys.version.split()[0]}"
	)
	if args.only == "email":
		zone = use_daytime_zone()
		print(f"site time zone set to {zone}: it is {clock.now():%a %H:%M} there")
		email_overhead(args.pairs)
		return
	reset()
	zone = use_daytime_zone()
	print(
		f"site time zone set to {zone}: it is {clock.now():%a %H:%M} there (inside the default contact hours)"
	)
	keys = make_people(args.persons)
	now = clock.naive(clock.now())
	figures = {}
	done = 0
	for target in sorted({min(10_000, args.attempts), min(100_000, args.attempts), args.attempts}):
		started = time.perf_counter()
		add_attempts(keys, target - done, now)
		done = target
		print(f"ledger: {done:>9,} attempts ({time.perf_counter() - started:.1f} s to add)")
		settle()
		figures[done] = latency(keys, args.samples)
		print_latency(done, figures[done])
	settle()
	batch(keys, "daytime")
	# At 23:00 everyone is outside contact hours and every answer is a refusal with its
	# explanation: the worst case. (The clock is moved with freezegun, which slows every datetime
	# operation a little: this figure is pessimistic.)
	with frozen(now.replace(hour=23)):
		batch(keys, "23:00, everyone refused")
	backfill_throughput()
	email_overhead(args.pairs)


def settle(limit: float = 300) -> None:
	"""Wait until MariaDB has stopped writing out and purging what this benchmark's bulk load left.

	Right after loading 1 M rows InnoDB flushes pages and purges in the background for a while, on
	the same two CPUs the measured code runs on: figures taken then measure the load, not the
	decision. A real site is not bulk-loading while its agents send. The wait is printed."""
	started = time.perf_counter()

	def status() -> dict:
		names = (
			"Innodb_buffer_pool_pages_flushed",
			"Innodb_history_list_length",
			"Innodb_buffer_pool_pages_dirty",
		)
		rows = frappe.db.sql("show global status where Variable_name in %(names)s", {"names": names})
		return {k: int(v) for k, v in rows}

	before = first = status()
	while time.perf_counter() - started < limit:
		frappe.db.sql("do sleep(1)")
		now = status()
		flushing = now["Innodb_buffer_pool_pages_flushed"] - before["Innodb_buffer_pool_pages_flushed"]
		if not flushing and now["Innodb_history_list_length"] < 1_000:
			break
		before = now
	print(
		f"  (waited {time.perf_counter() - started:.0f} s for MariaDB to settle: "
		f"{first['Innodb_buffer_pool_pages_dirty']:,} dirty pages, "
		f"{first['Innodb_history_list_length']:,} undo records to purge)"
	)


def use_daytime_zone() -> str:
	"""Make the throwaway site's time zone one where it is now 10:00-17:00 on a Monday to
	Saturday, so that the figures do not depend on when the benchmark runs (the default rules
	allow contact 08:00-21:00, Monday to Saturday, in the person's zone: here the site's)."""
	from datetime import datetime
	from zoneinfo import ZoneInfo

	from humane_crm.utils import clock

	utc = datetime.now(timezone.utc)
	for zone in ZONES:
		local = utc.astimezone(ZoneInfo(zone))
		if 10 <= local.hour < 17 and local.weekday() < 6:
			break
	settings = frappe.get_single("System Settings")
	settings.time_zone = zone
	settings.language = settings.language or "en"  # a site made without the setup wizard has none
	settings.save()
	frappe.db.commit()
	if hasattr(frappe.local, "system_settings"):
		del frappe.local.system_settings
	frappe.local.cache.pop("humane_crm_site_zone", None)
	assert clock.site_zone().key == zone
	return zone


ZONES = (
	"Pacific/Honolulu",
	"America/Los_Angeles",
	"America/Chicago",
	"America/New_York",
	"America/Sao_Paulo",
	"Atlantic/Azores",
	"Europe/London",
	"Europe/Berlin",
	"Europe/Moscow",
	"Asia/Dubai",
	"Asia/Kolkata",
	"Asia/Bangkok",
	"Asia/Shanghai",
	"Asia/Tokyo",
	"Australia/Sydney",
	"Pacific/Auckland",
)


def frozen(site_time):
	"""The clock stopped at `site_time` (naive, in the site's zone), then running on from there."""
	from freezegun import freeze_time

	from humane_crm.utils import clock

	return freeze_time(clock.aware(site_time).astimezone(timezone.utc), tick=True)


def reset():
	for table in ("Contact Attempt", "Contact Preference Key", "Contact Preference"):
		frappe.db.sql(f"delete from `tab{table}`")
	frappe.db.commit()


def make_people(n: int) -> list[str]:
	"""n people, each known by an email address (one in four by a phone number too)."""
	started = time.perf_counter()
	now = frappe.utils.now()
	keys, people, identities = [], [], []
	for i in range(n):
		name = f"bp{i:07d}"
		email = f"person{i}@bench.example.com"
		keys.append(email)
		people.append((name, f"Person {i}", "Open", now, now, "Administrator", "Administrator"))
		identities.append(
			(f"bk{i:07d}", name, "Contact Preference", "identities", 1, email, "Email", now, now)
		)
		if i % 4 == 0:
			identities.append(
				(
					f"bq{i:07d}",
					name,
					"Contact Preference",
					"identities",
					2,
					f"+1415{i:07d}",
					"Phone",
					now,
					now,
				)
			)
	for chunk in chunks(people):
		frappe.db.bulk_insert(
			"Contact Preference",
			["name", "person_name", "status", "creation", "modified", "owner", "modified_by"],
			chunk,
		)
	for chunk in chunks(identities):
		frappe.db.bulk_insert(
			"Contact Preference Key",
			[
				"name",
				"parent",
				"parenttype",
				"parentfield",
				"idx",
				"identity",
				"kind",
				"creation",
				"modified",
			],
			chunk,
		)
	frappe.db.commit()
	print(f"people: {n:,} ({len(identities):,} identities) in {time.perf_counter() - started:.1f} s")
	return keys


def add_attempts(keys: list[str], count: int, now) -> None:
	"""`count` ledger rows over the last 90 days, spread over every person."""
	n = len(keys)
	rows = []
	for _ in range(count):
		i = random.randrange(n)
		at = now - timedelta(minutes=random.randrange(90 * 24 * 60))
		rows.append(
			(
				frappe.generate_hash(length=12),
				f"bp{i:07d}",
				at,
				"Outbound",
				random.choice(("Email", "Call")),
				"Allowed",
				"Administrator",
				keys[i],
				at,
				at,
			)
		)
		if len(rows) == CHUNK:
			insert_attempts(rows)
			rows = []
	if rows:
		insert_attempts(rows)
	frappe.db.commit()


def insert_attempts(rows):
	frappe.db.bulk_insert(
		"Contact Attempt",
		[
			"name",
			"person",
			"timestamp",
			"direction",
			"channel",
			"outcome",
			"agent",
			"person_key",
			"creation",
			"modified",
		],
		rows,
	)


def latency(keys: list[str], samples: int) -> dict:
	"""Decision latency for random people: the check (read-only) and the send path (locking)."""
	from humane_crm.cadence import facts

	facts.decide_for_people([frozenset({keys[0]})], "Email")  # warm caches
	out = {}
	for label, lock in (("check", False), ("send path", True)):
		times = []
		for _ in range(samples):
			person = frozenset({random.choice(keys)})
			started = time.perf_counter()
			facts.decide_for_people([person], "Email", lock=lock)
			times.append((time.perf_counter() - started) * 1000)
			if lock:
				frappe.db.rollback()
		out[label] = times
	return out


def print_latency(size, figures):
	for label, times in figures.items():
		times = sorted(times)
		p50 = statistics.median(times)
		p99 = times[int(len(times) * 0.99) - 1]
		print(f"  decision ({label:<9}) at {size:>9,} attempts: p50 {p50:.2f} ms, p99 {p99:.2f} ms")


def batch(keys: list[str], when: str) -> None:
	from humane_crm.api import check_contacts

	recipients = random.sample(keys, min(10_000, len(keys)))
	check_contacts(recipients, "Email")  # warm: MariaDB's buffer pool, the rule and zone caches
	times = []
	for _ in range(5):
		started = time.perf_counter()
		answers = check_contacts(recipients, "Email")
		times.append(time.perf_counter() - started)
	blocked = sum(1 for a in answers if not a["allowed"])
	print(
		f"batch at {when}: {len(recipients):,} recipients decided in {statistics.median(times):.3f} s "
		f"(median of 5; {min(times):.3f}-{max(times):.3f} s; {blocked:,} refused)"
	)


def backfill_throughput(n: int = 5_000) -> None:
	"""Backfill speed over n emails to known people (written straight into Communication)."""
	from humane_crm.people import backfill

	now = frappe.utils.now()
	rows = [
		(
			f"bc{i:07d}",
			"Email",
			"Sent",
			"Communication",
			f"person{i}@bench.example.com",
			"Backfill",
			now,
			now,
			now,
		)
		for i in range(n)
	]
	for chunk in chunks(rows):
		frappe.db.bulk_insert(
			"Communication",
			[
				"name",
				"communication_medium",
				"sent_or_received",
				"communication_type",
				"recipients",
				"subject",
				"communication_date",
				"creation",
				"modified",
			],
			chunk,
		)
	frappe.db.commit()
	started = time.perf_counter()
	summary = backfill.run(batch_size=500)
	took = time.perf_counter() - started
	print(
		f"backfill: {summary.scanned['Communication']:,} emails in {took:.1f} s "
		f"({summary.scanned['Communication'] / took:,.0f} emails/s, {summary.added:,} ledger rows)"
	)
	again = backfill.run(batch_size=500)
	print(f"backfill again: {again.added} rows added (idempotent)")
	frappe.db.sql("delete from `tabCommunication` where name like 'bc%%'")
	frappe.db.sql(
		"delete from `tabContact Attempt` where source_doctype = 'Communication' and source_name like 'bc%%'"
	)
	frappe.db.commit()


def email_overhead(pairs: int) -> None:
	"""email.make with the checks on ÷ off: the same email to a lead, interleaved pairs, median."""
	from frappe.core.doctype.communication.email import make

	port = start_smtp_sink()
	ensure_email_account(port)
	# An agent sends: an Administrator session is not a person, and its emails would be held.
	agent = "bench.agent@example.com"
	if not frappe.db.exists("User", agent):
		user = frappe.get_doc(
			{"doctype": "User", "email": agent, "first_name": "Bench", "send_welcome_email": 0}
		)
		user.insert(ignore_permissions=True)
		user.add_roles("Sales User")
	for name in frappe.get_all("Contact Cadence Rule", pluck="name"):
		frappe.db.set_value("Contact Cadence Rule", name, "enabled", 1)
	lead = frappe.get_doc(
		{
			"doctype": "CRM Lead",
			"first_name": "Bench",
			"email": "person7@bench.example.com",
			"mobile_no": "+14150000007",
			"humane_time_zone": frappe.utils.get_system_timezone(),  # the clock is stopped at 11:00 there
		}
	).insert()
	# The steady state: the lead's person already holds both its keys (the very first send to a new
	# address adds them once; every send below is rolled back, so it would add them every time).
	from humane_crm.people import identities, ledger

	person = ledger.person_for(identities.keys_of([lead.email], [lead.mobile_no]), lead.lead_name)
	# Their older history stays (the decision reads it); the random ledger may have touched them in
	# the last week too, which would refuse every send below: those touches go.
	frappe.db.delete(
		"Contact Attempt",
		{"person": person, "timestamp": (">=", frappe.utils.add_days(frappe.utils.now(), -8))},
	)
	frappe.db.commit()

	def send():
		started = time.perf_counter()
		make(
			doctype="CRM Lead",
			name=lead.name,
			subject="Hello",
			content="<p>Hello from the benchmark</p>",
			recipients=lead.email,
			send_email=True,
		)
		took = time.perf_counter() - started
		frappe.db.rollback()  # every send starts from the same ledger
		return took

	from humane_crm.cadence import rules

	frappe.db.commit()
	frappe.set_user(agent)
	rules.clear_cache()
	frappe.flags.humane_crm_checks_off = False
	send()
	on, off = [], []
	for _ in range(pairs):
		for checks_off, bucket in random.sample([(False, on), (True, off)], 2):
			frappe.flags.humane_crm_checks_off = checks_off
			bucket.append(send())
	frappe.flags.humane_crm_checks_off = False
	frappe.set_user("Administrator")
	m_on, m_off = statistics.median(on) * 1000, statistics.median(off) * 1000
	print(
		f"email.make (send_email=1, queued): checks on {m_on:.2f} ms, off {m_off:.2f} ms, "
		f"median of {pairs} interleaved pairs: {m_on / m_off:.2f}x"
	)
	frappe.delete_doc("CRM Lead", lead.name, force=True)
	frappe.db.commit()


def ensure_email_account(port: int) -> None:
	name = "Humane Bench Outgoing"
	if frappe.db.exists("Email Account", name):
		frappe.db.set_value("Email Account", name, "smtp_port", port)
	else:
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": name,
				"email_id": "bench@example.com",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "127.0.0.1",
				"smtp_port": port,
				"use_tls": 0,
				"use_ssl_for_outgoing": 0,
				"no_smtp_authentication": 1,
				"enable_incoming": 0,
			}
		).insert()
	frappe.db.commit()


def start_smtp_sink() -> int:
	"""A minimal SMTP server on 127.0.0.1 that accepts and discards every message."""

	class Sink(asyncio.Protocol):
		def connection_made(self, transport):
			self.t, self.data = transport, False
			transport.write(b"220 sink ESMTP\r\n")

		def data_received(self, chunk):
			for line in chunk.split(b"\r\n"):
				if self.data:
					if line == b".":
						self.data = False
						self.t.write(b"250 OK\r\n")
					continue
				cmd = line[:4].upper()
				if cmd in (b"EHLO", b"HELO"):
					self.t.write(b"250-sink\r\n250 OK\r\n")
				elif cmd == b"DATA":
					self.data = True
					self.t.write(b"354 go\r\n")
				elif cmd == b"QUIT":
					self.t.write(b"221 bye\r\n")
					self.t.close()
				elif line:
					self.t.write(b"250 OK\r\n")

	loop = asyncio.new_event_loop()
	server = loop.run_until_complete(loop.create_server(Sink, "127.0.0.1", 0))
	threading.Thread(target=loop.run_forever, daemon=True).start()
	return server.sockets[0].getsockname()[1]


def chunks(rows, size=CHUNK):
	for i in range(0, len(rows), size):
		yield rows[i : i + size]


if __name__ == "__main__":
	main()
