from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.dialog_constants import DELIVERY_FAILURES, DialogDelivery


class MailResendPartner(models.TransientModel):
    _inherit = "mail.resend.partner"

    def action_resend(self):
        """Resend only what still failed, once: two resend wizards opened on
        the same failure (two users, two tabs) sent the email twice, because
        Odoo resends each notification it was opened with, whatever its state
        now. The first resend locks the notifications; the old failed email
        is cancelled, so that no retry sends it again. A notice is rendered
        as a notice again (see mail.thread). Who may resend what: see
        mail.message._dialog_check_resend."""
        if not self:
            return super().action_resend()
        self.resend_wizard_id.mail_message_id._dialog_check_resend(self.notification_id)
        notifications = self.notification_id
        if notifications:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM mail_notification WHERE id IN %s FOR UPDATE",
                    tuple(notifications.ids),
                )
            )
            notifications.invalidate_recordset(["notification_status"])
        still_failed = self.filtered(
            lambda line: line.notification_id.notification_status in DELIVERY_FAILURES
        )
        if not still_failed:
            raise UserError(
                self.env._("This email was already sent again, nothing to resend.")
            )
        # sudo: outgoing mails are the administrator's records; the wizard's
        # user may resend, and the old email is what they replace
        old_mails = still_failed.notification_id.sudo().mail_mail_id.filtered(
            lambda mail: mail.state == "exception"
        )
        # every recipient of the old emails, resent now or not
        old_mail_of = {
            notification: notification.mail_mail_id
            for notification in self.env["mail.notification"]
            .sudo()
            .search([("mail_mail_id", "in", old_mails.ids)])
        }
        dialog = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    (
                        "dialog_delivery_message_id",
                        "in",
                        self.resend_wizard_id.mail_message_id.ids,
                    )
                ],
                limit=1,
            )
        )
        result = super(
            MailResendPartner,
            still_failed.with_context(
                **DialogDelivery(
                    dialog.id, dialog.dialog_delivery == "notice"
                ).context()
                if dialog
                else {DialogDelivery.key: None}
            ),
        ).action_resend()
        # an old email is done with once each of its recipients got the
        # email (Odoo keeps it while one still fails, as its trace)
        kept = (
            self.env["mail.mail"]
            .sudo()
            .union(
                *(
                    mail
                    for notification, mail in old_mail_of.items()
                    if notification.notification_status in DELIVERY_FAILURES
                )
            )
        )
        (old_mails - kept).write({"state": "cancel"})
        return result
