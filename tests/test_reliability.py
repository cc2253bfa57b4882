"""A failing mail server loses nothing: bounces of dialog deliveries are
recognised on every gateway path, and a portal reply is work to do inside
Odoo whether its notification email got through or not."""

from unittest.mock import patch

import psycopg2

from odoo import fields
from odoo.tests import Form

from ..tools.dialog_constants import DialogSendAfterCommit
from .common import DialogCase, needs_sale

BOUNCE = """Return-Path: <>
X-Original-To: {to}
Delivered-To: {to}
Date: Mon, 15 Apr 2026 15:41:06 +0200 (CEST)
From: MAILER-DAEMON@mail.example.com (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {to}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
    boundary="BOUNDARY"
Message-Id: <bounce-{n}@mail.example.com>

--BOUNDARY
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

<{recipient}>: 550 No such person at this address.

--BOUNDARY
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.com

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: failed
Status: 5.0.0

--BOUNDARY
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <{to}>
Message-Id: {message_id}
Subject: {subject}
To: {recipient}

--BOUNDARY--
"""


class TestBounces(DialogCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the user odoo-mailgate.py logs in with: an employee, not the author
        cls.user_mailgate = cls._employee("mailgate", "Mail Gateway")

    def bounce(self, message, gateway_user):
        # the email's Message-Id is its mail.message's (mail.mail _inherits it)
        delivery = message.dialog_delivery_message_id
        raw = BOUNCE.format(
            to=f"{self.alias_bounce}@{self.alias_domain}",
            n=message.id,
            recipient=message.dialog_delivery_address,
            message_id=delivery.message_id,
            subject=delivery.subject,
        )
        self.env["mail.thread"].with_user(gateway_user).message_process(None, raw)

    def test_bounce_through_ordinary_gateway_user_then_resend(self):
        """odoo-mailgate.py runs as an ordinary user over XML-RPC."""
        with self.mock_mail_gateway():
            content = self.post(
                self.customer_no_portal, "Ihr Vertrag", visibility="customer"
            )
            notice = self.post(
                self.customer,
                "Vertraulich",
                visibility="customer",
                contact_id=self.contact.id,
            )
        self.assertEqual(content.dialog_delivery, "content")
        self.assertEqual(notice.dialog_delivery, "notice")
        for message in (content, notice):
            with self.subTest(delivery=message.dialog_delivery):
                self.assertEqual(message.dialog_delivery_state, "sent")
                with self.mock_mail_gateway():
                    self.bounce(message, self.user_mailgate)
                message.invalidate_recordset()
                self.assertEqual(message.dialog_delivery_state, "failed")
                self.assertIn(
                    message,
                    self.env["mail.message"].search(
                        [("dialog_delivery_state", "=", "failed")]
                    ),
                )
                action = message.with_user(self.user_employee).action_dialog_resend()
                wizard = Form(
                    self.env[action["res_model"]]
                    .with_user(self.user_employee)
                    .with_context(**action["context"])
                ).save()
                with self.mock_mail_gateway():
                    wizard.resend_mail_action()
                self.assertEqual(len(self._new_mails), 1)
                self.assertEqual(len(self._mails), 1)
                message.invalidate_recordset()
                self.assertEqual(message.dialog_delivery_state, "sent")

    def test_bounce_through_superuser_gateway(self):
        with self.mock_mail_gateway():
            content = self.post(
                self.customer_no_portal, "Ihr Vertrag", visibility="customer"
            )
            self.bounce(content, self.env.ref("base.user_root"))
        content.invalidate_recordset()
        self.assertEqual(content.dialog_delivery_state, "failed")
        # the bounce is work for the author, on the reference object
        failure = self.customer_no_portal.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("customer_dialog.mail_activity_type_delivery_failed")
        )
        self.assertEqual(failure.user_id, self.user_employee)
        self.assertIn(content._dialog_backend_url(), failure.note)


class TestPortalReplyIsWork(DialogCase):
    @needs_sale
    def test_reply_leaves_a_to_do_for_the_responsible(self):
        with self.mock_mail_gateway():
            conversation = self.post(
                self.order,
                "Ihr Angebot",
                visibility="customer",
                user_id=self.user_manager.id,
            )
        with (
            self.mock_mail_gateway(),
            patch("smtplib.SMTP", side_effect=ConnectionRefusedError("refused")),
        ):
            reply = self.order.sudo()._dialog_post_portal_reply(
                conversation, self.contact, "<p>Bitte rufen Sie mich an</p>", []
            )
        activity = reply.dialog_activity_id
        self.assertTrue(activity)
        self.assertEqual(activity.user_id, self.user_manager)
        self.assertEqual(
            (activity.res_model, activity.res_id), ("sale.order", self.order.id)
        )
        self.assertEqual(activity.date_deadline, fields.Date.context_today(activity))
        self.assertNotIn("rufen Sie mich an", activity.note)
        self.assertIn(
            reply,
            self.env["mail.message"].search(
                [
                    ("dialog_follow_up_date", "<=", fields.Date.context_today(reply)),
                    ("dialog_visibility", "!=", False),
                ]
            ),
            "shown under 'Follow-up due' in the overview",
        )


