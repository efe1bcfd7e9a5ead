"""A real user over HTTP: Frappe's own request handling (routing, authentication, permissions,
the REST resource API and whitelisted methods), in a thread with its own database connection.

What a request should see must be committed first; the test class removes it again."""

import json

import frappe
from frappe.utils import get_test_client


class RestUser:
	"""Calls the site as `user`, authenticated by an API key, as an integration would."""

	def __init__(self, user: str):
		doc = frappe.get_doc("User", user)
		doc.api_key = doc.api_key or frappe.generate_hash(length=15)
		self.api_secret = frappe.generate_hash(length=15)
		doc.api_secret = self.api_secret
		doc.save(ignore_permissions=True)
		self.user, self.api_key = user, doc.api_key
		self.client = get_test_client()

	def _send(self, method: str, path: str, **kwargs):
		from frappe.tests.test_api import make_request

		kwargs.setdefault("headers", {})["Authorization"] = f"token {self.api_key}:{self.api_secret}"
		return make_request(target=getattr(self.client, method), args=(path,), kwargs=kwargs)

	def get(self, path: str, **params):
		query = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
		return self._send("get", path, query_string=query)

	def put(self, path: str, payload: dict):
		return self._send("put", path, json=payload)

	def post(self, path: str, payload: dict):
		return self._send("post", path, json=payload)

	def upload(self, filename: str, content: bytes, **form):
		"""POST /api/method/upload_file, as the desk's file uploader sends a file."""
		import io

		return self._send(
			"post", "/api/method/upload_file", data={**form, "file": (io.BytesIO(content), filename)}
		)

	def call(self, method: str, **args):
		"""POST /api/method/<method> with form arguments, as the desk sends them."""
		form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in args.items()}
		return self._send("post", f"/api/method/{method}", data=form)


class Guest(RestUser):
	"""Calls the site with no login and no cookies, as a provider's webhook or a visitor does."""

	def __init__(self):
		self.user, self.client = "Guest", get_test_client(use_cookies=False)

	def _send(self, method: str, path: str, **kwargs):
		from frappe.tests.test_api import make_request

		return make_request(target=getattr(self.client, method), args=(path,), kwargs=kwargs)

	def post_form(self, path: str, form: dict, headers: dict | None = None):
		"""POST a form (application/x-www-form-urlencoded), as webhooks send them."""
		return self._send("post", path, data=form, headers=headers or {})


def message_of(response) -> str:
	"""What the user is told: the server messages of an error response, as one string."""
	body = response.json or {}
	said = []
	for raw in json.loads(body.get("_server_messages") or "[]"):
		try:
			said.append(json.loads(raw).get("message", ""))
		except (TypeError, ValueError):
			said.append(str(raw))
	return " ".join(said) or str(body.get("exception") or body.get("exc") or "")
