"""The files of dialog messages: customers never change them, and after
delivery nobody does (legal hold and shared files: privacy/ir_attachment.py,
the access token: portal/ir_attachment.py)."""

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
# What only the system changes on a file under legal hold (it hands a shared
# file over to the message that still shows it, see
# privacy/ir_attachment.py).
OWNER_FIELDS = {"res_model", "res_id"}


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
            if not self.env.su or (
                set(vals) & (CONTENT_FIELDS - OWNER_FIELDS)
                and not self._dialog_same_content(vals)
            ):
                self._dialog_check_not_held()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_delivered_dialog_file(self):
        self._dialog_check_customer_change()
        if not self.env.su:
            self._dialog_check_not_delivered()
