"""A legal hold keeps the files of a board thread's posts too: a post's file
is the thread's (Discuss attaches it to the channel)."""

from odoo import models
from odoo.tools import SQL


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _dialog_held(self):
        held = super()._dialog_held()
        # (only files of a channel cost a query)
        files = (
            (self - held)
            .sudo()
            .filtered(lambda file: file.res_model == "discuss.channel")
        )
        if not files:
            return held
        self.env["discuss.channel"].flush_model(["dialog_message_id"])
        rows = self.env.execute_query(
            SQL(
                """SELECT file.id
                     FROM ir_attachment AS file
                     JOIN discuss_channel AS thread ON thread.id = file.res_id
                     JOIN mail_message AS message
                       ON message.id = thread.dialog_message_id
                     JOIN res_partner AS customer
                       ON customer.id = message.dialog_partner_id
                    WHERE file.id = ANY(%s) AND customer.dialog_legal_hold""",
                list(files.ids),
            )
        )
        return held | self.browse(row[0] for row in rows)
