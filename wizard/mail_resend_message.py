from odoo import api, models


class MailResendMessage(models.TransientModel):
    _inherit = "mail.resend.message"

    @api.model
    def default_get(self, fields_list):
        """Opened from one recipient of a dialog message (its own resend):
        only that recipient is chosen; the others stay listed."""
        values = super().default_get(fields_list)
        partner_id = self.env.context.get("dialog_resend_partner_id")
        if isinstance(partner_id, int) and values.get("partner_ids"):
            lines = self.env["mail.resend.partner"].browse(
                command[1] for command in values["partner_ids"]
            )
            lines.filtered(lambda line: line.partner_id.id != partner_id).write(
                {"resend": False}
            )
        return values

    def resend_mail_action(self):
        """A delivery email sent again says so, and the message shows its new
        state at once (Odoo only closes the dialog)."""
        self._dialog_check_resend()
        result = super().resend_mail_action()
        dialog = self.mail_message_id._dialog_delivery_of()
        if len(self) != 1 or not dialog:
            return result
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Sent again"),
                "message": dialog.with_env(self.env).dialog_delivery_info,
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

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
