from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError


class CustomerDialogBlockWizard(models.TransientModel):
    """Block a customer or lift the block, and log it in the customer file."""

    _name = "customer_dialog.block.wizard"
    _description = "Block or Unblock a Customer"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    mode = fields.Selection(
        [("block", "Block"), ("unblock", "Lift block")], required=True, default="block"
    )
    reason = fields.Text(
        help="Why the customer is blocked or unblocked; logged as an internal message."
    )

    def action_confirm(self):
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id
        customer._dialog_check_manager()
        reason = (self.reason or "").strip()
        if self.mode == "block":
            if customer.dialog_blocked:
                raise UserError(
                    self.env._(
                        "%(name)s is already blocked.", name=customer.display_name
                    )
                )
            if not reason:
                raise UserError(self.env._("Please give the reason for the block."))
            # sudo: a dialog manager blocks without the right to edit master data
            customer.sudo().write(
                {
                    "dialog_blocked": True,
                    "dialog_block_reason": reason,
                    "dialog_blocked_date": fields.Date.context_today(self),
                }
            )
            subject = self.env._("Customer blocked")
        else:
            if not customer.dialog_blocked:
                raise UserError(
                    self.env._("%(name)s is not blocked.", name=customer.display_name)
                )
            customer.sudo().write(
                {
                    "dialog_blocked": False,
                    "dialog_block_reason": False,
                    "dialog_blocked_date": False,
                }
            )
            subject = self.env._("Block lifted")
        body = Markup("<p><strong>%s</strong></p>") % subject
        if reason:
            body += Markup("<p>%s</p>") % reason
        topic = self.env.ref("customer_dialog.topic_blocking", raise_if_not_found=False)
        customer.dialog_post(
            body=body,
            subject=subject,
            visibility="internal",
            channel="other",
            topic_id=topic.id
            if topic and topic.active and topic.has_access("read")
            else None,
        )
        return {"type": "ir.actions.act_window_close"}
