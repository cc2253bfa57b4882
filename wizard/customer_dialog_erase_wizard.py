from odoo import api, fields, models


class CustomerDialogEraseWizard(models.TransientModel):
    """Confirm the erasure of a customer file (Art. 17 GDPR): it names what
    will be removed before anything is."""

    _name = "customer_dialog.erase.wizard"
    _description = "Erase a Customer File"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    message_count = fields.Integer(string="Dialog Messages", compute="_compute_counts")
    delivery_count = fields.Integer(string="Delivery Emails", compute="_compute_counts")
    attachment_count = fields.Integer(string="Files", compute="_compute_counts")
    activity_count = fields.Integer(string="Follow-ups", compute="_compute_counts")
    left_out_count = fields.Integer(string="Left Out", compute="_compute_counts")
    left_out_reason = fields.Char(string="Not Erased", compute="_compute_counts")

    @api.depends("partner_id")
    def _compute_counts(self):
        for wizard in self:
            customer = wizard.partner_id.commercial_partner_id
            targets = customer._dialog_erase_targets() if customer else {}
            wizard.message_count = len(targets.get("messages", ()))
            wizard.delivery_count = len(targets.get("copies", ()))
            wizard.attachment_count = len(targets.get("attachments", ()))
            wizard.activity_count = len(targets.get("activities", ()))
            left_out = targets.get("left_out")
            wizard.left_out_count = len(left_out or ())
            wizard.left_out_reason = (
                customer._dialog_left_out_sentence(left_out) if left_out else False
            )

    def action_confirm(self):
        self.ensure_one()
        self.partner_id.commercial_partner_id._dialog_erase_file()
        # the form and its chatter show the erased texts no longer
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Customer file erased"),
                "message": self.env._(
                    "The content of its messages is erased; the messages "
                    "remain as the record that they existed."
                ),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
