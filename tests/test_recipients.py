"""Further recipients of a customer message (CC, BCC, listed), as the emails
each recipient gets and as the calls of those who should not learn of them:
a blind copy's address in no header and not in the portal, a recipient of
another customer who opens the portal page, bad recipient lists."""

from contextlib import contextmanager
from unittest.mock import patch

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import DialogCase

BCC = "anwalt@kanzlei.example.com"


class RecipientsCase(DialogCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.second = Partner.create(
            {
                "name": "Greta Geschäftsführerin",
                "parent_id": cls.customer.id,
                "email": "greta@kundenfirma.example.com",
            }
        )
        cls.advisor = Partner.create(
            {"name": "Steuerbüro Stein", "email": "stein@steuer.example.com"}
        )
        cls.lawyer = Partner.create({"name": "Kanzlei Recht", "email": BCC})
        cls.listed = Partner.create(
            {
                "name": "Lars Liste",
                "parent_id": cls.customer.id,
                "email": "lars@kundenfirma.example.com",
            }
        )

    @contextmanager
    def envelopes(self):
        """Every email as the SMTP server gets it: its envelope recipients
        and its headers (Odoo's own preparation, the sending mocked)."""
        sent = []

        def send_email(server, message, *args, **kwargs):
            _from, smtp_to, prepared = server._prepare_email_message(message, None)
            sent.append(
                {
                    "envelope": smtp_to,
                    "headers": "\n".join(f"{k}: {v}" for k, v in prepared.items()),
                }
            )
            return message["Message-Id"]

        with (
            self.mock_mail_gateway(),
            patch.object(type(self.env["ir.mail_server"]), "send_email", send_email),
        ):
            yield sent

    def post_with_copies(self, record=None, **kwargs):
        kwargs.setdefault("visibility", "customer")
        kwargs.setdefault("send_content", True)
        kwargs.setdefault(
            "recipients",
            [
                {"partner_id": self.second.id, "role": "cc"},
                {"partner_id": self.advisor.id, "role": "cc"},
                {"partner_id": self.lawyer.id, "role": "bcc"},
                {"partner_id": self.listed.id, "role": "none"},
            ],
        )
        kwargs.setdefault("confirm_outside_recipients", True)
        return self.post(
            record or self.customer,
            "Der neue Vertrag liegt bei.",
            subject="Vertragsänderung",
            contact_id=self.contact.id,
            **kwargs,
        )


@tagged("post_install", "-at_install")
class TestRecipients(RecipientsCase):
    def test_each_recipient_gets_an_email_that_names_no_blind_copy(self):
        with self.envelopes() as sent:
            message = self.post_with_copies()
        envelopes = sorted(email["envelope"] for email in sent)
        self.assertEqual(
            envelopes,
            sorted(
                [
                    ["karl@kundenfirma.example.com"],
                    ["greta@kundenfirma.example.com"],
                    ["stein@steuer.example.com"],
                    [BCC],
                ]
            ),
        )
        for email in sent:
            with self.subTest(envelope=email["envelope"]):
                self.assertIn('To: "Karl Kontakt" <karl@', email["headers"])
                self.assertIn('Cc: "Greta', email["headers"])
                self.assertIn("stein@steuer.example.com", email["headers"])
                # the blind copy: in no header, also not in its own email
                self.assertNotIn(BCC, email["headers"])
                self.assertNotIn("lars@", email["headers"])
        rows = {row.partner_id: row for row in message.dialog_recipient_ids}
        self.assertEqual(rows[self.listed].state, "none")
        self.assertFalse(rows[self.listed].address)
        self.assertEqual(rows[self.lawyer].address, BCC)
        self.assertTrue(rows[self.advisor].outside)
        self.assertFalse(rows[self.second].outside)
        for row in rows.values():
            if row.role != "none":
                self.assertEqual(row.state, "sent", row.partner_id.name)
        self.assertEqual(message.dialog_delivery_state, "sent")

    def test_a_notice_goes_to_every_copy_too(self):
        self.customer.dialog_mail_content = False
        with self.envelopes() as sent:
            message = self.post_with_copies(
                send_content=False,
                recipients=[{"partner_id": self.second.id, "role": "cc"}],
                confirm_outside_recipients=None,
            )
        self.assertEqual(message.dialog_delivery, "notice")
        self.assertEqual(len(sent), 2)
        self.assertNotIn("Der neue Vertrag", str(self._mails))

    def test_one_recipient_bounces_and_is_resent_alone(self):
        with self.mock_mail_gateway():
            message = self.post_with_copies()
        row = message.dialog_recipient_ids.filtered(
            lambda r: r.partner_id == self.advisor
        )
        notification = row._notification()
        notification.sudo().write(
            {"notification_status": "bounce", "failure_type": "mail_bounce"}
        )
        message.invalidate_recordset()
        row.invalidate_recordset()
        self.assertEqual(row.state, "bounced")
        self.assertEqual(message.dialog_delivery_state, "failed")
        self.assertIn("stein@steuer.example.com", message.dialog_delivery_info)
        action = row.with_user(self.user_employee).action_resend()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.user_employee)
            .with_context(**action["context"])
            .create({})
        )
        chosen = wizard.partner_ids.filtered("resend").partner_id
        self.assertEqual(chosen, self.advisor)
        with self.assertRaisesRegex(Exception, "did not arrive"):
            message.dialog_recipient_ids.filtered(
                lambda r: r.partner_id == self.second
            ).action_resend()

    def test_outside_the_customer_only_with_confirmation(self):
        outside = [{"partner_id": self.advisor.id, "role": "cc"}]
        with self.assertRaisesRegex(
            ValidationError, "outside the customer: Steuerbüro Stein"
        ):
            self.post_with_copies(recipients=outside, confirm_outside_recipients=None)
        # a notice leads to a portal they cannot open
        with self.assertRaisesRegex(ValidationError, "cannot open"):
            self.post_with_copies(recipients=outside, send_content=False)
        # listed only: nothing goes out, nothing to confirm
        with self.mock_mail_gateway():
            message = self.post_with_copies(
                recipients=[{"partner_id": self.advisor.id, "role": "none"}],
                confirm_outside_recipients=None,
            )
        self.assertEqual(message.dialog_recipient_ids.state, "none")

    def test_no_to_address_sends_no_copy(self):
        with self.mock_mail_gateway():
            message = self.post(
                self.customer_no_email,
                "Brief folgt",
                visibility="customer",
                recipients=[{"partner_id": self.second.id, "role": "cc"}],
            )
        self.assertEqual(message.dialog_delivery_code, "no_email")
        self.assertFalse(self._mails)
        self.assertEqual(message.dialog_recipient_ids.state, "none")

    def test_recipients_are_final(self):
        with self.mock_mail_gateway():
            message = self.post_with_copies()
        rows = message.dialog_recipient_ids.with_user(self.user_employee)
        self.assertEqual(len(rows.read(["partner_id", "role"])), 4)
        with self.assertRaises(AccessError):
            rows.write({"role": "none"})
        with self.assertRaises(AccessError):
            rows.unlink()
        with self.assertRaises(AccessError):
            self.env["customer_dialog.recipient"].with_user(self.user_employee).create(
                {"message_id": message.id, "partner_id": self.advisor.id, "role": "cc"}
            )
        # a customer reads no row, not even of their own message
        Rows = self.env["customer_dialog.recipient"].with_user(self.user_portal)
        with self.assertRaises(AccessError):
            Rows.search_read([], ["partner_id"])

    def test_the_composer_names_copies_and_asks_for_outside_ones(self):
        Composer = self.env["customer_dialog.composer"].with_user(self.user_employee)
        composer = Composer.create(
            {
                "res_model": "res.partner",
                "res_id": self.customer.id,
                "contact_id": self.contact.id,
                "visibility": "customer",
                "send_content": True,
                "subject": "Angebot",
                "body": "<p>Anbei das Angebot.</p>",
                "cc_partner_ids": [(6, 0, (self.second | self.advisor).ids)],
                "bcc_partner_ids": [(6, 0, self.lawyer.ids)],
            }
        )
        self.assertEqual(composer.outside_names, "Steuerbüro Stein, Kanzlei Recht")
        with (
            self.mock_mail_gateway(),
            self.assertRaisesRegex(ValidationError, "outside the customer"),
        ):
            composer.action_post()
        composer.confirm_outside = True
        with self.mock_mail_gateway():
            composer.action_post()
        message = self.env["mail.message"].search(
            [("dialog_partner_id", "=", self.customer.id), ("subject", "=", "Angebot")]
        )
        self.assertEqual(
            sorted(message.dialog_recipient_ids.mapped("role")), ["bcc", "cc", "cc"]
        )
        # the overview finds it by a further recipient
        found = (
            self.env["mail.message"]
            .with_user(self.user_employee)
            .search([("dialog_recipient_ids.partner_id.name", "ilike", "Steuerbüro")])
        )
        self.assertEqual(found, message)

    def test_the_export_lists_recipients_the_portal_file_no_blind_copy(self):
        with self.mock_mail_gateway():
            self.post_with_copies()
        data = self.customer.with_user(self.user_manager).dialog_export_file()
        self.assertIn(BCC, str(data))
        self.assertIn("Steuerbüro Stein", str(data))
        own = self.contact._dialog_portal_file()
        self.assertIn("Steuerbüro Stein", str(own))
        self.assertNotIn(BCC, str(own))
        self.assertNotIn("Kanzlei Recht", str(own))

    def test_bad_recipient_lists_get_a_clear_error(self):
        many = [
            {"partner_id": self.advisor.id + n, "role": "none"} for n in range(1000)
        ]
        cases = {
            "Unknown recipient": [{"partner_id": 99999999, "role": "cc"}],
            "named twice": [
                {"partner_id": self.second.id, "role": "cc"},
                {"partner_id": self.second.id, "role": "bcc"},
            ],
            "named twice among": [{"partner_id": self.contact.id, "role": "cc"}],
            "not a valid value for role": [
                {"partner_id": self.second.id, "role": "to"}
            ],
            "At most 50": many,
            "Recipients are a list": [{"partner_id": self.second.id}],
            "Recipients are a list ": "cc",
            "given by its id": [{"partner_id": "Greta", "role": "cc"}],
            "is an employee": [
                {"partner_id": self.user_employee.partner_id.id, "role": "cc"}
            ],
            "no valid email address": [
                {"partner_id": self.customer_no_email.id, "role": "cc"}
            ],
        }
        for expected, recipients in cases.items():
            with (
                self.subTest(expected),
                self.assertRaisesRegex(ValidationError, expected.strip()),
            ):
                self.post_with_copies(recipients=recipients)
        with self.assertRaisesRegex(ValidationError, "Only a message for the customer"):
            self.post_with_copies(visibility="internal")


