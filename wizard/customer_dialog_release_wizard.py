from odoo import api, fields, models
from odoo.exceptions import UserError


class CustomerDialogReleaseWizard(models.TransientModel):
    """Make an internal message a message for the customer: a new delivery
    decision under the same rules as a new message, shown before it is
    taken (the composer's preview) and taken only on confirmation."""

    _name = "customer_dialog.release.wizard"
    _description = "Release a Dialog Message for the Customer"

    message_id = fields.Many2one("mail.message", required=True, readonly=True)
    subject = fields.Char(related="message_id.dialog_title")
    recipient_id = fields.Many2one(related="message_id.dialog_recipient_id")
    send_content = fields.Boolean(
        string="Send content by email",
        compute="_compute_send_content",
        store=True,
        readonly=False,
        help="Unchecked: the customer only gets a notice that a new message waits "
        "in the portal.",
    )
    show_send_content = fields.Boolean(compute="_compute_delivery_preview")
    delivery_preview = fields.Char(
        string="Delivery", compute="_compute_delivery_preview"
    )
    refused = fields.Boolean(compute="_compute_delivery_preview")
    recipient_cannot_log_in = fields.Boolean(compute="_compute_delivery_preview")
    recipient_name = fields.Char(related="recipient_id.name")

    @api.model_create_multi
    def create(self, vals_list):
        """Created over RPC with any message id: its related fields are read
        in sudo, so only a message the user may read has a release dialog."""
        wizards = super().create(vals_list)
        wizards.message_id.check_access("read")
        return wizards

    def write(self, vals):
        # (and not changed to another message afterwards)
        if "message_id" in vals:
            self.env["mail.message"].browse(vals["message_id"]).check_access("read")
        return super().write(vals)

    @api.depends("recipient_id")
    def _compute_send_content(self):
        for wizard in self:
            wizard.send_content = (
                wizard.recipient_id.commercial_partner_id.dialog_mail_content
            )

    @api.depends("message_id", "send_content")
    def _compute_delivery_preview(self):
        for wizard in self:
            message = wizard.message_id
            recipient = wizard.recipient_id
            decision = self.env["mail.thread"]._dialog_decide_delivery(
                "customer", recipient, wizard.send_content
            )
            wizard.refused = decision["visibility"] != "customer"
            wizard.recipient_cannot_log_in = (
                decision["code"] == "notice" and not recipient._dialog_can_log_in()
            )
            wizard.show_send_content = bool(
                not wizard.refused and recipient.dialog_portal_access
            )
            wizard.delivery_preview = (
                message._dialog_refusal_reason(decision, recipient)
                if wizard.refused
                else decision["info"]
            )

    def action_release(self):
        """Released as its author or a manager may change it: checked as the
        write it is (rights, lock, legal hold), then decided and delivered."""
        self.ensure_one()
        message = self.message_id
        if message.dialog_visibility != "internal":
            raise UserError(self.env._("Only an internal message can be released."))
        message.check_access("write")
        message._dialog_check_write({"dialog_visibility": "customer"})
        message._dialog_set_visibility(
            "customer", self.send_content if self.show_send_content else None
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Released for the customer"),
                "message": message.dialog_delivery_info,
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_invite_recipient(self):
        """The portal invitation of the composer, then back to this dialog."""
        self.ensure_one()
        self.recipient_id._dialog_invite_to_portal()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Release for the customer"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }
