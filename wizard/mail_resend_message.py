from odoo import models


class MailResendMessage(models.TransientModel):
    _inherit = "mail.resend.message"

    def resend_mail_action(self):
        self._dialog_check_resend()
        return super().resend_mail_action()

    def cancel_mail_action(self):
        self._dialog_check_resend()
        return super().cancel_mail_action()

    def _dialog_check_resend(self):
        """The wizard acts in sudo on the notifications it was given (over
        RPC, any): they must be this message's (mail.message)."""
        for wizard in self:
            wizard.mail_message_id._dialog_check_resend(
                wizard.notification_ids | wizard.partner_ids.notification_id
            )
