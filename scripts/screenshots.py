"""make screenshots: the README's pictures, taken with headless Chromium (the
browser Odoo's tours use) through the Chrome DevTools protocol, in German, on
the database of `make run` served by scripts/screenshots.sh.

Usage: screenshots.py BASE_URL DB OUT_DIR MAIL_DIR
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from email import policy
from email.parser import BytesParser
from html import escape
from pathlib import Path

import requests
import websocket
from PIL import Image

WIDTH, HEIGHT = 1280, 800
CHROME_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class Browser:
    """One headless Chromium tab driven over the DevTools websocket."""

    def __init__(self):
        binary = next(filter(None, map(shutil.which, CHROME_NAMES)), None)
        if not binary:
            raise SystemExit("No chromium found: install the Debian package chromium.")
        self.profile = tempfile.mkdtemp(prefix="customer_dialog_shots_")
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--hide-scrollbars",
                "--lang=de-DE",
                f"--window-size={WIDTH},{HEIGHT}",
                f"--user-data-dir={self.profile}",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile, "DevToolsActivePort")
        for _ in range(100):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        page = next(
            target
            for target in requests.get(
                f"http://127.0.0.1:{port}/json", timeout=10
            ).json()
            if target["type"] == "page"
        )
        self.socket = websocket.create_connection(
            page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
        )
        self.next_id = 0
        self.call("Page.enable")
        self.call("Network.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            answer = json.loads(self.socket.recv())
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})

    def login(self, base_url, db, login, password):
        """A session of ``login`` for the browser (Odoo's session cookie)."""
        self.call("Network.clearBrowserCookies")
        response = requests.post(
            f"{base_url}/web/session/authenticate",
            json={"params": {"db": db, "login": login, "password": password}},
            timeout=60,
        )
        result = response.json()
        if not result.get("result", {}).get("uid"):
            raise SystemExit(f"Cannot log in as {login}: {result.get('error')}")
        self.call(
            "Network.setCookie",
            name="session_id",
            value=response.cookies["session_id"],
            url=base_url,
        )

    def evaluate(self, expression):
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    def wait(self, selector, timeout=60):
        expression = f"!!document.querySelector({json.dumps(selector)})"
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(expression):
                return
            time.sleep(0.25)
        raise RuntimeError(
            f"{selector} did not appear on {self.evaluate('location.href')}"
        )

    def click(self, selector):
        self.wait(selector)
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    def open(self, url, selector):
        self.call("Page.navigate", url=url)
        time.sleep(0.5)
        self.wait(selector)

    def settle(self, seconds=1.5):
        """Let Odoo finish its RPCs and animations."""
        time.sleep(seconds)
        self.evaluate("document.activeElement && document.activeElement.blur()")

    def shot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        Path(path).write_bytes(base64.b64decode(data))
        print(f"  {path}")

    def close(self):
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def rpc(base_url, session, model, method, args, kwargs=None):
    answer = session.post(
        f"{base_url}/web/dataset/call_kw",
        json={
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs or {},
            }
        },
        timeout=60,
    ).json()
    if "error" in answer:
        raise SystemExit(f"{model}.{method}: {answer['error']['data']['message']}")
    return answer["result"]


def xmlid(base_url, session, module, name):
    found = rpc(
        base_url,
        session,
        "ir.model.data",
        "search_read",
        [[("module", "=", module), ("name", "=", name)]],
        {"fields": ["res_id"], "limit": 1},
    )
    if not found:
        raise SystemExit(f"{module}.{name} not found: run `make run` once first.")
    return found[0]["res_id"]


