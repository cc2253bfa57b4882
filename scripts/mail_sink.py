"""The outgoing mail server of `make run`: scripts/smtp_sink.py (every email
stored as an .eml file, nothing relayed) plus two things a demo needs.

- Recipients whose address matches MAIL_SINK_REJECT (a regular expression,
  default: any address at a ``.invalid`` domain, RFC 2606) are refused with
  ``550 5.1.1``, as a real server refuses an unknown mailbox: Odoo marks that
  delivery as failed and offers Resend.
- Numbering continues after the files already in the directory, so that the
  emails of several runs list in the order they arrived.

Usage: mail_sink.py DIRECTORY PORT
"""

import os
import re
import sys
from pathlib import Path

import smtp_sink

REJECT = re.compile(os.environ.get("MAIL_SINK_REJECT") or r"@[^@>\s]+\.invalid$", re.I)


class DemoStoreHandler(smtp_sink.StoreHandler):
    def __init__(self, directory):
        super().__init__(directory)
        numbers = [
            int(path.name.split("-", 1)[0])
            for path in Path(directory).glob("*.eml")
            if path.name.split("-", 1)[0].isdigit()
        ]
        self.count = max(numbers, default=0)

    # aiosmtpd calls it so
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if REJECT.search(address.strip()):
            return f"550 5.1.1 <{address}>: mailbox unavailable (no such user)"
        envelope.rcpt_tos.append(address)
        return "250 OK"


if __name__ == "__main__":
    smtp_sink.StoreHandler = DemoStoreHandler
    sys.exit(smtp_sink.main())
