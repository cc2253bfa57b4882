from odoo import api, models
from odoo.exceptions import UserError

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

    def write(self, vals):
        if not self.env.su and set(vals) & CONTENT_FIELDS:
            self._dialog_check_not_delivered()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_delivered_dialog_file(self):
        if not self.env.su:
            self._dialog_check_not_delivered()
