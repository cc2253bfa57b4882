from odoo import api, fields, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    dialog_mail_content = fields.Boolean(
        string="Send message content by email",
        help="For customers with portal access: email the full content of new "
        "customer messages. When unchecked they only get a notice that a new "
        "message is waiting in their portal (privacy by default). Customers "
        "without portal access always receive the content.",
    )
    dialog_portal_access = fields.Boolean(
        string="Portal access",
        compute="_compute_dialog_portal_access",
        search="_search_dialog_portal_access",
        help="The customer has an active portal user.",
    )

    @api.depends("user_ids.active", "user_ids.share", "user_ids.groups_id")
    def _compute_dialog_portal_access(self):
        for partner in self:
            partner.dialog_portal_access = any(
                user._is_portal() for user in partner.sudo().user_ids
            )

    def _search_dialog_portal_access(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(
                self.env._("Portal access can only be searched with = or !=.")
            )
        portal_partners = (
            self.env["res.users"]
            .sudo()
            .search([("groups_id", "in", self.env.ref("base.group_portal").ids)])
            .partner_id
        )
        positive = (operator == "=") == bool(value)
        return [("id", "in" if positive else "not in", portal_partners.ids)]
