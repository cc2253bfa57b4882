from datetime import datetime, time, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import convert_file

from .common import DialogCase

RETENTION_NOTE = "Retention period over"


class TestRetention(DialogCase):
    """The daily retention job: per topic, by interaction date, in batches."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Topic = cls.env["customer_dialog.topic"]
        cls.topic_archive = Topic.create(
            {"name": "Alte Korrespondenz", "retention_days": 30}
        )
        cls.topic_delete = Topic.create(
            {
                "name": "Kamerakontrolle Test",
                "retention_days": 30,
                "retention_action": "delete",
            }
        )
        cls.today = fields.Date.today()
        # the first moment of the day that is exactly 30 days ago is due at
        # its last moment too; the next day is not due yet
        cls.due = datetime.combine(cls.today - timedelta(days=30), time(23, 59, 59))
        cls.not_due = datetime.combine(cls.today - timedelta(days=29), time.min)
        cls.long_ago = datetime.combine(cls.today - timedelta(days=400), time(9))

    def run_retention(self, **kwargs):
        return self.env["customer_dialog.topic"]._cron_apply_retention(
            today=self.today, **kwargs
        )

    def post_on(self, record, topic, date, subject="Alt", **kwargs):
        with self.mock_mail_gateway():
            return self.post(
                record,
                f"Text von {subject}",
                subject=subject,
                topic_id=topic.id if topic else None,
                date=fields.Datetime.to_string(date),
                **kwargs,
            )

    def retention_notes(self, customer):
        return self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", customer.id),
                ("body", "ilike", RETENTION_NOTE),
            ]
        )

    def test_shipped_topics_have_retention(self):
        # as a new installation loads them (an update keeps what was set)
        convert_file(
            self.env,
            "customer_dialog",
            "data/customer_dialog_topic_data.xml",
            {},
            mode="init",
        )
        camera = self.env.ref("customer_dialog.topic_camera_check")
        contract = self.env.ref("customer_dialog.topic_contract_change")
        self.assertEqual(camera.retention_action, "delete")
        self.assertLessEqual(camera.retention_days, 31)
        self.assertGreaterEqual(contract.retention_days, 365 * 6)

    def test_negative_period_refused(self):
        with self.assertRaises(ValidationError):
            self.topic_archive.retention_days = -1

    def test_period_beyond_a_century_refused(self):
        with self.assertRaises(ValidationError):
            self.topic_archive.retention_days = 36501
        self.topic_archive.retention_days = 36500
        self.assertEqual(self.run_retention(), 0)

    def test_a_period_saved_before_the_limit_stops_nothing(self):
        """A database where the limit could not be added as a constraint
        (rows already beyond it): the job skips that topic, no date overflow."""
        due = self.post_on(self.customer, self.topic_archive, self.due, "Fällig")
        self.env.cr.execute(
            "ALTER TABLE customer_dialog_topic DROP CONSTRAINT "
            "customer_dialog_topic_retention_days_at_most_a_century"
        )
        self.env.cr.execute(
            "UPDATE customer_dialog_topic SET retention_days = 1000000 WHERE id = %s",
            [self.topic_delete.id],
        )
        self.env.invalidate_all()
        self.assertEqual(self.run_retention(), 0)
        self.assertTrue(due.dialog_archived)

    def test_archive_on_the_boundary_day(self):
        due = self.post_on(self.customer, self.topic_archive, self.due, "Fällig")
        young = self.post_on(self.customer, self.topic_archive, self.not_due, "Jung")
        no_topic = self.post_on(self.customer, None, self.long_ago, "Ohne Thema")
        kept = self.post_on(self.customer, self.topic_general, self.long_ago, "Gen")
        self.topic_general.retention_days = 0

        self.assertEqual(self.run_retention(), 0)

        self.assertTrue(due.dialog_archived)
        self.assertFalse(young.dialog_archived)
        self.assertFalse(no_topic.dialog_archived, "messages without topic stay")
        self.assertFalse(kept.dialog_archived, "0 days keeps the messages")
        note = self.retention_notes(self.customer)
        self.assertEqual(len(note), 1)
        self.assertFalse(note.dialog_visibility, "the note is no dialog message")
        self.assertIn("1 dialog messages archived, 0 deleted", note.body)
        self.assertNotIn("Fällig", note.body, "counts only, no content")

    def test_delete_on_the_boundary_day(self):
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.user_employee)
            .create(
                {
                    "name": "aufnahme.pdf",
                    "raw": b"%PDF-1.4 Aufnahme",
                    "res_model": "customer_dialog.composer",
                    "res_id": 0,
                }
            )
        )
        due = self.post_on(
            self.customer_no_portal,
            self.topic_delete,
            self.due,
            "Kamera",
            visibility="customer",
            attachment_ids=attachment.ids,
            follow_up_date=fields.Date.to_string(self.due),
        )
        follow_up = due.dialog_activity_id
        self.assertTrue(follow_up)
        self.assertEqual(due.dialog_delivery, "content")
        copy = due.dialog_delivery_message_id
        self.assertTrue(copy)
        young = self.post_on(
            self.customer_no_portal, self.topic_delete, self.not_due, "Jung"
        )
        # outside the dialog: a plain chatter note and a file of the customer
        plain = self.customer_no_portal.message_post(
            body="Gewöhnliche Notiz", message_type="comment"
        )
        plain.sudo().date = self.long_ago
        own_file = self.env["ir.attachment"].create(
            {
                "name": "stammdaten.pdf",
                "raw": b"%PDF-1.4",
                "res_model": "res.partner",
                "res_id": self.customer_no_portal.id,
            }
        )

        self.run_retention()

        self.assertFalse(due.exists())
        self.assertFalse(copy.exists(), "the delivery email goes with it")
        self.assertFalse(attachment.exists(), "and the message's own file")
        self.assertFalse(follow_up.exists(), "and its open follow-up")
        self.assertTrue(young.exists())
        self.assertTrue(plain.exists(), "nothing outside dialog messages")
        self.assertTrue(own_file.exists())
        note = self.retention_notes(self.customer_no_portal)
        self.assertIn("0 dialog messages archived, 1 deleted", note.body)
        self.assertNotIn("Kamera", note.body)

    def test_legal_hold_stops_deletion_not_archiving(self):
        self.customer.sudo().dialog_legal_hold = True
        held = self.post_on(self.contact, self.topic_delete, self.long_ago, "Beweis")
        archived = self.post_on(self.customer, self.topic_archive, self.long_ago)
        other = self.post_on(self.other_customer, self.topic_delete, self.long_ago)

        self.assertEqual(self.run_retention(), 0)

        self.assertTrue(held.exists(), "legal hold stops every deletion")
        self.assertFalse(held.dialog_archived)
        self.assertTrue(archived.dialog_archived, "archiving deletes nothing")
        self.assertFalse(other.exists(), "other customers are not held")
        self.customer.sudo().dialog_legal_hold = False
        self.run_retention()
        self.assertFalse(held.exists(), "once lifted, the period applies")

    def test_legal_hold_stops_deleting_by_hand(self):
        with self.mock_mail_gateway():
            delivered = self.post(self.customer, "Ihr Vertrag", visibility="customer")
            note = self.post(self.customer, "Interne Notiz")
        copy = delivered.dialog_delivery_message_id
        self.customer.sudo().dialog_legal_hold = True
        for message, user in (
            (delivered, self.user_manager),
            (note, self.user_employee),
            (copy, self.env.ref("base.user_root")),
        ):
            with (
                self.subTest(message=message.id),
                self.assertRaisesRegex(UserError, "legal hold"),
            ):
                message.with_user(user).unlink()
        self.assertEqual((delivered | note | copy).exists(), delivered | note | copy)
        self.customer.sudo().dialog_legal_hold = False
        note.with_user(self.user_employee).unlink()
        self.assertFalse(note.exists())

    def test_legal_hold_tracked_and_for_managers_only(self):
        self.customer.with_user(self.user_manager).dialog_legal_hold = True
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertTrue(
            self.customer.message_ids.tracking_value_ids.filtered(
                lambda t: t.field_id.name == "dialog_legal_hold"
            )
        )
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_employee).read(["dialog_legal_hold"])

    def test_batches_interrupted_and_rerun(self):
        customers = self.env["res.partner"].create(
            [{"name": f"Kunde {i}", "is_company": True} for i in range(3)]
        )
        messages = self.env["mail.message"]
        for customer, count in zip(customers, (2, 2, 3), strict=True):
            for i in range(count):
                messages |= self.post_on(
                    customer, self.topic_archive, self.long_ago, f"M{i}"
                )
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_dialog.retention_batch_size", 2
        )

        # one batch, as when the worker stops after its first commit
        remaining = self.run_retention(max_batches=1)
        self.assertEqual(remaining, 5)
        self.assertEqual(len(messages.filtered("dialog_archived")), 2)
        self.assertEqual(
            messages.filtered("dialog_archived").dialog_partner_id,
            customers[0],
            "a customer's messages go into one batch where they fit",
        )

        # the next run continues with what is left, nothing twice
        self.assertEqual(self.run_retention(), 0)
        self.assertTrue(all(messages.mapped("dialog_archived")))
        self.assertEqual(self.run_retention(), 0, "a rerun finds nothing to do")
        for customer, count in zip(customers, (2, 2, 3), strict=True):
            notes = self.retention_notes(customer)
            archived = sum(
                int(note.body.split(RETENTION_NOTE + ": ")[1].split(" ")[0])
                for note in notes
            )
            self.assertEqual(archived, count, customer.name)
        self.assertEqual(len(self.retention_notes(customers[0])), 1)

    def test_scheduled_action(self):
        due = self.post_on(self.customer, self.topic_archive, self.long_ago)
        cron = self.env.ref("customer_dialog.ir_cron_dialog_retention")
        self.assertEqual(cron.interval_type, "days")
        cron.method_direct_trigger()
        self.assertTrue(due.dialog_archived)
