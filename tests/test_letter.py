"""Letters (DIN 5008 form B): for a message logged as a letter and for a
message for a customer without an email address. Printing is recorded at
the message and is not a delivery; the letter has the company's letterhead
in its page body (Debian's unpatched wkhtmltopdf prints no header HTML) and
selectable text; whoever asks for a letter they may not have gets a clear
error, never a traceback."""

import shutil
import subprocess
import tempfile
import unittest

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import DialogCase

LETTER = "customer_dialog.report_dialog_letter"
MM = 72 / 25.4  # PDF points per millimetre


class LetterCase(DialogCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.env["ir.module.module"]._load_module_terms(["customer_dialog"], ["de_DE"])
        cls.company = cls.env.company
        cls.company.write(
            {
                "name": "Lindenhof Service GmbH",
                "street": "Lindenstraße 12",
                "zip": "70173",
                "city": "Stuttgart",
                "country_id": cls.env.ref("base.de").id,
                "phone": "+49 711 123456",
                "email": "info@lindenhof-service.example.com",
            }
        )
        cls.herr = cls.env["res.partner"].create(
            {
                "name": "Klaus Becker",
                "title": cls.env.ref("base.res_partner_title_mister").id,
                "street": "Hauptstraße 5",
                "zip": "10115",
                "city": "Berlin",
                "country_id": cls.env.ref("base.de").id,
                "lang": "de_DE",
            }
        )
        cls.customer_no_email.write(
            {"street": "Am Markt 1", "zip": "50667", "city": "Köln"}
        )

    def letter_html(self, message, user=None):
        Report = self.env["ir.actions.report"].with_user(user or self.user_employee)
        html, _kind = Report._render_qweb_html(LETTER, message.ids)
        return html.decode()


class TestLetter(LetterCase):
    def test_a_customer_without_email_gets_a_letter_and_the_decision_stays(self):
        message = self.post(
            self.herr,
            "<p>Ihr Vertrag ist ab Januar geändert.</p>",
            visibility="customer",
            subject="Ihr Vertrag",
        )
        self.assertEqual(message.dialog_delivery_code, "no_email")
        self.assertTrue(message.with_user(self.user_employee).dialog_letter_printable)
        action = message.with_user(self.user_employee).action_dialog_print_letter()
        self.assertEqual(action["report_name"], LETTER)
        self.assertEqual(message.dialog_letter_printed_by, self.user_employee)
        self.assertTrue(message.dialog_letter_printed_on)
        # printing is not an email: the decision is the one taken at posting
        self.assertEqual(message.dialog_delivery_code, "no_email")
        self.assertEqual(message.dialog_visibility, "internal")
        self.assertFalse(message.dialog_delivery_message_id)
        info = message.with_user(self.user_employee).dialog_letter_info
        self.assertIn("Letter printed on", info)
        self.assertIn(self.user_employee.name, info)

    def test_the_letter_reads_as_a_german_letter(self):
        message = self.post(
            self.herr,
            "<p>Ihr Vertrag ist ab Januar geändert.</p>",
            visibility="customer",
            subject="Ihr Vertrag",
        )
        html = self.letter_html(message)
        for text in (
            "Lindenhof Service GmbH · Lindenstraße 12 · 70173 Stuttgart",
            "Herrn Klaus Becker",
            "Hauptstraße 5",
            "10115 Berlin",
            "Ihr Vertrag",
            "Ihr Vertrag ist ab Januar geändert.",
            "Ihr Ansprechpartner",
        ):
            self.assertIn(text, html)
        self.assertEqual(html.count("Sehr geehrter Herr Becker,"), 1)
        self.assertEqual(html.count("Mit freundlichen Grüßen"), 1)
        # at home, the country is not written
        self.assertNotIn("DEUTSCHLAND", html.upper().split("BERLIN", 1)[1][:200])

    def test_a_text_with_its_own_salutation_and_closing_gets_none(self):
        message = self.post(
            self.herr,
            "<p>Guten Tag Herr Becker,</p><p>anbei der Vertrag.</p>"
            "<p>Viele Grüße<br/>Ernest</p>",
            visibility="customer",
        )
        html = self.letter_html(message)
        self.assertNotIn("Sehr geehrter Herr Becker,", html)
        self.assertNotIn("Mit freundlichen Grüßen", html)
        self.assertEqual(html.count("Guten Tag Herr Becker,"), 1)

    def test_a_letter_channel_message_with_email_may_be_printed_too(self):
        message = self.post(
            self.customer_no_portal,
            "<p>Wie besprochen.</p>",
            visibility="customer",
            channel="letter",
        )
        self.assertEqual(message.dialog_delivery_code, "content_no_portal")
        self.customer_no_portal.write(
            {"street": "Brotgasse 3", "zip": "01067", "city": "Dresden"}
        )
        message.with_user(self.user_employee).action_dialog_print_letter()
        self.assertEqual(message.dialog_delivery_code, "content_no_portal")
        self.assertIn("Brotgasse 3", self.letter_html(message))

    def test_a_contact_is_written_to_at_its_company(self):
        self.customer.write(
            {"street": "Industriestraße 9", "zip": "80331", "city": "München"}
        )
        lines = self.contact._dialog_postal_address(self.company.country_id)
        self.assertEqual(
            lines,
            [
                "Kundenfirma Test GmbH",
                "Karl Kontakt",
                "Industriestraße 9",
                "80331 München",
            ],
        )
        self.contact.country_id = self.env.ref("base.at")
        self.customer.country_id = self.env.ref("base.at")
        lines = self.contact._dialog_postal_address(self.company.country_id)
        self.assertEqual(lines[-1], self.env.ref("base.at").name.upper())


class TestLetterRefusals(LetterCase):
    def refusal(self, message, user=None):
        with self.assertRaises(UserError) as caught:
            message.with_user(user or self.user_employee).action_dialog_print_letter()
        self.assertFalse(message.dialog_letter_printed_on)
        return str(caught.exception)

    def test_an_internal_message_is_never_printed(self):
        message = self.post(self.herr, "<p>Kunde ist schwierig.</p>")
        self.assertIn("internal message", self.refusal(message))
        with self.assertRaises(UserError):
            self.letter_html(message)

    def test_an_emailed_message_of_another_channel_says_how(self):
        message = self.post(
            self.customer_no_portal, "<p>Hallo.</p>", visibility="customer"
        )
        self.assertIn('channel "Letter"', self.refusal(message))

    def test_a_customer_without_an_address(self):
        nobody = self.env["res.partner"].create({"name": "Erika Ohneadresse"})
        message = self.post(nobody, "<p>Hallo.</p>", visibility="customer")
        reason = self.refusal(message)
        self.assertIn("Erika Ohneadresse has no postal address", reason)
        self.assertFalse(message.with_user(self.user_employee).dialog_letter_printable)

    def test_a_name_or_title_with_html_is_printed_as_text(self):
        title = self.env["res.partner.title"].create({"name": "<b>Dr.</b>"})
        evil = self.env["res.partner"].create(
            {
                "name": '<img src=x onerror="alert(1)"> Mallory',
                "title": title.id,
                "street": "<script>alert(2)</script>",
                "zip": "1",
                "city": "Ort",
            }
        )
        message = self.post(evil, "<p>Hallo.</p>", visibility="customer")
        html = self.letter_html(message)
        self.assertNotIn("<script>alert(2)", html)
        self.assertNotIn('<img src=x onerror="alert(1)">', html)
        self.assertIn("&lt;script&gt;alert(2)&lt;/script&gt;", html)

    def test_a_customer_asks_for_a_letter_by_id(self):
        message = self.post(self.herr, "<p>Nur intern.</p>")
        with self.assertRaises(AccessError):
            self.letter_html(message, user=self.user_portal)

    def test_a_message_that_does_not_exist(self):
        with self.assertRaises(UserError):
            self.env["ir.actions.report"].with_user(
                self.user_employee
            )._render_qweb_html(LETTER, [10**9])


@tagged("post_install", "-at_install")
class TestLetterRoutes(HttpCase, LetterCase):
    """The report's own URLs, as an attacker or the browser calls them."""

    def test_the_report_urls_answer_4xx_never_500(self):
        message = self.post(
            self.herr, "<p>Vertrauliche Zahlen.</p>", visibility="customer"
        )
        internal = self.post(self.herr, "<p>Geheime Notiz.</p>")
        self.authenticate("olga.portal", "olga.portal")
        for converter in ("html", "pdf"):
            response = self.url_open(f"/report/{converter}/{LETTER}/{message.id}")
            self.assertIn(response.status_code, (403, 404))
            self.assertNotIn("Vertrauliche", response.text)
        self.authenticate(self.user_employee.login, self.user_employee.login)
        for path, status in (
            (f"/report/html/{LETTER}/{internal.id}", 400),
            (f"/report/html/{LETTER}/{10**9}", 400),
            (f"/report/html/{LETTER}/abc", 400),
        ):
            with self.subTest(path=path):
                response = self.url_open(path)
                self.assertEqual(response.status_code, status)
                self.assertNotIn("Geheime", response.text)
        # the HTML page is the letter to print from the browser
        response = self.url_open(f"/report/html/{LETTER}/{message.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_customer_dialog_letter", response.text)
        self.assertIn("Vertrauliche Zahlen.", response.text)


@tagged("post_install", "-at_install")
class TestLetterPdf(HttpCase, LetterCase):
    """The PDF of Debian's wkhtmltopdf: letterhead, address in the window,
    selectable text (an HttpCase: wkhtmltopdf loads the report's styles
    from the server)."""

    def test_the_pdf_has_the_letterhead_and_selectable_text(self):
        Report = self.env["ir.actions.report"]
        if Report.get_wkhtmltopdf_state() != "ok":
            raise unittest.SkipTest("wkhtmltopdf is not installed: no PDF to read")
        if not shutil.which("pdftotext"):
            raise unittest.SkipTest("pdftotext (poppler-utils) is not installed")
        message = self.post(
            self.herr,
            "<p>Ihr Vertrag ist ab Januar geändert.</p>",
            visibility="customer",
            subject="Ihr Vertrag",
        )
        pdf, kind = (
            Report.with_context(force_report_rendering=True)
            .with_user(self.user_employee)
            ._render_qweb_pdf(LETTER, message.ids)
        )
        self.assertEqual(kind, "pdf")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", file.name, "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            boxes = subprocess.run(
                ["pdftotext", "-bbox", file.name, "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        for expected in (
            "Lindenhof Service GmbH",
            "Herrn Klaus Becker",
            "10115 Berlin",
            "Sehr geehrter Herr Becker,",
            "Ihr Vertrag ist ab Januar geändert.",
            "Mit freundlichen Grüßen",
        ):
            self.assertIn(expected, text)
        # the address sits in the window of a DIN 5008 form B envelope
        top = self.word_top(boxes, "Herrn")
        self.assertTrue(60 * MM < top < 90 * MM, f"address at {top / MM:.1f} mm")
        # the letterhead is printed above it, in the page body
        self.assertLess(self.word_top(boxes, "Lindenhof"), 45 * MM)

    def word_top(self, boxes, word):
        for line in boxes.splitlines():
            if line.strip().startswith("<word") and line.strip().endswith(
                f">{word}</word>"
            ):
                return float(line.split('yMin="', 1)[1].split('"', 1)[0])
        self.fail(f"{word} is not in the PDF")
