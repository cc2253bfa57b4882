"""A small SMTP sink on loopback for `make stress`: every email it receives is
stored as one .eml file in a directory; nothing is ever relayed.

Usage: smtp_sink.py DIRECTORY PORT

Runs until SIGTERM/SIGINT. Each file is named <sequence>-<random>.eml and
starts with X-Sink-Mail-From / X-Sink-Rcpt-To headers (the SMTP envelope),
followed by the message as received.
"""

import signal
import sys
import threading
import uuid
from pathlib import Path

from aiosmtpd.controller import Controller


class StoreHandler:
    def __init__(self, directory):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it so
        with self.lock:
            self.count += 1
            sequence = self.count
        envelope_headers = (
            f"X-Sink-Mail-From: {envelope.mail_from}\r\n"
            f"X-Sink-Rcpt-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        name = f"{sequence:06d}-{uuid.uuid4().hex[:8]}.eml"
        tmp = self.directory / f".{name}.tmp"
        tmp.write_bytes(envelope_headers + content)
        tmp.rename(self.directory / name)  # readers never see half a file
        return "250 Message accepted for delivery"


def main():
    directory, port = sys.argv[1], int(sys.argv[2])
    controller = Controller(
        StoreHandler(directory),
        hostname="127.0.0.1",
        port=port,
        # Odoo sends UTF-8 headers and large bodies; accept both
        enable_SMTPUTF8=True,
        data_size_limit=50 * 1024 * 1024,
    )
    controller.start()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    sys.stdout.write(f"smtp sink on 127.0.0.1:{port}, storing in {directory}\n")
    sys.stdout.flush()
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