class TestDeliveryOutcome(DialogCase):
    """The state tells what happened to the email, whatever happens to the
    records around it."""

    def test_deleting_a_pending_message_sends_nothing(self):
        with self.mock_mail_gateway():
            message = self.env["mail.message"].browse(
                self.customer_no_portal.with_user(self.user_employee)
                .with_context(mail_notify_force_send=False)
                .dialog_post("Falscher Kunde", visibility="customer")
            )
            copy = message.dialog_delivery_message_id
            queued = self.env["mail.mail"].search([("mail_message_id", "=", copy.id)])
            self.assertEqual(queued.state, "outgoing")
            self.assertEqual(message.dialog_delivery_state, "pending")
            message.with_user(self.user_manager).unlink()
            self.assertFalse(copy.exists())
            self.assertFalse(queued.exists())
            self.env["mail.mail"].process_email_queue()
        self.assertFalse(self._mails)

    def test_no_notification_is_no_delivery(self):
        with self.mock_mail_gateway():
            message = self.post(
                self.customer_no_portal, "Ihr Angebot", visibility="customer"
            )
        self.assertEqual(message.dialog_delivery_state, "sent")
        message.dialog_delivery_message_id.notification_ids.sudo().unlink()
        message.invalidate_recordset()
        self.assertEqual(message.dialog_delivery_state, "failed")
        Message = self.env["mail.message"]
        self.assertIn(
            message, Message.search([("dialog_delivery_state", "=", "failed")])
        )
        self.assertNotIn(
            message, Message.search([("dialog_delivery_state", "=", "sent")])
        )


class TestOneSenderPerEmail(DialogCase):
    """The queue's cron and a worker's send right after its commit pick the
    same outgoing email: the one that claims it sends it, the other skips
    it, without an error (make stress with two nodes shows it under load).
    Tests send in the transaction that created the email, where Odoo sends
    at once and nothing is claimed: the post-commit send is marked here as
    send_after_commit marks it outside tests."""

    def outgoing_mail(self):
        mail = self.env["mail.mail"].create(
            {
                "subject": "Rechnung",
                "body_html": "<p>Ihre Rechnung</p>",
                "email_to": "kunde@example.com",
            }
        )
        return mail.with_context(**DialogSendAfterCommit().context())

    def test_free_email_is_sent(self):
        mail = self.outgoing_mail()
        with self.mock_mail_gateway():
            mail.send()
        self.assertEqual(len(self._mails), 1)
        self.assertEqual(mail.state, "sent")

    def test_email_held_elsewhere_is_skipped(self):
        """SKIP LOCKED finds no row: another process sends it."""
        mail = self.outgoing_mail()
        execute = type(self.env.cr).execute

        def held_elsewhere(cr, query, *args, **kwargs):
            if "SKIP LOCKED" in str(query):
                query = "SELECT 1 WHERE false"
            return execute(cr, query, *args, **kwargs)

        with (
            self.mock_mail_gateway(),
            patch.object(type(self.env.cr), "execute", held_elsewhere),
            self.assertNoLogs("odoo.addons.mail.models.mail_mail", "ERROR"),
        ):
            mail.send()
        self.assertEqual(self._mails, [])
        self.assertEqual(mail.state, "outgoing", "left to the process holding it")

    def test_email_changed_since_the_transaction_began_is_skipped(self):
        """A serialization failure (another process sent it after this
        transaction began) skips it; the transaction goes on."""
        mail = self.outgoing_mail()
        execute = type(self.env.cr).execute

        def sent_meanwhile(cr, query, *args, **kwargs):
            if "SKIP LOCKED" in str(query):
                raise psycopg2.errors.SerializationFailure("concurrent update")
            return execute(cr, query, *args, **kwargs)

        with (
            self.mock_mail_gateway(),
            patch.object(type(self.env.cr), "execute", sent_meanwhile),
        ):
            mail.send()
        self.assertEqual(self._mails, [])
        self.assertEqual(self.env["mail.mail"].search_count([("id", "=", mail.id)]), 1)

    def test_email_no_longer_outgoing_is_skipped(self):
        mail = self.outgoing_mail()
        self.env.cr.execute(
            "UPDATE mail_mail SET state = 'sent' WHERE id = %s", [mail.id]
        )
        with self.mock_mail_gateway():
            mail.send()
        self.assertEqual(self._mails, [])

    def test_the_cron_claims_each_email(self):
        """The queue's run commits after each email: it claims them one by
        one (no commit here: Odoo's commit is patched out)."""
        first, second = self.outgoing_mail(), self.outgoing_mail()
        self.env.cr.execute(
            "UPDATE mail_mail SET state = 'sent' WHERE id = %s", [second.id]
        )
        with (
            self.mock_mail_gateway(),
            patch.object(self.env.cr, "commit", lambda: None),
        ):
            (first | second).with_context(**{DialogSendAfterCommit.key: None}).send(
                auto_commit=True
            )
        self.assertEqual(len(self._mails), 1)
        self.assertEqual(first.state, "sent")

    def test_emails_sent_where_they_are_created_are_not_claimed(self):
        mail = self.env["mail.mail"].create(
            {"subject": "Hallo", "body_html": "<p>x</p>", "email_to": "k@example.com"}
        )
        execute = type(self.env.cr).execute
        claims = []

        def counting(cr, query, *args, **kwargs):
            if "SKIP LOCKED" in str(query):
                claims.append(query)
            return execute(cr, query, *args, **kwargs)

        with (
            self.mock_mail_gateway(),
            patch.object(type(self.env.cr), "execute", counting),
        ):
            mail.send_after_commit()
        self.assertEqual(claims, [])
        self.assertEqual(len(self._mails), 1)
