"""The further recipients of a dialog message as its form, the portal and
the export show them, and the roles its delivery emails are sent by."""

from odoo import fields, models

from ...tools.dialog_constants import EMPLOYEES_ONLY


class MailMessage(models.Model):
    _inherit = "mail.message"

    dialog_recipient_ids = fields.One2many(
        "customer_dialog.recipient",
        "message_id",
        string="Further Recipients",
        groups=EMPLOYEES_ONLY,
        help="Copies (CC), blind copies (BCC) and recipients only listed, "
        "besides the contact person (To).",
    )

    def _dialog_delivery_info_more(self):
        """The decision names the copies too."""
        copies = self.sudo().dialog_recipient_ids.filtered("address")
        more = super()._dialog_delivery_info_more()
        if not copies:
            return more
        return [
            *more,
            self.env._(
                "Also sent to %(names)s (see Recipients).",
                names=", ".join(copies.partner_id.mapped("name")),
            ),
        ]

    def _dialog_delivery_partners(self, recipient):
        """Every partner the delivery email goes to: the To recipient, then
        the copies and blind copies."""
        rows = self.sudo().dialog_recipient_ids.filtered(
            lambda row: row.role in ("cc", "bcc") and row.address and row.partner_id
        )
        return super()._dialog_delivery_partners(recipient) | rows.partner_id

    def _dialog_visible_recipients(self):
        """Who received this message as the customer sees it: the To
        recipient and the copies, never a blind copy (sudo)."""
        self.ensure_one()
        sudo = self.sudo()
        to = sudo.dialog_recipient_id if sudo.dialog_delivery_address else None
        copies = sudo.dialog_recipient_ids.filtered(lambda row: row.role == "cc")
        return to, copies.partner_id

    def _dialog_roles(self):
        """{partner id: role} of this delivered message's recipients (sudo):
        "to", "cc" or "bcc"."""
        self.ensure_one()
        sudo = self.sudo()
        roles = {
            row.partner_id.id: row.role
            for row in sudo.dialog_recipient_ids
            if row.partner_id and row.role in ("cc", "bcc")
        }
        roles[sudo.dialog_recipient_id.id] = "to"
        return roles
