"""The module costs nothing on messages that are not dialog messages.

The baseline is measured in the same database: every method the module
overrides on mail.thread, mail.message, mail.mail, mail.notification,
mail.template, res.partner, ir.attachment and ir.qweb is
replaced by a plain call of Odoo's own implementation.
"""

import contextlib
import inspect
from unittest.mock import patch

from odoo.addons.customer_dialog.models import (
    ir_attachment,
    ir_qweb,
    mail_mail,
    mail_message,
    mail_notification,
    mail_template,
    mail_thread,
    res_partner,
)

from .common import DialogCase, needs_sale

OVERRIDING_CLASSES = [
    mail_thread.MailThread,
    mail_mail.MailMail,
    mail_message.MailMessage,
    mail_notification.MailNotification,
    res_partner.ResPartner,
    ir_attachment.IrAttachment,
    ir_qweb.IrQweb,
    mail_template.MailTemplate,
]


def _passthrough(cls, name):
    def method(self, *args, **kwargs):
        return getattr(super(cls, self), name)(*args, **kwargs)

    return method


@contextlib.contextmanager
def odoo_without_the_module():
    """Every override of the module answers as Odoo alone would."""
    with contextlib.ExitStack() as stack:
        for cls in OVERRIDING_CLASSES:
            for name, member in vars(cls).items():
                # the module's own methods all carry "dialog" in their name;
                # every other method overrides Odoo's
                if inspect.isfunction(member) and "dialog" not in name:
                    stack.enter_context(
                        patch.object(cls, name, _passthrough(cls, name))
                    )
        yield


class TestPlainMessagesCostNothing(DialogCase):
    def assertSameCost(self, operation, more=0):
        """Each variant runs until its count is stable (Odoo's caches warm),
        then both counts must be equal, or differ by exactly ``more``."""
        counts = {}
        for variant in ("without", "with", "without", "with"):
            context = (
                odoo_without_the_module()
                if variant == "without"
                else contextlib.nullcontext()
            )
            with context:
                counts[variant] = self.count_queries(operation)
        self.assertGreater(counts["without"], 0)
        self.assertEqual(counts["with"], counts["without"] + more)

    def test_patch_reaches_the_overrides(self):
        with odoo_without_the_module():
            self.assertEqual(
                mail_thread.MailThread.message_post.__qualname__,
                "_passthrough.<locals>.method",
            )

    def test_message_post_to_a_partner(self):
        record = self.customer_no_portal.with_user(self.user_admin)
        with self.mock_mail_gateway():
            self.assertSameCost(
                lambda: record.message_post(
                    body="<p>Guten Tag</p>",
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=self.customer_no_portal.ids,
                )
            )

    @needs_sale
    def test_message_post_with_followers(self):
        self.order.message_subscribe(partner_ids=self.partner_employee.ids)
        record = self.order.with_user(self.user_admin)
        with self.mock_mail_gateway():
            self.assertSameCost(
                lambda: record.message_post(
                    body="<p>Lieferung kommt</p>",
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                )
            )

    @needs_sale
    def test_message_log(self):
        record = self.order.with_user(self.user_employee)
        self.assertSameCost(lambda: record._message_log(body="<p>Notiz</p>"))

    def test_note_on_a_record(self):
        record = self.customer.with_user(self.user_admin)
        self.assertSameCost(
            lambda: record.message_post(
                body="<p>Notiz</p>", subtype_xmlid="mail.mt_note"
            )
        )

    def test_notification_status_change(self):
        with self.mock_mail_gateway():
            message = self.customer_no_portal.message_post(
                body="<p>Guten Tag</p>",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.customer_no_portal.ids,
            )
        notification = message.notification_ids
        self.assertTrue(notification)
        statuses = iter(["exception", "sent"] * 4)
        self.assertSameCost(
            lambda: notification.write({"notification_status": next(statuses)})
        )
        # a bounce asks once whether the email was a dialog delivery
        self.assertSameCost(
            lambda: notification.write({"notification_status": "bounce"}),
            more=1,
        )
