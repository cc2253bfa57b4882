from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import DialogCase, needs_sale


@tagged("post_install", "-at_install", "is_tour")
class TestComposerTour(HttpCase, DialogCase):
    def test_log_customer_message_from_customer_form(self):
        customer = self.customer_no_portal
        with self.mock_mail_gateway():
            self.start_tour(
                f"/odoo/action-base.action_partner_form/{customer.id}",
                "customer_dialog_composer_tour",
                login="dialog_manager",
            )
        message = self.env["mail.message"].search(
            [
                ("dialog_partner_id", "=", customer.id),
                ("subject", "=", "Vertrag aus der Tour"),
            ]
        )
        self.assertEqual(message.dialog_visibility, "customer")
        self.assertEqual(message.dialog_delivery, "content")
        self.assertEqual(message.author_id, self.user_manager.partner_id)
        self.assertIn("Hallo aus der Tour", message.body)


@tagged("post_install", "-at_install", "is_tour")
class TestRecipientsAndReadersTour(HttpCase, DialogCase):
    def test_copy_to_the_tax_advisor_and_a_note_for_one_reader(self):
        customer = self.customer_no_portal
        advisor = self.env["res.partner"].create(
            {"name": "Steuerbüro Stein", "email": "stein@steuer.example.com"}
        )
        reader = self._employee("rudi", "Rudi Leser")
        with self.mock_mail_gateway():
            self.start_tour(
                f"/odoo/action-base.action_partner_form/{customer.id}",
                "customer_dialog_recipients_tour",
                login="dialog_manager",
            )
        Message = self.env["mail.message"]
        sent = Message.search([("subject", "=", "Jahresabschluss mit Kopie")])
        self.assertEqual(sent.dialog_recipient_ids.partner_id, advisor)
        self.assertTrue(sent.dialog_recipient_ids.outside)
        delivery = sent.sudo().dialog_delivery_message_id
        self.assertIn(advisor, delivery.notification_ids.res_partner_id)
        note = Message.search([("subject", "=", "Vertrauliche Notiz")])
        self.assertEqual(note.dialog_reader_user_ids, reader)
        self.assertEqual(note.dialog_visibility, "internal")


@tagged("post_install", "-at_install", "is_tour")
class TestBoardTour(HttpCase, DialogCase):
    def test_discuss_a_message_in_the_board(self):
        with self.mock_mail_gateway():
            message = self.post(
                self.customer,
                "Lieferverzug seit drei Wochen, Kunde verärgert.",
                subject="Lieferverzug",
                user=self.user_manager,
            )
        self.start_tour(
            f"/odoo/action-customer_dialog.mail_message_dialog_action/{message.id}",
            "customer_dialog_board_tour",
            login="dialog_manager",
        )
        thread = message.sudo().dialog_board_thread_ids
        self.assertIn(
            "Ich rufe den Kunden heute noch an.",
            str(thread._dialog_posts().mapped("body")),
        )
        self.assertEqual(message.dialog_board_post_count, 2)
        self.start_tour(
            f"/odoo/res.partner/{self.customer.id}",
            "customer_dialog_board_badge_tour",
            login="dialog_manager",
        )


@tagged("post_install", "-at_install", "is_tour")
class TestPortalTour(HttpCase, DialogCase):
    def test_portal_user_reads_and_replies(self):
        with self.mock_mail_gateway():
            message = self.post(
                self.customer,
                "Ihr neuer Vertrag liegt bei.",
                visibility="customer",
                subject="Willkommen im Portal",
                contact_id=self.contact.id,
            )
        self.start_tour("/my", "customer_dialog_portal_tour", login="karl.portal")
        Message = self.env["mail.message"]
        reply = Message.search([("dialog_reply_to_id", "=", message.id)])
        self.assertIn("ich melde mich morgen", reply.body)
        self.assertEqual(reply.author_id, self.contact)
        self.assertEqual(reply.dialog_channel, "portal")
        self.assertEqual(reply.attachment_ids.mapped("name"), ["zaehler.txt"])


@tagged("post_install", "-at_install", "is_tour")
@needs_sale
class TestPortalChatterTour(HttpCase, DialogCase):
    def test_customer_reads_and_writes_in_the_orders_chatter(self):
        self.order.user_id = self.user_employee
        with self.mock_mail_gateway():
            self.post(
                self.order,
                "Die Lieferung kommt am Montag.",
                visibility="customer",
                subject="Liefertermin",
            )
        self.start_tour(
            f"/my/orders/{self.order.id}",
            "customer_dialog_portal_chatter_tour",
            login="karl.portal",
        )
        post = self.env["mail.message"].search(
            [("body", "ilike", "erst am Dienstag"), ("model", "=", "sale.order")]
        )
        self.assertEqual(post.dialog_direction, "incoming")
        self.assertEqual(post.dialog_partner_id, self.customer)
        self.assertEqual(post.dialog_activity_id.user_id, self.user_employee)


