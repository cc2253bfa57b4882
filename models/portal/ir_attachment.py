"""A dialog message's file opened with its access token: only after login,
for someone who may see the message."""

from odoo import models
from odoo.exceptions import AccessError


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def validate_access(self, access_token):
        """The access token of a dialog message's file (Odoo's portal chatter
        and pasted images carry them) opens it only for a logged-in user who
        may see the message (a customer: in the portal): never without the
        login, and no longer once the message is unpublished or internal."""
        if access_token and self._dialog_message_files():
            user = self.env.user
            message = self.env["mail.message"].sudo().browse(self.sudo().res_id)
            if user._is_public() or not (
                message.filtered_domain(message._dialog_portal_domain(user.partner_id))
                if user.share
                else message.with_user(user).has_access("read")
            ):
                raise AccessError(
                    self.env._("This file is only shown after logging in.")
                )
        return super().validate_access(access_token)
