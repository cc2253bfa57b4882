from odoo.exceptions import AccessError, UserError

from .common import DialogCase, needs_sale


class TestMessageSecurity(DialogCase):
    """Internal messages never reach a customer; only authors and managers
    change dialog messages; delivered messages are locked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_employee_2 = cls._employee(
            "employee_2", "Erwin Zweiter", "erwin@test.example.com"
        )

    def setUp(self):
        super().setUp()
        with self.mock_mail_gateway():
            self.internal = self.post(
                self.customer, "Interne Notiz: Kunde zahlt schlecht"
            )
            self.published = self.post(
                self.customer,
                "Ihr Vertrag wurde verlängert",
                visibility="customer",
                contact_id=self.contact.id,
            )
            self.foreign = self.post(
                self.other_customer, "Fremde Nachricht", visibility="customer"
            )
            self.undelivered_customer = self.post(
                self.customer_no_email, "Kein Versand", visibility="customer"
            )

    # ------------------------------------------------------------------
    # Portal users
    # ------------------------------------------------------------------

    def test_portal_search_sees_only_own_published(self):
        Message = self.env["mail.message"].with_user(self.user_portal)
        found = Message.search([("dialog_visibility", "!=", False)])
        self.assertEqual(found, self.published)
        self.assertEqual(Message.search_count([("id", "=", self.internal.id)]), 0)
        self.assertFalse(Message.search([("body", "ilike", "zahlt schlecht")]))
        self.assertEqual(
            Message.search_count(
                [
                    ("dialog_partner_id", "=", self.customer.id),
                    ("dialog_visibility", "=", "internal"),
                ]
            ),
            0,
        )
        groups = Message.read_group(
            [("dialog_visibility", "!=", False)],
            ["dialog_visibility"],
            ["dialog_visibility"],
        )
        self.assertEqual(
            [(g["dialog_visibility"], g["dialog_visibility_count"]) for g in groups],
            [("customer", 1)],
        )

    def test_portal_read_by_id_refused(self):
        for message in (self.internal, self.foreign):
            with self.subTest(message=message.body), self.assertRaises(AccessError):
                message.with_user(self.user_portal).read(["body"])
        self.assertIn("verlängert", self.published.with_user(self.user_portal).body)

    def test_unpublished_hidden_again(self):
        self.published.with_user(self.user_employee).action_dialog_unpublish()
        self.assertTrue(self.published.is_internal)
        Message = self.env["mail.message"].with_user(self.user_portal)
        self.assertFalse(Message.search([("id", "=", self.published.id)]))
        with self.assertRaises(AccessError):
            self.published.with_user(self.user_portal).read(["body"])
        self.published.with_user(self.user_employee).action_dialog_publish()
        self.assertEqual(
            Message.search([("id", "=", self.published.id)]), self.published
        )

    def test_internal_email_type_message_hidden(self):
        """mail only hides internal *comments* from a read by id; dialog
        messages stay hidden whatever their type."""
        self.internal.sudo().message_type = "email"
        with self.assertRaises(AccessError):
            self.internal.with_user(self.user_portal).read(["body"])

    def test_get_with_access_respects_publication(self):
        Message = self.env["mail.message"].with_user(self.user_portal)
        self.assertFalse(Message._get_with_access(self.internal.id, "read"))
        self.assertEqual(
            Message._get_with_access(self.published.id, "read"), self.published
        )

    def test_portal_cannot_post_or_create_dialog_messages(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_portal).dialog_post("Ich bin ein Kunde")
        with self.assertRaises(UserError):
            self.env["mail.message"].with_user(self.user_portal).create(
                {
                    "model": "res.partner",
                    "res_id": self.customer.id,
                    "body": "x",
                    "dialog_visibility": "customer",
                }
            )

    @needs_sale
    def test_direct_create_needs_dialog_post(self):
        Message = self.env["mail.message"].with_user(self.user_employee)
        for context in ({}, {"customer_dialog_post": True}):
            with (
                self.subTest(context=context),
                self.assertRaisesRegex(UserError, "dialog_post"),
            ):
                Message.with_context(**context).create(
                    {
                        "model": "sale.order",
                        "res_id": self.order.id,
                        "body": "x",
                        "message_type": "comment",
                        "dialog_visibility": "customer",
                        "dialog_delivery": "content",
                    }
                )

    # ------------------------------------------------------------------
    # Employees: rights
    # ------------------------------------------------------------------

    def test_posting_needs_read_not_write(self):
        # (an employee without Sales: CRM lets salesmen edit partners)
        reader = self._employee("rolf.reader", "Rolf Reader")
        self.assertFalse(self.customer.with_user(reader).has_access("write"))
        message = self.post(self.customer, "Nur Leserechte", user=reader)
        self.assertEqual(message.author_id, reader.partner_id)
        self.assertEqual(message.create_uid, reader)

    def test_only_author_or_manager_edits(self):
        with self.assertRaises(AccessError):
            self.internal.with_user(self.user_employee_2).write(
                {"body": "<p>gefälscht</p>"}
            )
        with self.assertRaises(AccessError):
            self.internal.with_user(self.user_employee_2).unlink()
        self.internal.with_user(self.user_employee).write({"subject": "Vom Autor"})
        self.assertEqual(self.internal.subject, "Vom Autor")
        self.internal.with_user(self.user_manager).write({"dialog_channel": "letter"})
        self.assertEqual(self.internal.dialog_channel, "letter")
        self.undelivered_customer.with_user(self.user_employee).unlink()
        self.assertFalse(self.undelivered_customer.exists())

    def test_delivered_message_locked(self):
        for user in (self.user_employee, self.user_manager):
            for values in (
                {"body": "<p>neu</p>"},
                {"dialog_visibility": "internal"},
                {"dialog_partner_id": self.other_customer.id},
            ):
                with (
                    self.subTest(user=user.login, values=values),
                    self.assertRaises(UserError),
                ):
                    self.published.with_user(user).write(values)
        self.assertIn("verlängert", self.published.body)
        # topic, follow-up and publication may still change (a topic that
        # would have it deleted earlier only by a manager: see
        # test_privacy_everywhere)
        self.published.with_user(self.user_employee).write(
            {"dialog_topic_id": self.topic_general.id, "dialog_published": False}
        )
        self.assertFalse(self.published.dialog_published)

    def test_delivered_message_deleted_by_manager_only(self):
        with self.assertRaisesRegex(AccessError, "only be deleted by a manager"):
            self.published.with_user(self.user_employee).unlink()
        self.assertTrue(self.published.exists())
        self.published.with_user(self.user_manager).unlink()
        self.assertFalse(self.published.exists())

    def test_visibility_changes_tracked(self):
        self.published.with_user(self.user_employee).action_dialog_unpublish()
        self.internal.with_user(self.user_employee).write(
            {"dialog_visibility": "customer"}
        )
        logs = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", self.customer.id),
                ("tracking_value_ids", "!=", False),
            ]
        )
        changes = {
            (
                t.field_id.name,
                t.old_value_integer,
                t.new_value_integer,
                t.old_value_char,
                t.new_value_char,
            )
            for t in logs.tracking_value_ids
        }
        self.assertIn(("dialog_published", 1, 0, False, False), changes)
        self.assertIn(
            ("dialog_visibility", 0, 0, "Internal", "For the customer"), changes
        )
        self.assertTrue(all(log.author_id == self.partner_employee for log in logs))
        self.assertFalse(self.internal.is_internal, "now public for the customer")

    def test_visibility_customer_needs_email(self):
        with self.assertRaisesRegex(UserError, "no valid email address"):
            self.undelivered_customer.with_user(self.user_employee).write(
                {"dialog_visibility": "customer"}
            )

    def test_unknown_selection_values(self):
        with self.assertRaisesRegex(Exception, "not a valid value"):
            self.internal.with_user(self.user_employee).write({"dialog_channel": "fax"})


@needs_sale
class TestMessageIntegrity(DialogCase):
    """Ways around dialog_post and the locks, tried as an attacker would."""

    def setUp(self):
        super().setUp()
        self.attachment = self.upload("vertrag.pdf", b"%PDF contract")
        with self.mock_mail_gateway():
            self.delivered = self.post(
                self.order,
                "Ihr Vertrag",
                visibility="customer",
                contact_id=self.contact.id,
                attachment_ids=self.attachment.ids,
            )

    def test_default_context_cannot_create_dialog_messages(self):
        Message = self.env["mail.message"].with_user(self.user_employee)
        with self.assertRaisesRegex(UserError, "dialog_post"):
            Message.with_context(
                default_dialog_visibility="customer",
                default_dialog_published=True,
                default_dialog_partner_id=self.other_customer.id,
            ).create(
                {
                    "model": "sale.order",
                    "res_id": self.order.id,
                    "body": "Gefälscht",
                    "message_type": "comment",
                    "author_id": self.user_manager.partner_id.id,
                }
            )

    def test_default_context_does_not_reach_dialog_post(self):
        message_id = (
            self.customer.with_user(self.user_employee)
            .with_context(
                default_dialog_delivery_message_id=self.delivered.id,
                default_dialog_archived=True,
            )
            .dialog_post("Notiz")
        )
        message = self.env["mail.message"].browse(message_id)
        self.assertFalse(message.dialog_delivery_message_id)
        self.assertFalse(message.dialog_archived)

    def test_ordinary_message_cannot_become_dialog_message(self):
        note = self.order.with_user(self.user_employee).message_post(
            body="Interne Notiz mit Anhang", message_type="comment"
        )
        with self.assertRaisesRegex(UserError, "dialog_post"):
            note.with_user(self.user_employee).write(
                {
                    "dialog_visibility": "customer",
                    "dialog_published": True,
                    "dialog_partner_id": self.customer.id,
                }
            )
        self.assertFalse(note.dialog_visibility)

    def test_system_fields_not_writable(self):
        for user in (self.user_employee, self.user_manager):
            for values in (
                {"dialog_delivery": "none"},
                {"dialog_partner_id": self.other_customer.id},
                {"dialog_reply_to_id": False},
                {"author_id": self.user_manager.partner_id.id},
                {"res_id": self.customer.id},
            ):
                with self.subTest(user=user.login, values=values):
                    with self.assertRaisesRegex(AccessError, "set by the system"):
                        self.delivered.with_user(user).write(values)
        self.assertEqual(self.delivered.dialog_delivery, "notice")
        self.assertEqual(self.delivered.author_id, self.partner_employee)

    def test_portal_user_cannot_change_dialog_messages(self):
        reply = self.delivered.sudo()._dialog_portal_reply(
            self.contact, "<p>Antwort</p>", []
        )
        for values in (
            {"dialog_partner_id": self.other_customer.id},
            {"dialog_reply_to_id": False},
            {"author_id": self.user_manager.partner_id.id},
            {"body": "<p>geändert</p>"},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                reply.with_user(self.user_portal).write(values)
        self.assertEqual(reply.dialog_partner_id, self.customer)

    def test_reply_never_carries_a_hidden_conversation(self):
        with self.mock_mail_gateway():
            internal = self.post(
                self.order, "Betrugsverdacht", subject="GEHEIM Betrugsverdacht"
            )
        with self.assertRaisesRegex(Exception, "not a customer message"):
            self.post(
                self.order, "Antwort", visibility="customer", reply_to_id=internal.id
            )
        # even if such a link existed, a portal reply ignores the hidden message
        self.delivered.sudo().dialog_reply_to_id = internal
        reply = self.delivered.sudo()._dialog_portal_reply(
            self.contact, "<p>Danke</p>", []
        )
        self.assertEqual(reply.dialog_reply_to_id, self.delivered)
        self.assertNotIn("GEHEIM", reply.subject or "")

    def test_only_the_gateway_files_incoming_email(self):
        message = self.order.with_user(self.user_employee).message_post(
            body="Ich kündige", message_type="email", author_id=self.contact.id
        )
        self.assertFalse(message.dialog_visibility)

    def test_chatter_edit_of_delivered_message_refused(self):
        with self.assertRaisesRegex(UserError, "was delivered"):
            self.order._message_update_content(self.delivered, None, attachment_ids=[])
        with self.assertRaisesRegex(UserError, "was delivered"):
            self.order._message_update_content(self.delivered, "<p>neu</p>")
        self.assertEqual(self.delivered.attachment_ids, self.attachment)

    def test_delivered_file_cannot_be_replaced_or_deleted(self):
        with self.assertRaisesRegex(UserError, "delivered to the customer"):
            self.attachment.with_user(self.user_employee).write(
                {"raw": b"anderer Vertrag"}
            )
        with self.assertRaisesRegex(UserError, "delivered to the customer"):
            self.attachment.with_user(self.user_employee).unlink()
        self.assertEqual(self.attachment.raw, b"%PDF contract")
