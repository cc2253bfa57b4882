"""German correspondence: the right salutation for a woman, a man and a
company, exactly one salutation and one closing in every content email, and
the email as the company's letter (no notification header, no "Powered by",
no "Unfollow")."""

from odoo.tools import formataddr

from .common import DialogCase


class TestSalutation(DialogCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.env["ir.module.module"]._load_module_terms(["customer_dialog"], ["de_DE"])
        Partner = cls.env["res.partner"]
        cls.frau = Partner.create(
            {
                "name": "Petra Schneider",
                "parent_id": cls.customer.id,
                "email": "petra@kundenfirma.example.com",
                "title": cls.env.ref("base.res_partner_title_madam").id,
            }
        )
        cls.herr = Partner.create(
            {
                "name": "Klaus Becker",
                "parent_id": cls.customer.id,
                "email": "klaus@kundenfirma.example.com",
                "title": cls.env.ref("base.res_partner_title_mister").id,
            }
        )

    def salutation(self, partner, lang):
        return partner.with_context(lang=lang)._dialog_salutation()

    def test_each_kind_of_addressee(self):
        cases = [
            (self.frau, "de_DE", "Sehr geehrte Frau Schneider,"),
            (self.herr, "de_DE", "Sehr geehrter Herr Becker,"),
            (self.customer, "de_DE", "Sehr geehrte Damen und Herren,"),
            (self.contact, "de_DE", "Guten Tag Karl Kontakt,"),
            (self.frau, "en_US", "Dear Ms Schneider,"),
            (self.herr, "en_US", "Dear Mr Becker,"),
            (self.customer, "en_US", "Dear Sir or Madam,"),
        ]
        for partner, lang, expected in cases:
            with self.subTest(partner=partner.name, lang=lang):
                self.assertEqual(self.salutation(partner, lang), expected)

    def test_a_title_named_frau_or_herr_is_understood(self):
        frau = self.env["res.partner.title"].create({"name": "Frau"})
        self.contact.title = frau
        self.assertEqual(
            self.salutation(self.contact, "de_DE"), "Sehr geehrte Frau Kontakt,"
        )


class TestOneOpeningOneClosing(DialogCase):
    def content_email(self, body, recipient=None, **kwargs):
        recipient = recipient or self.customer_no_portal
        with self.mock_mail_gateway():
            self.post(recipient, body, visibility="customer", **kwargs)
        (email,) = self.sent_emails_to(recipient.email)
        return email

    def letter(self, email):
        """The email as the customer sees it (without the hidden preview
        line that mail clients show in the inbox list)."""
        return email["body"].split("<table", 1)[1]

    def test_the_email_adds_salutation_and_closing_where_the_text_has_none(self):
        email = self.content_email("<p>Ihr Vertrag ist geändert.</p>")
        body = self.letter(email)
        self.assertEqual(body.count("Dear Sir or Madam,"), 1)
        self.assertEqual(body.count("Kind regards"), 1)

    def test_a_text_with_its_own_salutation_and_closing_gets_none(self):
        email = self.content_email(
            "<p>Sehr geehrte Damen und Herren,</p><p>Ihr Vertrag ist geändert.</p>"
            "<p>Mit freundlichen Grüßen<br/>Erna Employee</p>"
        )
        body = self.letter(email)
        self.assertNotIn("Dear Sir or Madam", body)
        self.assertNotIn("Kind regards", body)
        self.assertEqual(body.count("Sehr geehrte Damen und Herren"), 1)
        self.assertEqual(body.count("Mit freundlichen Grüßen"), 1)

    def test_the_email_is_the_companys_letter(self):
        body = self.content_email("<p>Ihr Vertrag ist geändert.</p>")["body"]
        for text in ("Powered by", "/mail/unfollow", "Your Contact", "Your contact"):
            self.assertNotIn(text, body)
        self.assertIn(self.env.company.name, body)

    def test_a_name_with_html_is_text(self):
        evil = self.env["res.partner"].create(
            {
                "name": "<b>Evil</b> Person",
                "email": "evil@example.com",
            }
        )
        body = self.content_email("<p>Ihr Termin</p>", recipient=evil)["body"]
        self.assertNotIn("<b>Evil</b>", body)
        self.assertIn("&lt;b&gt;Evil&lt;/b&gt;", body)

    def test_the_notice_subject_names_the_company(self):
        with self.mock_mail_gateway():
            self.post(self.customer, "Hallo", visibility="customer")
        (notice,) = self.sent_emails_to(self.customer.email)
        self.assertIn(self.env.company.name, notice["subject"])
        self.assertIn("customer portal", notice["subject"])


class TestTheCompanySpeaks(DialogCase):
    """Delivery emails come from the company in the author's name, answers
    go back to the company's catchall (the gateway files them), and staff
    get a customer's portal reply from the company's address."""

    def deliver(self):
        with self.mock_mail_gateway():
            message = self.post(self.customer_no_portal, "Hallo", visibility="customer")
        return message.sudo().dialog_delivery_message_id

    def test_sender_and_reply_to_with_an_alias_domain(self):
        company = self.env.company
        self.assertTrue(company.alias_domain_id)
        delivery = self.deliver()
        self.assertEqual(
            delivery.email_from,
            formataddr((f"{self.user_employee.name} ({company.name})", company.email)),
        )
        self.assertIn(company.alias_domain_id.catchall_email, delivery.reply_to)
        self.assertNotIn(self.user_employee.email, delivery.reply_to)

    def test_sender_and_reply_to_without_an_alias_domain(self):
        company = self.env.company
        company.alias_domain_id = False
        delivery = self.deliver()
        self.assertIn(f"({company.name})", delivery.email_from)
        self.assertEqual(delivery.reply_to, formataddr((company.name, company.email)))

    def test_staff_get_a_portal_reply_from_the_company(self):
        with self.mock_mail_gateway():
            question = self.post(
                self.customer,
                "Wann passt es Ihnen?",
                visibility="customer",
                contact_id=self.contact.id,
            )
            reply = question.sudo()._dialog_portal_reply(
                self.contact, "<p>Dienstag.</p>", []
            )
        self.assertEqual(
            reply.email_from, formataddr((self.contact.name, self.env.company.email))
        )
        self.assertNotIn("kundenfirma.example.com", reply.email_from)


class TestComposerShowsTheLetter(DialogCase):
    def test_the_composer_shows_salutation_and_closing_before_saving(self):
        composer = (
            self.env["customer_dialog.composer"]
            .with_user(self.user_employee)
            .create(
                {
                    "partner_id": self.customer_no_portal.id,
                    "visibility": "customer",
                    "body": "<p>Ihr Vertrag ist geändert.</p>",
                }
            )
        )
        self.assertIn("Dear Sir or Madam,", composer.letter_preview)
        self.assertIn("Kind regards", composer.letter_preview)
        composer.body = (
            "<p>Sehr geehrte Damen und Herren,</p><p>Text</p>"
            "<p>Viele Grüße<br/>Ernest</p>"
        )
        self.assertIn("your salutation", composer.letter_preview)
        self.assertIn("your closing", composer.letter_preview)
        composer.visibility = "internal"
        self.assertFalse(composer.letter_preview)
