from .common import DialogCase, needs_sale

REPLY = """Return-Path: <{email_from}>
To: {to}
Received: by mail1.example.com (Postfix, from userid 10002)
    id 5DF9ABFB2A; Fri, 10 Aug 2026 16:16:39 +0200 (CEST)
From: {email_from}
Subject: {subject}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit
Message-ID: {msg_id}
In-Reply-To: {parent}
References: {parent}

Danke, ich bin einverstanden. Bitte schicken Sie mir den neuen Vertrag.
"""


def reply_email(case, parent, email_from, msg_id):
    """The raw answer of ``email_from`` to the email ``parent``."""
    return REPLY.format(
        email_from=email_from,
        to=f"{case.alias_catchall}@{case.alias_domain}",
        subject=f"Re: {parent.subject}",
        msg_id=msg_id,
        parent=parent.message_id,
    )


class TestIncomingEmail(DialogCase):
    """Emails the gateway routes to a customer's document become incoming
    dialog messages of that customer."""

    def _reply(self, message, email_from, msg_id="<reply-1@kundenfirma.example.com>"):
        return self._answer(message.dialog_delivery_message_id, email_from, msg_id)

    def _answer(self, parent, email_from, msg_id):
        raw = reply_email(self, parent, email_from, msg_id)
        self.env["mail.thread"].sudo().message_process(None, raw)
        return self.env["mail.message"].search([("message_id", "=", msg_id)])

    @needs_sale
    def test_filing_keeps_odoos_subtype_and_notifications(self):
        """An ordinary customer email is filed in the customer file, and Odoo
        routes and notifies it exactly as without the module."""
        self.order.message_subscribe(partner_ids=self.partner_employee.ids)
        with self.mock_mail_gateway():
            question = self.order.with_user(self.user_admin).message_post(
                body="Ihre Bestellung ist unterwegs.",
                subject="Bestellung",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.contact.ids,
            )
            received = self._answer(
                question,
                self.contact.email_formatted,
                "<reply-9@kundenfirma.example.com>",
            )
        self.assertEqual(received.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertFalse(received.is_internal)
        self.assertIn(self.partner_employee, received.notification_ids.res_partner_id)
        self.assertEqual(received.dialog_visibility, "customer")
        self.assertEqual(received.dialog_partner_id, self.customer)
        self.assertEqual(received.dialog_delivery_code, "received_email")

    @needs_sale
    def test_reply_to_order_message(self):
        self.customer.dialog_mail_content = True
        with self.mock_mail_gateway():
            sent = self.post(
                self.order,
                "Neuer Vertrag?",
                visibility="customer",
                contact_id=self.contact.id,
            )
        with self.mock_mail_gateway():
            received = self._reply(sent, self.contact.email_formatted)
        self.assertEqual(received.model, "sale.order")
        self.assertEqual(received.res_id, self.order.id)
        self.assertEqual(received.message_type, "email")
        self.assertEqual(received.author_id, self.contact)
        self.assertEqual(received.dialog_partner_id, self.customer)
        self.assertEqual(received.dialog_contact_id, self.contact)
        self.assertEqual(received.dialog_visibility, "customer")
        self.assertEqual(received.dialog_channel, "email")
        self.assertEqual(received.dialog_direction, "incoming")
        self.assertTrue(received.dialog_published)
        self.assertFalse(received.is_internal)
        self.assertEqual(received.dialog_delivery_state, "none")
        self.assertIn("einverstanden", received.body)
        self.assertEqual(self.customer.dialog_message_count, 2)

    def test_reply_to_customer_message(self):
        with self.mock_mail_gateway():
            sent = self.post(
                self.customer_no_portal, "Ihre Anfrage", visibility="customer"
            )
            received = self._reply(
                sent,
                self.customer_no_portal.email_formatted,
                "<reply-2@ohneportal.example.com>",
            )
        self.assertEqual(received.model, "res.partner")
        self.assertEqual(received.dialog_partner_id, self.customer_no_portal)
        self.assertFalse(received.dialog_contact_id)
        self.assertEqual(received.dialog_direction, "incoming")

    def test_answer_by_email_joins_the_conversation_and_is_work(self):
        """As an answer in the portal: same conversation, a to-do for the
        conversation's responsible."""
        with self.mock_mail_gateway():
            sent = self.post(
                self.customer_no_portal,
                "Ihre Anfrage",
                visibility="customer",
                topic_id=self.topic_general.id,
                user_id=self.user_manager.id,
            )
            received = self._reply(
                sent,
                self.customer_no_portal.email_formatted,
                "<reply-3@ohneportal.example.com>",
            )
        self.assertEqual(received.dialog_reply_to_id, sent)
        self.assertEqual(received.dialog_topic_id, self.topic_general)
        self.assertEqual(received.dialog_activity_id.user_id, self.user_manager)
        self.assertEqual(received.dialog_activity_id.res_id, self.customer_no_portal.id)
        # an unpublished conversation is not one the customer can answer
        with self.mock_mail_gateway():
            hidden = self.post(
                self.customer_no_portal, "Noch eine Frage", visibility="customer"
            )
            hidden.dialog_published = False
            stray = self._reply(
                hidden,
                self.customer_no_portal.email_formatted,
                "<reply-4@ohneportal.example.com>",
            )
        self.assertEqual(stray.dialog_direction, "incoming")
        self.assertFalse(stray.dialog_reply_to_id)

    def test_an_answer_is_work_for_the_conversations_author(self):
        """A conversation without a responsible: its author answers for it
        (the customer's email itself has none), as for a portal reply."""
        with self.mock_mail_gateway():
            sent = self.post(
                self.customer_no_portal, "Ihr Angebot", visibility="customer"
            )
            received = self._reply(
                sent,
                self.customer_no_portal.email_formatted,
                "<reply-9@ohneportal.example.com>",
            )
        self.assertEqual(received.dialog_reply_to_id, sent)
        self.assertFalse(sent.dialog_user_id)
        self.assertEqual(received.dialog_activity_id.user_id, self.user_employee)

    def test_email_from_employee_not_classified(self):
        with self.mock_mail_gateway():
            sent = self.post(
                self.customer_no_portal, "Ihre Anfrage", visibility="customer"
            )
            received = self._reply(
                sent, self.user_manager.email_formatted, "<reply-3@test.example.com>"
            )
        self.assertTrue(received)
        self.assertFalse(received.dialog_visibility)

    @needs_sale
    def test_email_from_other_customer_not_classified(self):
        with self.mock_mail_gateway():
            sent = self.post(
                self.order,
                "Nur für Karl",
                visibility="customer",
                contact_id=self.contact.id,
            )
            received = self._reply(
                sent,
                self.other_contact.email_formatted,
                "<reply-4@fremdfirma.example.com>",
            )
        self.assertTrue(received)
        self.assertFalse(received.dialog_visibility)


class TestGatewayUsers(DialogCase):
    """Whoever runs the gateway (fetchmail's cron as the system, an
    administrator, the user of odoo-mailgate), an answer to a delivery email
    joins its conversation with one to-do: the answered delivery is looked up
    with the gateway's rights over the delivery copies, not the user's."""

    def _answer_as(self, user, parent, email_from, msg_id):
        raw = reply_email(self, parent, email_from, msg_id)
        Thread = self.env["mail.thread"]
        Thread = Thread.sudo() if user is None else Thread.with_user(user)
        Thread.message_process(None, raw)
        return self.env["mail.message"].sudo().search([("message_id", "=", msg_id)])

    def test_every_gateway_user_finds_the_conversation(self):
        mailgate = self.env["res.users"].create(
            {
                "name": "Mailgate",
                "login": "mailgate",
                "groups_id": [
                    (6, 0, [self.env.ref("base.group_user").id]),
                    (
                        4,
                        self.env.ref(
                            "customer_dialog.group_customer_dialog_mail_gateway"
                        ).id,
                    ),
                ],
            }
        )
        admin = self.env.ref("base.user_admin")
        for number, user in enumerate((None, mailgate, admin)):
            with self.subTest(user=user and user.login), self.mock_mail_gateway():
                sent = self.post(
                    self.customer_no_portal,
                    f"Ihre Anfrage {number}",
                    visibility="customer",
                    subject=f"Anfrage {number}",
                    user_id=self.user_manager.id,
                )
                received = self._answer_as(
                    user,
                    sent.dialog_delivery_message_id,
                    self.customer_no_portal.email_formatted,
                    f"<gateway-{number}@ohneportal.example.com>",
                )
                self.assertEqual(len(received), 1)
                self.assertEqual(received.dialog_direction, "incoming")
                self.assertEqual(received.dialog_reply_to_id, sent)
                todos = (
                    self.env["mail.activity"]
                    .sudo()
                    .search([("dialog_message_id", "=", received.id)])
                )
                self.assertEqual(todos, received.dialog_activity_id)
                self.assertEqual(todos.user_id, self.user_manager)
