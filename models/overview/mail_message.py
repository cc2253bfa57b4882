from odoo import models
from odoo.exceptions import UserError


class MailMessage(models.Model):
    _inherit = "mail.message"

    def action_dialog_customer_overview(self):
        """The overview of this message's customer (a row of the dialog
        overview, the message's form)."""
        self.ensure_one()
        self.check_access("read")
        customer = self.sudo().dialog_partner_id.with_env(self.env)
        if not customer:
            raise UserError(self.env._("This message belongs to no customer."))
        return customer.action_dialog_overview()
