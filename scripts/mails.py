"""make mails: the emails the SMTP sink of `make run` received.

Usage:
  mails.py DIRECTORY             list them: number, date, recipient, subject,
                                 kind (content, notice, file ready or other)
  mails.py DIRECTORY NUMBER      print the email with that number of the list
  mails.py DIRECTORY FILE.eml    print that file
  mails.py DIRECTORY --html N    write the HTML body of email N to stdout

A *notice* carries the sentences of the notice template ("To protect your
privacy, its content is not sent by email.", in English or any language of
i18n/*.po), a *content* email those of the content template ("we have a new
message for you:"), a *file ready* email those of the email that a
customer's file is ready; anything else (e.g. Odoo telling an employee about a
customer's reply) is *other*. Only the standard library is used.
"""

import email
import email.policy
import re
import sys
from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path

MODULE_DIR = Path(__file__).resolve().parent.parent
TEMPLATES = (
    "mail_template_dialog_content",
    "mail_template_dialog_notice",
    "mail_template_dialog_export_ready",
)


def _paragraphs(markup):
    """The sentences of a template body that are plain text (no placeholders)."""
    return {
        " ".join(text.split())
        for text in re.findall(r"<p\b[^>]*>([^<]+)</p>", markup)
        if text.strip()
    }


def _po_string(lines):
    return "".join(
        line.strip()[1:-1].encode().decode("unicode_escape").encode("latin-1").decode()
        for line in lines
        if line.strip().startswith('"')
    )


def template_sentences():
    """{template: sentences only it has}, in English (data/mail_template_data.xml)
    and every language of i18n/*.po: a notice says that a message waits in the
    portal, a content email that there is a message (and shows it)."""
    found = {name: set() for name in TEMPLATES}
    data = (MODULE_DIR / "data" / "mail_template_data.xml").read_text(encoding="utf-8")
    for name in TEMPLATES:
        record = data.split(f'id="{name}"', 1)[-1].split("</record>", 1)[0]
        found[name] |= _paragraphs(record)
    for po in sorted((MODULE_DIR / "i18n").glob("*.po")):
        for block in po.read_text(encoding="utf-8").split("\n\n"):
            for name in TEMPLATES:
                if f"body_html:customer_dialog.{name}" in block and "msgstr" in block:
                    translated = block.split("msgstr", 1)[1].splitlines()
                    found[name] |= _paragraphs(_po_string(translated))
    content, notice, ready = (found[name] for name in TEMPLATES)
    return {
        "content": content - notice - ready,
        "notice": notice - content - ready,
        "file ready": ready - content - notice,
    }


SENTENCES = template_sentences()
# The class of the company's letter layout (delivery emails).
LETTER_MARK = "o_customer_dialog_letter"


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "div", "br", "tr", "li", "h1", "h2", "h3"):
            self.parts.append("\n")
        if tag == "a":
            href = dict(attrs).get("href")
            if href and not href.startswith("mailto:"):
                self.parts.append(f" [{href}] ")

    def handle_data(self, data):
        self.parts.append(data)

    def text(self):
        lines = (" ".join(line.split()) for line in "".join(self.parts).splitlines())
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(markup):
    parser = _Text()
    parser.feed(markup)
    return parser.text()


def read(path):
    with open(path, "rb") as handle:
        return email.message_from_binary_file(handle, policy=email.policy.default)


def body(message, subtype):
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part else ""


def kind(message):
    """notice or file ready (their sentences), content (any other email in
    the company's letter layout, data/mail_layout_data.xml) or other."""
    html = body(message, "html")
    text = " ".join(html_to_text(html).split())
    text += " " + " ".join(body(message, "plain").split())
    for name in ("notice", "file ready"):
        if any(sentence in text for sentence in SENTENCES[name]):
            return name
    if LETTER_MARK in html or any(
        sentence in text for sentence in SENTENCES["content"]
    ):
        return "content"
    return "other"


def recipient(message):
    return str(message.get("X-Sink-Rcpt-To") or message.get("To") or "")


def date(message):
    try:
        moment = parsedate_to_datetime(str(message.get("Date")))
    except (TypeError, ValueError):
        return datetime.min
    return moment.astimezone().replace(tzinfo=None)


def emails(directory):
    files = sorted(Path(directory).glob("*.eml"))
    return [(path, read(path)) for path in files]


def list_emails(directory):
    found = emails(directory)
    if not found:
        print(f"No emails in {directory} yet: start `make run` and use Odoo.")
        return
    rows = [
        (
            str(number),
            date(message).strftime("%Y-%m-%d %H:%M"),
            recipient(message),
            str(message.get("Subject") or ""),
            kind(message),
        )
        for number, (_path, message) in enumerate(found, 1)
    ]
    header = ("#", "date", "recipient", "subject", "kind")
    widths = [min(max(len(row[i]) for row in [*rows, header]), 48) for i in range(4)]
    for row in [header, *rows]:
        cells = [cell[:w].ljust(w) for cell, w in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[4]]))
    print(f"\n{len(rows)} emails in {directory}; show one with: make mails N=<#>")


def pick(directory, which):
    path = Path(which)
    if path.suffix == ".eml":
        if not path.is_file():
            path = Path(directory) / which
        return path, read(path)
    found = emails(directory)
    number = int(which)
    if not 1 <= number <= len(found):
        raise SystemExit(f"No email number {number}: there are {len(found)}.")
    return found[number - 1]


def show(directory, which):
    path, message = pick(directory, which)
    print(f"File:      {path}")
    for name in ("Date", "From", "To", "Cc", "Subject"):
        if name != "Cc" or message.get(name):
            print(f"{name + ':':<10} {message.get(name, '')}")
    print(f"{'Envelope:':<10} to {recipient(message)}")
    print(f"{'Kind:':<10} {kind(message)}")
    attachments = [part.get_filename() for part in message.iter_attachments()]
    if attachments:
        print(f"{'Files:':<10} {', '.join(str(name) for name in attachments)}")
    print()
    text = body(message, "plain") or html_to_text(body(message, "html"))
    # without the invisible preview padding of Odoo's email layouts
    text = re.sub(r"[\u034f\u200b\u200c\u00ad]", "", text)
    text = re.sub(r"[^\S\n]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    print(text.strip())


def main(argv):
    if not argv:
        raise SystemExit(__doc__)
    directory, *rest = argv
    if not rest:
        list_emails(directory)
    elif rest[0] == "--html":
        _path, message = pick(directory, rest[1])
        sys.stdout.write(body(message, "html"))
    else:
        show(directory, rest[0])


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except BrokenPipeError:  # e.g. make mails N=3 | head
        sys.stderr.close()