def notice_email_page(mail_dir, out_file):
    """An HTML page showing the newest notice the sink received, as a mail
    client would: its headers, then its HTML body."""
    sys.path.insert(0, str(Path(__file__).parent))
    import mails  # scripts/mails.py, next to this file

    notices = [
        (path, message)
        for path, message in mails.emails(mail_dir)
        if mails.kind(message) == "notice"
    ]
    if not notices:
        raise SystemExit(f"No notice email in {mail_dir}: run `make run` once first.")
    path, _message = notices[-1]
    with open(path, "rb") as handle:
        message = BytesParser(policy=policy.default).parse(handle)
    rows = "".join(
        f"<tr><th>{label}</th><td>{escape(str(message.get(name, '')))}</td></tr>"
        for label, name in (
            ("Von", "From"),
            ("An", "To"),
            ("Betreff", "Subject"),
            ("Datum", "Date"),
        )
    )
    html = message.get_body(preferencelist=("html",)).get_content()
    Path(out_file).write_text(
        "<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><style>"
        "body{font-family:sans-serif;margin:0;background:#eef0f2}"
        ".mail{max-width:900px;margin:32px auto;background:#fff;"
        "border:1px solid #d5d8dc;border-radius:6px;padding:24px 32px}"
        "table.head{border-collapse:collapse;margin-bottom:16px;width:100%;"
        "border-bottom:1px solid #d5d8dc}"
        "table.head th{text-align:left;color:#6c757d;font-weight:normal;"
        "padding:2px 16px 2px 0;width:80px}table.head td{padding:2px 0}"
        "</style></head><body><div class='mail'><table class='head'>"
        f"{rows}</table>{html}</div></body></html>",
        encoding="utf-8",
    )


def letter_page(base_url, session, out_file):
    """The first page of the letter to Klaus Becker (no email address), as
    the clerk prints it: "Print Letter" records it, the PDF is Odoo's."""
    message = xmlid(base_url, session, "customer_dialog_demo", "msg_becker_offer")
    rpc(base_url, session, "mail.message", "action_dialog_print_letter", [[message]])
    pdf = session.get(
        f"{base_url}/report/pdf/customer_dialog.report_dialog_letter/{message}",
        timeout=120,
    )
    if pdf.headers.get("Content-Type") != "application/pdf":
        raise SystemExit("The letter is no PDF: is wkhtmltopdf installed?")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "letter.pdf")
        path.write_bytes(pdf.content)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(path),
                str(Path(folder, "letter")),
            ],
            check=True,
        )
        image = Image.open(Path(folder, "letter.png"))
        # the sheet on a grey desk, as a viewer shows it
        desk = Image.new("RGB", (image.width + 48, image.height + 48), (222, 224, 227))
        desk.paste(image, (24, 24))
        desk.save(out_file)


