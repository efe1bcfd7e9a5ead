"""A local SMTP server that accepts every message and keeps it as a file: where a development or
CI site's outgoing mail goes, so a test can read the very MIME Frappe's queue produced.

	python scripts/smtp_sink.py --port 2525 --dir ~/.cache/humane-crm/mail

Each message is written as DIR/<time>-<n>.eml with an X-Sink-Rcpt header per envelope recipient.
Listens on 127.0.0.1 only.
"""

import argparse
import asyncio
import itertools
import os
import time

from aiosmtpd.controller import Controller


class Keep:
	def __init__(self, folder: str):
		self.folder = folder
		self.count = itertools.count()
		os.makedirs(folder, exist_ok=True)

	async def handle_DATA(self, server, session, envelope):
		name = f"{time.time():.6f}-{next(self.count)}.eml"
		head = "".join(f"X-Sink-Rcpt: {r}\r\n" for r in envelope.rcpt_tos)
		tmp = os.path.join(self.folder, "." + name)
		with open(tmp, "wb") as f:
			f.write(head.encode() + envelope.original_content)
		os.replace(tmp, os.path.join(self.folder, name))  # readers never see half a message
		return "250 kept"


def main() -> None:
	parser = argparse.ArgumentParser()
	parser.add_argument("--port", type=int, default=2525)
	parser.add_argument("--dir", required=True)
	args = parser.parse_args()
	controller = Controller(Keep(args.dir), hostname="127.0.0.1", port=args.port)
	controller.start()
	print(f"mail sink on 127.0.0.1:{args.port}, keeping messages in {args.dir}", flush=True)
	try:
		asyncio.get_event_loop().run_forever()
	finally:
		controller.stop()


if __name__ == "__main__":
	main()
