"""Work to do once a refused transaction has rolled back: the blocked ledger row, the held or
refused message, the notifications. All of it runs in one callback and is committed once.

Frappe's `frappe.db.after_rollback` callbacks run in order, and a commit inside one clears the rest
of the queue: separate callbacks that each committed would silently drop each other.
"""

import frappe

_PENDING = "humane_crm_after_rollback"


def add(fn) -> None:
	"""Run `fn` after this transaction rolls back (and not at all if it commits)."""
	pending = getattr(frappe.local, _PENDING, None)
	if pending is None:
		pending = []
		setattr(frappe.local, _PENDING, pending)
		frappe.db.after_rollback.add(_run)
		frappe.db.after_commit.add(_forget)
	pending.append(fn)


def _forget() -> None:
	setattr(frappe.local, _PENDING, None)


def _run() -> None:
	pending = getattr(frappe.local, _PENDING, None) or []
	_forget()
	for fn in pending:
		frappe.db.savepoint("humane_crm_after_rollback")
		try:
			fn()
		except Exception:
			frappe.db.rollback(save_point="humane_crm_after_rollback")
			frappe.log_error(title="Humane CRM: work after a refusal failed")
	frappe.db.commit()