def main(base_url, db, out_dir, mail_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    admin = requests.Session()
    admin.post(
        f"{base_url}/web/session/authenticate",
        json={"params": {"db": db, "login": "admin", "password": "admin"}},
        timeout=60,
    )
    schneider = xmlid(base_url, admin, "customer_dialog", "partner_demo_schneider")
    conversation = xmlid(
        base_url, admin, "customer_dialog_demo", "msg_schneider_request"
    )
    browser = Browser()
    try:
        browser.login(base_url, db, "admin", "admin")
        form = f"{base_url}/odoo/contacts/{schneider}"
        browser.open(form, ".o_form_view .o_notebook")
        browser.evaluate(
            "[...document.querySelectorAll('.o_notebook .nav-link')]"
            ".find(a => a.getAttribute('name') === 'customer_dialog'"
            " || /Kundendialog|Customer Dialog/.test(a.textContent)).click()"
        )
        browser.settle()
        browser.evaluate(
            "document.querySelector('.o_notebook').scrollIntoView({block: 'start'});"
            "document.querySelector('.o_content') &&"
            " document.querySelector('.o_content').scrollBy(0, -140)"
        )
        browser.settle(0.5)
        browser.shot(out / "customer-form.png")

        browser.open(form, ".o_form_view button[name='action_dialog_compose']")
        browser.settle(0.5)
        browser.click(".o_form_view button[name='action_dialog_compose']")
        browser.click(".modal div[name='visibility'] input[data-value='customer']")
        browser.wait(".modal .alert-info")
        browser.evaluate(
            "(() => { const input = document.querySelector("
            "\".modal div[name='subject'] input\");"
            " input.value = 'Ihre Steuererklärung 2025';"
            " input.dispatchEvent(new Event('input', {bubbles: true}));"
            " input.dispatchEvent(new Event('change', {bubbles: true})); })()"
        )
        browser.settle()
        browser.shot(out / "composer.png")

        # a copy to the bakery's tax advisor, as the composer asks for it
        hoffmann = xmlid(base_url, admin, "customer_dialog", "partner_demo_hoffmann")
        browser.open(
            f"{base_url}/odoo/contacts/{hoffmann}",
            ".o_form_view button[name='action_dialog_compose']",
        )
        browser.settle(0.5)
        browser.click(".o_form_view button[name='action_dialog_compose']")
        browser.click(".modal div[name='visibility'] input[data-value='customer']")
        browser.wait(".modal div[name='cc_partner_ids'] input")
        browser.evaluate(
            "(() => { const input = document.querySelector("
            "\".modal div[name='cc_partner_ids'] input\");"
            " input.focus(); input.value = 'Krause';"
            " input.dispatchEvent(new Event('input', {bubbles: true})); })()"
        )
        browser.settle()
        browser.click("ul.ui-autocomplete a")
        browser.wait(".modal .o_customer_dialog_outside")
        browser.settle()
        browser.shot(out / "composer-recipients.png")
        annual = rpc(
            base_url,
            admin,
            "mail.message",
            "search",
            [
                [
                    ("subject", "=", "Ihre Jahresrechnung 2025"),
                    ("dialog_visibility", "!=", False),
                ]
            ],
            {"limit": 1},
        )
        action = f"{base_url}/odoo/action-customer_dialog.mail_message_dialog_action"
        browser.open(f"{action}/{annual[0]}", ".o_form_view .o_notebook")
        browser.click(".o_form_view .o_notebook a[name='recipients']")
        browser.wait(".o_form_view div[name='dialog_recipient_ids'] .o_data_row")
        browser.evaluate(
            "document.querySelector('.o_form_view .o_notebook')"
            ".scrollIntoView({block: 'end'})"
        )
        browser.settle()
        browser.shot(out / "recipients.png")

        thread = xmlid(
            base_url, admin, "customer_dialog_demo", "board_hoffmann_complaint"
        )
        browser.open(
            f"{base_url}/odoo/discuss?active_id=discuss.channel_{thread}",
            ".o-mail-Discuss .o-mail-Message",
        )
        browser.settle()
        browser.shot(out / "board.png")

        browser.open(form, ".o_form_view button[name='action_dialog_overview']")
        browser.click(".o_form_view button[name='action_dialog_overview']")
        browser.wait(".o_customer_dialog_overview_section")
        browser.settle()
        browser.shot(out / "customer-overview.png")

        browser.open(form, ".o-mail-Message .o-customer-dialog-badges")
        browser.evaluate(
            "document.querySelector('.o-mail-Chatter').scrollIntoView({block: 'start'})"
        )
        browser.settle()
        browser.shot(out / "chatter-badges.png")

        quotation = xmlid(base_url, admin, "customer_dialog_demo", "order_lehmann")
        browser.open(
            f"{base_url}/odoo/action-sale.action_quotations/{quotation}",
            ".o_customer_dialog_block_banner",
        )
        browser.settle()
        browser.shot(out / "blocked-quotation.png")

        action = f"{base_url}/odoo/action-customer_dialog.mail_message_dialog_action"
        browser.open(action, ".o_list_view .o_data_row")
        browser.settle()
        browser.shot(out / "overview-list.png")
        browser.open(f"{action}?view_type=pivot", ".o_pivot table")
        browser.settle()
        browser.shot(out / "overview-pivot.png")

        browser.login(base_url, db, "kunde", "kunde")
        browser.open(f"{base_url}/my/messages", ".o_customer_dialog_portal_row")
        browser.settle(1)
        browser.shot(out / "portal-list.png")
        browser.open(
            f"{base_url}/my/messages/{conversation}", ".o_customer_dialog_body"
        )
        browser.settle(1)
        browser.shot(out / "portal-conversation.png")

        letter_page(base_url, admin, out / "letter.png")

        page = Path(browser.profile, "notice.html")
        notice_email_page(mail_dir, page)
        browser.open(page.as_uri(), ".mail")
        browser.settle(0.5)
        browser.shot(out / "notice-email.png")
    finally:
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    os.environ.setdefault("LANG", "de_DE.UTF-8")
    main(*sys.argv[1:])
