from odoo import api, models
from odoo.exceptions import AccessError, UserError

# What a write may not change on a file that went to a customer.
CONTENT_FIELDS = {
    "datas",
    "raw",
    "db_datas",
    "url",
    "type",
    "name",
    "res_model",
    "res_id",
}


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _dialog_message_files(self):
        """The files of ``self`` that belong to a dialog message (its own
        files, ``res_model`` mail.message): who may read, change or delete
        them is decided by the message's rules."""
        owned = self.sudo().filtered(
            lambda a: a.res_model == "mail.message" and a.res_id
        )
        if not owned:
            return self.browse()
        dialog_ids = set(
            self.env["mail.message"]
            .sudo()
            .browse(set(owned.mapped("res_id")))
            .exists()
            .filtered("dialog_visibility")
            .ids
        )
        return self.browse(a.id for a in owned if a.res_id in dialog_ids)

    def _dialog_check_customer_change(self):
        """Customers never change or delete the files of dialog messages,
        also not through Odoo's controllers that act in sudo for the author
        of a message (e.g. /mail/attachment/delete with a document token)."""
        if not self.env.user._is_internal() and self._dialog_message_files():
            raise AccessError(
                self.env._("Customers cannot change the files of dialog messages.")
            )

    def _dialog_delivered_message(self):
        return (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("attachment_ids", "in", self.ids),
                    ("dialog_delivery", "in", ("content", "notice")),
                ],
                limit=1,
            )
        )

    def _dialog_check_not_delivered(self):
        message = self._dialog_delivered_message()
        if message:
            raise UserError(
                self.env._(
                    "This file belongs to “%(subject)s”, which was delivered to the "
                    "customer: it can no longer be changed or deleted.",
                    subject=message.subject or message.record_name,
                )
            )

    def validate_access(self, access_token):
        """The access token of a dialog message's file (Odoo's portal chatter
        and pasted images carry them) opens it only for a logged-in user who
        may see the message (a customer: in the portal): never without the
        login, and no longer once the message is unpublished or internal."""
        if access_token and self._dialog_message_files():
            user = self.env.user
            message = self.env["mail.message"].sudo().browse(self.sudo().res_id)
            if user._is_public() or not (
                message._dialog_visible_to_customer(user.partner_id)
                if user.share
                else message.with_user(user).has_access("read")
            ):
                raise AccessError(
                    self.env._("This file is only shown after logging in.")
                )
        return super().validate_access(access_token)

    @api.model_create_multi
    def create(self, vals_list):
        attachments = super().create(vals_list)
        attachments._dialog_check_customer_change()
        return attachments

    def write(self, vals):
        if set(vals) & CONTENT_FIELDS:
            self._dialog_check_customer_change()
            if not self.env.su:
                self._dialog_check_not_delivered()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_delivered_dialog_file(self):
        self._dialog_check_customer_change()
        if not self.env.su:
            self._dialog_check_not_delivered()