@tagged("post_install", "-at_install")
class TestRecipientsInThePortal(HttpCase, RecipientsCase):
    def test_the_customer_sees_to_and_cc_never_bcc(self):
        with self.mock_mail_gateway():
            message = self.post_with_copies()
        self.authenticate("karl.portal", "karl.portal")
        page = self.url_open(f"/my/messages/{message.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Steuerbüro Stein", page.text)
        self.assertIn("Greta Geschäftsführerin", page.text)
        self.assertNotIn("Kanzlei Recht", page.text)
        self.assertNotIn(BCC, page.text)
        self.assertNotIn("Lars Liste", page.text)

    def test_a_copy_of_another_customer_opens_no_portal_page(self):
        with self.mock_mail_gateway():
            message = self.post_with_copies(
                recipients=[{"partner_id": self.other_contact.id, "role": "cc"}]
            )
        self.assertTrue(message.dialog_recipient_ids.outside)
        self.authenticate("olga.portal", "olga.portal")
        page = self.url_open(f"/my/messages/{message.id}")
        self.assertEqual(page.status_code, 404)
        self.assertNotIn("Der neue Vertrag", self.url_open("/my/messages").text)
        Message = self.env["mail.message"].with_user(self.user_portal_other)
        self.assertFalse(Message.search([("id", "=", message.id)]))
        self.assertFalse(
            Message.search([("id", "=", message.sudo().dialog_delivery_message_id.id)])
        )
