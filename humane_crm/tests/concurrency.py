"""A worker for the race test: its own process, its own database connection, many sends."""


def send_many(
	site: str, sites_path: str, user: str, lead: str, email: str, count: int, barrier, results
) -> None:
	import frappe

	frappe.init(site=site, sites_path=sites_path)
	frappe.connect()
	try:
		from frappe.core.doctype.communication.email import make

		from humane_crm.exceptions import ContactRefused

		frappe.set_user(user)
		outcomes = []
		barrier.wait()  # every worker starts sending at the same instant
		for i in range(count):
			try:
				make(
					doctype="CRM Lead",
					name=lead,
					subject=f"Race {i}",
					content="Hello",
					recipients=email,
					send_email=False,
				)
				frappe.db.commit()
				outcomes.append("allowed")
			except ContactRefused:
				frappe.db.rollback()
				outcomes.append("refused")
			except Exception as e:  # a deadlock or lock timeout would show here, and fail the test
				frappe.db.rollback()
				outcomes.append(f"error: {type(e).__name__}: {e}")
		results.put(outcomes)
	finally:
		frappe.destroy()