@tagged("post_install", "-at_install", "is_tour")
class TestExportTour(HttpCase, DialogCase):
    def test_manager_exports_customer_file(self):
        self.post(self.customer, "Vertrag für die Tour", subject="Tourvertrag")
        # the web client shows the report as HTML when it cannot make a PDF;
        # so the tour sees the document whether wkhtmltopdf is installed or not
        Report = type(self.env["ir.actions.report"])
        with patch.object(Report, "get_wkhtmltopdf_state", return_value="install"):
            self.start_tour(
                f"/odoo/action-base.action_partner_form/{self.customer.id}",
                "customer_dialog_export_tour",
                login="dialog_manager",
            )


@tagged("post_install", "-at_install", "is_tour")
class TestLetterTour(HttpCase, DialogCase):
    def test_clerk_prints_a_letter_without_wkhtmltopdf(self):
        self.customer_no_email.write(
            {"street": "Am Markt 1", "zip": "50667", "city": "Köln"}
        )
        message = self.post(
            self.customer_no_email,
            "<p>Ihr Zählerstand ist eingegangen.</p>",
            visibility="customer",
            user=self.user_manager,
        )
        Report = type(self.env["ir.actions.report"])
        with patch.object(Report, "get_wkhtmltopdf_state", return_value="install"):
            self.start_tour(
                f"/odoo/action-customer_dialog.mail_message_dialog_action/{message.id}",
                "customer_dialog_letter_tour",
                login="dialog_manager",
            )
        self.assertEqual(message.dialog_letter_printed_by, self.user_manager)
        self.assertEqual(message.dialog_delivery_code, "no_email")


@tagged("post_install", "-at_install", "is_tour")
class TestDeskTours(HttpCase, DialogCase):
    def setUp(self):
        super().setUp()
        with self.mock_mail_gateway():
            self.call = self.post(
                self.customer,
                "Kunde bittet um Rückruf.",
                subject="Rückruf Tour",
                channel="phone",
                direction="incoming",
                follow_up_date=fields.Date.today(),
                user=self.user_manager,
            )
        self.customer.message_post(body="Einfache Notiz", subtype_xmlid="mail.mt_note")

    def message_url(self, message):
        return f"/odoo/action-customer_dialog.mail_message_dialog_action/{message.id}"

    def test_chatter_badges(self):
        with self.mock_mail_gateway():
            sent = self.post(
                self.customer,
                "Ihr Angebot",
                subject="Angebot Tour",
                visibility="customer",
                send_content=True,
                user=self.user_manager,
            )
        sent.sudo().dialog_delivery_message_id.notification_ids.notification_status = (
            "sent"
        )
        self.start_tour(
            f"/odoo/action-base.action_partner_form/{self.customer.id}",
            "customer_dialog_chatter_badges_tour",
            login="dialog_manager",
        )

    def test_editing_a_follow_up_moves_its_to_do(self):
        activity = self.call.dialog_activity_id
        self.start_tour(
            self.message_url(self.call),
            "customer_dialog_follow_up_tour",
            login="dialog_manager",
        )
        self.assertEqual(
            activity.date_deadline, fields.Date.today() + timedelta(days=30)
        )
        self.assertEqual(self.call.dialog_activity_id, activity)

    def test_release_for_the_customer(self):
        with self.mock_mail_gateway():
            self.start_tour(
                self.message_url(self.call),
                "customer_dialog_release_tour",
                login="dialog_manager",
            )
        self.assertEqual(self.call.dialog_visibility, "customer")
        self.assertEqual(self.call.dialog_delivery, "notice")

    @needs_sale
    def test_block_warning_on_a_quotation(self):
        self.customer.sudo().write(
            {
                "dialog_blocked": True,
                "dialog_blocked_date": fields.Date.today(),
                "dialog_block_reason": "Zahlungsrückstand",
            }
        )
        self.start_tour(
            f"/odoo/action-sale.action_quotations/{self.order.id}",
            "customer_dialog_quotation_block_tour",
            login=self.user_employee.login,
        )

    def test_a_search_without_hits_says_so(self):
        self.start_tour(
            "/odoo/action-customer_dialog.mail_message_dialog_action",
            "customer_dialog_no_result_tour",
            login="dialog_manager",
        )
