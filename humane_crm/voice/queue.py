"""Where mail leaves: the Email Queue hands each recipient's message to the mail server.

Frappe builds one message per recipient (`SendMailContext.build_message`) and gives it to the SMTP
session. The app's Email Queue class (`override_doctype_class`; nobody else overrides Email Queue)
stands between the two: each message, on its way to the server, gets its recipient's personal link
when they are a CRM person (`links.personalise`). The message as Frappe built it, its status,
retries and errors are Frappe's, untouched.

Not covered: a site whose `override_email_send` hook sends mail itself (Frappe then never calls the
session), and Frappe's test mode without `testing_email` (nothing is sent at all).
"""

from __future__ import annotations

from frappe.email.doctype.email_queue.email_queue import EmailQueue as FrappeEmailQueue

from humane_crm.voice import links


class EmailQueue(FrappeEmailQueue):
	def send(self, smtp_server_instance=None):
		return super().send(PersonalLinks(self, smtp_server_instance))


class PersonalLinks:
	"""The SMTP server of one queue's send, as Frappe's context uses it (`.session.sendmail`), that
	adds each recipient's link to their message. The real server is the one given, or the queue's
	own Email Account's, fetched when Frappe first asks for the session (inside its error handling)."""

	def __init__(self, queue, server=None):
		self._queue, self._server = queue, server

	def _real(self):
		if self._server is None:
			self._server = self._queue.get_email_account(raise_error=True).get_smtp_server()
		return self._server

	@property
	def session(self):
		return self

	def sendmail(self, from_addr, to_addrs, msg, *args, **kwargs):
		reference = (self._queue.reference_doctype, self._queue.reference_name)
		if isinstance(to_addrs, str):
			msg = links.personalise(msg if isinstance(msg, bytes) else msg.encode(), to_addrs, reference)
		return self._real().session.sendmail(from_addr, to_addrs, msg, *args, **kwargs)

	def __getattr__(self, name):
		return getattr(self._real(), name)
