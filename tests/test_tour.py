from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from .common import DialogCase


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
