"""A clerk's day at the desk: follow-ups that follow their message, the
release of an internal message for the customer, what a colleague may
change, the overview's group-bys and a failure said as a sentence."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import DialogCase, needs_sale


class TestFollowUps(DialogCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_colleague = cls._employee(
            "colleague", "Clara Kollegin", "clara@test.example.com"
        )
        cls.today = fields.Date.today()

    def follow_up(self, subject="Rückruf wegen Vertrag", **kwargs):
        with self.mock_mail_gateway():
            return self.post(
                self.customer,
                "Kunde bittet um Rückruf.",
                subject=subject,
                follow_up_date=kwargs.pop("follow_up_date", self.today),
                **kwargs,
            )

    def test_the_to_do_names_the_subject_never_the_text(self):
        message = self.follow_up()
        summary = message.dialog_activity_id.summary
        self.assertIn("Rückruf wegen Vertrag", summary)
        self.assertIn(self.customer.name, summary)
        self.assertNotIn("bittet", summary)
        # without a subject: its channel and day
        other = self.follow_up(subject=None, channel="phone")
        self.assertIn("Phone call", other.dialog_activity_id.summary)

    def test_a_new_date_or_responsible_moves_the_to_do(self):
        message = self.follow_up().with_user(self.user_employee)
        activity = message.dialog_activity_id
        later = self.today + timedelta(days=7)
        message.write({"dialog_follow_up_date": later})
        self.assertEqual(activity.date_deadline, later)
        message.write({"dialog_user_id": self.user_colleague.id})
        self.assertEqual(activity.user_id, self.user_colleague)
        message.write({"subject": "Rückruf wegen Kündigung"})
        self.assertIn("Kündigung", activity.summary)
        self.assertEqual(message.dialog_activity_id, activity)

    def test_clearing_the_date_removes_the_to_do_setting_it_creates_one(self):
        message = self.follow_up().with_user(self.user_employee)
        activity = message.dialog_activity_id
        message.write({"dialog_follow_up_date": False})
        self.assertFalse(activity.exists())
        self.assertFalse(message.dialog_activity_id)
        message.write({"dialog_follow_up_date": self.today + timedelta(days=2)})
        self.assertTrue(message.dialog_activity_id)
        self.assertEqual(message.dialog_activity_id.dialog_message_id, message)

    def test_bad_follow_ups_are_refused_with_the_reason(self):
        message = self.follow_up().with_user(self.user_employee)
        with self.assertRaisesRegex(ValidationError, "has passed"):
            message.write({"dialog_follow_up_date": self.today - timedelta(days=1)})
        with self.assertRaisesRegex(ValidationError, "out of range"):
            message.write({"dialog_follow_up_date": "1800-01-01"})
        blind = self._employee("blind", "Bernd Blind")
        with (
            patch.object(
                type(self.customer), "has_access", lambda record, operation: False
            ),
            self.assertRaisesRegex(ValidationError, "may not open"),
        ):
            message.write({"dialog_user_id": blind.id})
        self.assertEqual(message.dialog_activity_id.date_deadline, self.today)

    def test_a_composer_refuses_a_past_follow_up(self):
        composer = (
            self.env["customer_dialog.composer"]
            .with_user(self.user_employee)
            .create(
                {
                    "partner_id": self.customer.id,
                    "body": "<p>Anruf</p>",
                    "follow_up_date": self.today - timedelta(days=3),
                }
            )
        )
        with self.assertRaisesRegex(ValidationError, "has passed"):
            composer.action_post()

    def test_answering_a_reply_closes_its_to_do(self):
        with self.mock_mail_gateway():
            question = self.post(
                self.customer,
                "Wann passt Ihnen der Termin?",
                visibility="customer",
                contact_id=self.contact.id,
                subject="Termin",
            )
            reply = question.sudo()._dialog_portal_reply(
                self.contact, "<p>Dienstag vormittags.</p>", []
            )
        activity = reply.dialog_activity_id
        self.assertTrue(activity)
        with self.mock_mail_gateway():
            self.post(
                self.customer,
                "Dienstag 10 Uhr ist eingetragen.",
                visibility="customer",
                reply_to_id=reply.id,
            )
        self.assertFalse(activity.exists())
        log = self.env["mail.message"].search([("dialog_log_for_id", "=", reply.id)])
        self.assertTrue(log, "the to-do is done, not deleted")


class TestRelease(DialogCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_colleague = cls._employee(
            "colleague", "Clara Kollegin", "clara@test.example.com"
        )

    def wizard(self, message, user=None):
        action = message.with_user(user or self.user_employee).action_dialog_release()
        return (
            self.env[action["res_model"]]
            .with_user(user or self.user_employee)
            .with_context(**action["context"])
            .create({})
        )

    def test_release_shows_the_decision_then_delivers(self):
        with self.mock_mail_gateway():
            note = self.post(self.customer, "Angebot folgt.", subject="Angebot")
        wizard = self.wizard(note)
        self.assertFalse(wizard.refused)
        self.assertIn("Notice without content", wizard.delivery_preview)
        with self.mock_mail_gateway():
            wizard.action_release()
        self.assertEqual(note.dialog_visibility, "customer")
        self.assertTrue(note.dialog_published)
        self.assertEqual(note.dialog_delivery, "notice")
        self.assertEqual(len(self._mails), 1)

    def test_release_with_content_when_chosen(self):
        with self.mock_mail_gateway():
            note = self.post(self.customer, "Angebot folgt.", subject="Angebot")
        wizard = self.wizard(note)
        self.assertTrue(wizard.show_send_content)
        wizard.send_content = True
        self.assertIn("Full content", wizard.delivery_preview)
        with self.mock_mail_gateway():
            wizard.action_release()
        self.assertEqual(note.dialog_delivery, "content")

    def test_release_without_an_address_is_refused_with_the_reason(self):
        with self.mock_mail_gateway():
            note = self.post(self.customer_no_email, "Notiz", subject="Notiz")
        wizard = self.wizard(note)
        self.assertTrue(wizard.refused)
        self.assertIn("no valid email address", wizard.delivery_preview)
        with self.assertRaisesRegex(UserError, "stays internal"):
            wizard.action_release()
        self.assertEqual(note.dialog_visibility, "internal")

    def test_only_author_or_manager_releases(self):
        with self.mock_mail_gateway():
            note = self.post(self.customer, "Notiz", subject="Notiz")
        wizard = self.wizard(note, self.user_colleague)
        with self.assertRaises(AccessError), self.mock_mail_gateway():
            wizard.action_release()
        self.assertEqual(note.dialog_visibility, "internal")
        with self.mock_mail_gateway():
            self.wizard(note, self.user_manager).action_release()
        self.assertEqual(note.dialog_visibility, "customer")

    def test_a_customer_message_is_not_released_again(self):
        with self.mock_mail_gateway():
            sent = self.post(self.customer, "Hallo", visibility="customer")
        with self.assertRaisesRegex(UserError, "Only an internal message"):
            sent.with_user(self.user_employee).action_dialog_release()


class TestDeskPresentation(DialogCase):
    def test_title_is_the_subject(self):
        with self.mock_mail_gateway():
            message = self.post(self.customer, "Text", subject="Mahnung besprochen")
        self.assertEqual(message.display_name, "Mahnung besprochen")

    def test_what_a_colleague_may_change_is_read_only_for_them(self):
        colleague = self._employee("colleague", "Clara Kollegin")
        with self.mock_mail_gateway():
            message = self.post(self.customer, "Text")
        self.assertTrue(message.with_user(self.user_employee).dialog_can_edit)
        self.assertFalse(message.with_user(colleague).dialog_can_edit)
        self.assertTrue(message.with_user(self.user_manager).dialog_can_edit)

    def test_overview_groups_by_the_dialogs_own_fields(self):
        Message = self.env["mail.message"].with_user(self.user_employee)
        plain = Message.fields_get(attributes=["groupable"])
        overview = Message.with_context(customer_dialog_overview=1).fields_get(
            attributes=["groupable"]
        )
        self.assertTrue(plain["mail_server_id"]["groupable"])
        self.assertFalse(overview["mail_server_id"]["groupable"])
        self.assertFalse(overview["email_layout_xmlid"]["groupable"])
        self.assertTrue(overview["dialog_topic_id"]["groupable"])
        self.assertTrue(overview["dialog_partner_id"]["groupable"])

    def test_a_failure_is_said_as_a_sentence(self):
        with self.mock_mail_gateway():
            message = self.post(
                self.customer_no_portal, "Vertrag", visibility="customer"
            )
        notification = message.sudo().dialog_delivery_message_id.notification_ids
        notification.write(
            {
                "notification_status": "exception",
                "failure_type": "unknown",
                "failure_reason": "550 5.1.1 <x@example.com>: Recipient rejected",
            }
        )
        message.invalidate_recordset()
        self.assertEqual(message.dialog_delivery_state, "failed")
        self.assertIn("Not delivered to", message.dialog_delivery_info)
        self.assertIn("refused the address", message.dialog_delivery_info)
        self.assertNotIn("emailed", message.dialog_delivery_info)
        self.assertIn("refused the address", notification.format_failure_reason())


class TestReleaseOfAForeignMessage(DialogCase):
    @needs_sale
    def test_a_message_the_user_may_not_read_has_no_release_dialog(self):
        """An employee without sales rights asks for the release dialog of an
        order's message by id: its subject is not theirs to read."""
        plain = self._employee("plain", "Paula Plain")
        with self.mock_mail_gateway():
            note = self.post(self.order, "Vertraulich", subject="Geheim")
        self.assertFalse(note.with_user(plain).has_access("read"))
        with self.assertRaises(AccessError):
            self.env["customer_dialog.release.wizard"].with_user(plain).create(
                {"message_id": note.id}
            )
