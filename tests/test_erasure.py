from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import DialogCase, needs_sale

SECRET = "Kunde hat Diagnose Rückenleiden genannt"
SUBJECT = "Gesundheitsangaben Schneider"
FILE_TEXT = b"%PDF-1.4 Befund"


@needs_sale
class ErasureCase(DialogCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # an erasure covers what the manager may read (the orders too)
        cls.user_manager.groups_id += cls.env.ref(
            "sales_team.group_sale_salesman_all_leads"
        )

    def setUp(self):
        super().setUp()
        self.attachment = self.upload("befund.pdf", FILE_TEXT)
        with self.mock_mail_gateway():
            # delivered with its content to the customer: locked for users
            self.delivered = self.post(
                self.order,
                SECRET,
                subject=SUBJECT,
                visibility="customer",
                send_content=True,
                contact_id=self.contact.id,
                attachment_ids=self.attachment.ids,
                topic_id=self.topic_contract.id,
                channel="letter",
                follow_up_date=fields.Date.today(),
            )
            self.internal = self.post(
                self.customer,
                f"Intern: {SECRET}",
                subject=f"Notiz {SUBJECT}",
                channel="phone",
                direction="incoming",
            )
            self.foreign = self.post(
                self.other_customer,
                f"Fremdfirma: {SECRET}",
                subject=f"Fremd {SUBJECT}",
            )
        self.copy = self.delivered.dialog_delivery_message_id
        self.activity = self.delivered.dialog_activity_id

    def erase(self, user=None, customer=None):
        return (
            (customer or self.customer)
            .with_user(user or self.user_manager)
            ._dialog_erase_file()
        )

    def search_text(self, text):
        Message = self.env["mail.message"].sudo()
        return (
            Message.search(["|", ("body", "ilike", text), ("subject", "ilike", text)])
            - self.foreign
        )


class TestErasure(ErasureCase):
    def test_texts_and_files_are_gone_metadata_stays(self):
        self.assertTrue(self.copy and self.activity)
        self.assertIn("Rückenleiden", self.copy.body, "the content email")
        before = {
            fname: self.delivered[fname]
            for fname in (
                "date",
                "dialog_channel",
                "dialog_direction",
                "dialog_topic_id",
                "dialog_visibility",
                "dialog_delivery",
                "dialog_delivery_code",
                "dialog_delivery_state",
                "dialog_partner_id",
                "model",
                "res_id",
            )
        }

        counts = self.erase()

        self.assertEqual(
            counts,
            {
                "messages": 2,
                "attachments": 1,
                "deliveries": 1,
                "activities": 1,
                "left_out": 0,
            },
        )
        for message in (self.delivered, self.internal, self.copy):
            self.assertNotIn("Rückenleiden", message.body)
            self.assertFalse(message.subject)
            self.assertFalse(message.attachment_ids)
        self.assertIn("Content erased", self.delivered.body)
        self.assertFalse(self.attachment.exists())
        self.assertFalse(self.activity.note)
        self.assertFalse(self.activity.summary)
        for fname, value in before.items():
            self.assertEqual(self.delivered[fname], value, fname)
        self.assertEqual(self.internal.dialog_channel, "phone")
        # another customer's file is untouched
        self.assertIn("Rückenleiden", self.foreign.body)

    def test_nothing_findable_afterwards(self):
        self.erase()
        self.assertFalse(self.search_text("Rückenleiden"))
        self.assertFalse(self.search_text(SUBJECT))
        Attachment = self.env["ir.attachment"].sudo()
        self.assertFalse(Attachment.search([("name", "=", "befund.pdf")]))
        self.assertFalse(
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", self.copy.ids),
                    ("body_html", "ilike", "Rückenleiden"),
                ]
            )
        )
        data = self.customer.with_user(self.user_manager).dialog_export_file()
        messages = [m for group in data["references"] for m in group["messages"]]
        self.assertEqual(len(messages), 2, "the messages stay, as metadata")
        self.assertNotIn("Rückenleiden", str(data))
        self.assertNotIn(SUBJECT, str(data))

    def test_queued_email_never_leaves(self):
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "mail_message_id": self.copy.id,
                    "body_html": f"<p>{SECRET}</p>",
                    "email_to": self.contact.email,
                    "is_notification": True,
                    "state": "outgoing",
                }
            )
        )
        notification = (
            self.env["mail.notification"]
            .sudo()
            .search([("mail_message_id", "=", self.copy.id)])
        )
        notification.write({"mail_mail_id": mail.id, "notification_status": "ready"})
        self.assertEqual(self.delivered.dialog_delivery_state, "pending")
        self.erase()
        self.assertEqual(mail.state, "cancel")
        self.assertFalse(mail.body_html)
        self.assertEqual(notification.notification_status, "canceled")
        self.assertTrue(self.copy.exists(), "the delivery record stays")
        self.delivered.invalidate_recordset()
        self.assertEqual(self.delivered.dialog_delivery_state, "failed")

    def test_done_follow_up_and_old_change_logs_cleared(self):
        self.activity.action_feedback(feedback="erledigt")
        old_log = self.order.sudo()._message_log(
            body=f"<p>Dialog message “{SUBJECT}” changed.</p>",
            tracking_value_ids=[
                (
                    0,
                    0,
                    {
                        "field_id": self.env["ir.model.fields"]
                        ._get("mail.message", "dialog_published")
                        .id,
                        "old_value_integer": 1,
                        "new_value_integer": 0,
                    },
                )
            ],
        )
        self.erase()
        self.assertNotIn(SUBJECT, old_log.body)
        self.assertFalse(self.search_text(SUBJECT))

    def test_logged_without_content(self):
        self.erase()
        note = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.customer.id),
                ("body", "ilike", "Customer file erased"),
            ]
        )
        self.assertEqual(len(note), 1)
        self.assertFalse(note.dialog_visibility)
        self.assertIn("Manfred Manager", note.body)
        self.assertIn("2", note.body)
        self.assertNotIn("Rückenleiden", note.body)

    def test_refused_under_legal_hold(self):
        self.customer.sudo().dialog_legal_hold = True
        with self.assertRaisesRegex(UserError, "legal hold"):
            self.erase()
        with self.assertRaisesRegex(UserError, "legal hold"):
            self.contact.with_user(self.user_manager).action_dialog_erase_file()
        self.assertIn("Rückenleiden", self.delivered.body)
        self.assertEqual(self.delivered.subject, SUBJECT)
        self.assertTrue(self.attachment.exists())
        self.assertTrue(self.copy.subject)
        self.assertTrue(self.activity.note)

    def test_managers_only(self):
        with self.assertRaises(AccessError):
            self.erase(user=self.user_employee)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_employee).action_dialog_erase_file()
        self.assertIn("Rückenleiden", self.delivered.body)

    def test_confirmation_names_the_counts(self):
        action = self.contact.with_user(self.user_manager).action_dialog_erase_file()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.user_manager)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(wizard.partner_id, self.customer)
        self.assertEqual(
            (
                wizard.message_count,
                wizard.delivery_count,
                wizard.attachment_count,
                wizard.activity_count,
            ),
            (2, 1, 1, 1),
        )
        self.assertIn("Rückenleiden", self.delivered.body, "nothing before confirming")
        action = wizard.action_confirm()
        self.assertNotIn("Rückenleiden", self.delivered.body)
        # the form and its chatter are shown again, without the old texts
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload")


@tagged("post_install", "-at_install")
class TestErasurePortal(HttpCase, ErasureCase):
    def test_portal_shows_nothing_of_the_erased_text(self):
        self.authenticate("karl.portal", "karl.portal")
        self.assertIn(SUBJECT, self.url_open("/my/messages").text)
        self.erase()
        for url in (
            "/my/messages",
            f"/my/messages/{self.delivered.id}",
            "/my/messages/export",
        ):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertNotIn("Rückenleiden", response.text, url)
            self.assertNotIn(SUBJECT, response.text, url)
        found = self.url_open("/my/messages?search=Rückenleiden").text
        self.assertNotIn("o_customer_dialog_portal_row", found)
