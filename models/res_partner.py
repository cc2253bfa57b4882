from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    dialog_mail_content = fields.Boolean(
        string="Send message content by email",
        help="For customers with portal access: email the full content of new "
        "customer messages. When unchecked they only get a notice that a new "
        "message is waiting in their portal (privacy by default). Customers "
        "without portal access always receive the content. Set on the "
        "customer; its contacts follow.",
    )
    dialog_portal_access = fields.Boolean(
        string="Portal access",
        compute="_compute_dialog_portal_access",
        search="_search_dialog_portal_access",
        help="The customer or one of its contacts has an active portal user.",
    )
    dialog_blocked = fields.Boolean(
        string="Blocked",
        tracking=True,
        copy=False,
        help="Blocked customers are shown with a warning wherever they are dealt with.",
    )
    dialog_block_reason = fields.Text(string="Block Reason", tracking=True, copy=False)
    dialog_blocked_date = fields.Date(string="Blocked Since", copy=False)
    dialog_message_count = fields.Integer(
        string="Dialog Messages", compute="_compute_dialog_message_count"
    )
    dialog_message_ids = fields.Many2many(
        "mail.message",
        string="Latest Dialog Messages",
        compute="_compute_dialog_message_ids",
    )

    @api.model
    def _commercial_fields(self):
        return [*super()._commercial_fields(), "dialog_mail_content"]

    @api.model
    def _dialog_customers_with_portal_access(self, customers=None):
        """Ids of the commercial entities of which the entity itself or a
        contact has an active portal user (limited to ``customers``)."""
        domain = [
            ("groups_id", "in", self.env.ref("base.group_portal").ids),
            ("share", "=", True),
        ]
        if customers is not None:
            domain.append(("partner_id.commercial_partner_id", "in", customers.ids))
        users = self.env["res.users"].sudo().search(domain)
        return set(users.partner_id.commercial_partner_id.ids)

    def _dialog_has_portal_access(self):
        """Whether this partner's customer has portal access, read now (the
        computed field may be cached from before a user was created)."""
        self.ensure_one()
        customer = self.commercial_partner_id
        return customer.id in self._dialog_customers_with_portal_access(customer)

    @api.depends("commercial_partner_id")
    def _compute_dialog_portal_access(self):
        with_access = self._dialog_customers_with_portal_access(
            self.commercial_partner_id
        )
        for partner in self:
            partner.dialog_portal_access = (
                partner.commercial_partner_id.id in with_access
            )

    def _search_dialog_portal_access(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(
                self.env._("Portal access can only be searched with = or !=.")
            )
        with_access = list(self._dialog_customers_with_portal_access())
        positive = (operator == "=") == bool(value)
        return [("commercial_partner_id", "in" if positive else "not in", with_access)]

    def _dialog_messages_domain(self):
        return [
            ("dialog_partner_id", "in", self.commercial_partner_id.ids),
            ("dialog_visibility", "!=", False),
        ]

    @api.depends("commercial_partner_id")
    def _compute_dialog_message_count(self):
        counts = dict(
            self.env["mail.message"]._read_group(
                self._dialog_messages_domain(), ["dialog_partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.dialog_message_count = counts.get(partner.commercial_partner_id, 0)

    @api.depends("commercial_partner_id")
    def _compute_dialog_message_ids(self):
        Message = self.env["mail.message"]
        for partner in self:
            partner.dialog_message_ids = Message.search(
                [*partner._dialog_messages_domain(), ("dialog_archived", "=", False)],
                order="date desc, id desc",
                limit=20,
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_dialog_open_messages(self):
        """The overview, restricted to this customer's file."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_dialog.mail_message_dialog_action"
        )
        customer = self.commercial_partner_id
        action["name"] = self.env._(
            "Dialog: %(customer)s", customer=customer.display_name
        )
        action["domain"] = self._dialog_messages_domain()
        action["context"] = {
            "default_partner_id": customer.id,
            "search_default_filter_active": 1,
        }
        return action

    def action_dialog_compose(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_dialog.customer_dialog_composer_action"
        )
        action["context"] = {
            "default_res_model": "res.partner",
            "default_res_id": self.commercial_partner_id.id,
            "default_contact_id": self.id if self.parent_id else False,
        }
        return action

    def action_dialog_block(self):
        return self._dialog_open_block_wizard("block")

    def action_dialog_unblock(self):
        return self._dialog_open_block_wizard("unblock")

    def _dialog_open_block_wizard(self, mode):
        self.ensure_one()
        self._dialog_check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Block customer")
            if mode == "block"
            else self.env._("Lift block"),
            "res_model": "customer_dialog.block.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_mode": mode,
            },
        }

    def _dialog_check_manager(self):
        if not self.env.user.has_group("customer_dialog.group_customer_dialog_manager"):
            raise AccessError(
                self.env._(
                    "Only Customer Dialog managers may block or unblock customers."
                )
            )
