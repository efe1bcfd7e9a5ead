"""A statement sent to MariaDB before its answer is needed: the server works on it while Python
decides the page before (a mass check's pages, see `facts.decide_in_pages`), or writes a send's
ledger rows while Frappe validates and inserts the email (`ledger.insert(..., wait=False)`).

Frappe talks to MariaDB through PyMySQL (pinned by Frappe: `PyMySQL==1.1.1`), which waits for a
statement's answer as soon as it sends it. `InFlight` sends a statement and reads its answer only
when asked (`rows()`), so MariaDB's work on it (optimizing and reading the ledger) and the
caller's Python run at once — on the site's own connection, in its transaction, without a thread.

Nothing is lost or mixed up if other code sends a statement meanwhile (a name looked up while a
refusal is explained): the pending answer sits where PyMySQL keeps an unfinished result, and
PyMySQL reads that to its end before it sends anything else. If MariaDB refused the pending
statement, that other code is not told (its own statement, a rollback say, goes ahead): the error
is kept, and raised to whoever asks for the answer (`rows()`). Where the connection is not
PyMySQL's the statement is simply run when it is sent.
"""

from __future__ import annotations

import frappe

try:
	from pymysql.connections import Connection
	from pymysql.constants import COMMAND
except ImportError:  # pragma: no cover (Frappe v15 and v16 use PyMySQL)
	Connection = None


class InFlight:
	"""One statement sent; `rows()` its answer (the rows, as `frappe.db.sql` gives them)."""

	# What PyMySQL asks of an unfinished result before it sends the next statement: "is a result
	# still being read?" (no: this one is read whole, below) and "is another result still to come?",
	# which reads this one's answer and says no.
	unbuffered_active = False

	def __init__(self, sql: str, values: dict | tuple | list | None = None):
		self.values = values
		self._rows = None
		self._error = None
		conn = getattr(frappe.db, "_conn", None)
		if Connection is None or not isinstance(conn, Connection):
			self._rows = frappe.db.sql(sql, values)
			return
		conn._execute_command(COMMAND.COM_QUERY, mogrify(conn, sql, values))
		conn._result = self
		self._conn = conn

	@property
	def has_next(self) -> bool:
		self._read()  # (an error is kept for `rows()`: the statement about to be sent is not ours)
		return False

	def rows(self) -> tuple:
		self._read()
		if self._error is not None:
			raise self._error
		return self._rows

	def _read(self) -> None:
		if self._rows is not None or self._error is not None:
			return
		conn, self._conn = self._conn, None
		try:
			conn._read_query_result()
		except Exception as e:  # what MariaDB said, kept to be raised as frappe.db.sql raises it
			self._error = _as_frappe_raises(e)
			return
		self._rows = conn._result.rows or ()


def mogrify(conn, sql: str, values) -> str:
	"""The statement with its values written in, as PyMySQL's `mogrify` writes it, except that a tuple
	of strings (a mass check's page: 500 keys, or the 500 people holding them) is escaped in one
	pass: PyMySQL escapes a tuple item by item, a millisecond for 500 on these VMs, 40 ms of a
	10 000-recipient check."""
	if not isinstance(values, dict):
		return frappe.db._cursor.mogrify(sql, values)
	return sql % {key: _literal(conn, value) for key, value in values.items()}


def _literal(conn, value) -> str:
	if isinstance(value, tuple) and value and all(type(v) is str for v in value):
		# (Escaping leaves this byte as it is; a value holding one is escaped item by item.)
		joined = "\x01".join(value)
		if joined.count("\x01") == len(value) - 1:
			return "(" + conn.literal(joined).replace("\x01", "','") + ")"
	return conn.literal(value)


def _as_frappe_raises(e: Exception) -> Exception:
	if frappe.db.is_deadlocked(e):
		error = frappe.QueryDeadlockError(e)
	elif frappe.db.is_timedout(e):
		error = frappe.QueryTimeoutError(e)
	else:
		return e
	error.__cause__ = e
	return error
