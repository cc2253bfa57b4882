"""The customer: how its messages are delivered (content or notice, portal
access), its block and legal hold, its file's counters and actions, and
what deleting a partner may not take away. Access and erasure are in
privacy/res_partner.py."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date


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
    # the block and its reason are the company's internal judgement: never
    # readable by the customer (portal, RPC) nor by public token holders
    dialog_blocked = fields.Boolean(
        string="Blocked",
        tracking=True,
        copy=False,
        groups="customer_dialog.group_customer_dialog_user",
        help="Blocked customers are shown with a warning wherever they are dealt with.",
    )
    dialog_block_reason = fields.Text(
        string="Block Reason",
        tracking=True,
        copy=False,
        groups="customer_dialog.group_customer_dialog_user",
    )
    dialog_blocked_date = fields.Date(
        string="Blocked Since",
        copy=False,
        groups="customer_dialog.group_customer_dialog_user",
    )
    dialog_block_summary = fields.Char(
        string="Block",
        compute="_compute_dialog_block_summary",
        groups="customer_dialog.group_customer_dialog_user",
        help="The block as one line: since when and why.",
    )
    dialog_legal_hold = fields.Boolean(
        string="Legal Hold",
        tracking=True,
        copy=False,
        groups="customer_dialog.group_customer_dialog_manager",
        help="The customer's file must be kept (e.g. for a lawsuit or an "
        "audit): no retention period deletes its messages and it cannot be "
        "erased. Messages are still archived.",
    )
    dialog_message_count = fields.Integer(
        string="Dialog Messages", compute="_compute_dialog_message_count"
    )
    dialog_message_ids = fields.Many2many(
        "mail.message",
        string="Latest Dialog Messages",
        compute="_compute_dialog_message_ids",
    )

    @api.depends("dialog_blocked", "dialog_blocked_date", "dialog_block_reason")
    @api.depends_context("lang")
    def _compute_dialog_block_summary(self):
        for partner in self:
            if not partner.dialog_blocked:
                partner.dialog_block_summary = False
            elif partner.dialog_blocked_date:
                partner.dialog_block_summary = self.env._(
                    "Customer blocked since %(date)s: %(reason)s",
                    date=format_date(self.env, partner.dialog_blocked_date),
                    reason=partner.dialog_block_reason or "",
                )
            else:
                partner.dialog_block_summary = self.env._(
                    "Customer blocked: %(reason)s",
                    reason=partner.dialog_block_reason or "",
                )

    def dialog_block_banner(self):
        """The block of this partner's customer as one line, for the banner
        of forms where it is dealt with (a quotation), or False. Called by
        the web client with any id: it tells only what the user may read."""
        self.ensure_one()
        self.check_access("read")
        if not self.env.user.has_group("customer_dialog.group_customer_dialog_user"):
            return False
        return self.commercial_partner_id.dialog_block_summary or False

    @api.model
    def _commercial_fields(self):
        return [*super()._commercial_fields(), "dialog_mail_content"]

    @api.model
    def _dialog_customers_with_portal_access(self, customers=None):
        """Ids of the commercial entities of which the entity itself or a
        contact has an active portal user (limited to ``customers``)."""
        portal_group = self.env["ir.model.data"]._xmlid_to_res_id("base.group_portal")
        self.env["res.users"].flush_model(
            ["active", "share", "partner_id", "groups_id"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        query = SQL(
            """SELECT DISTINCT partner.commercial_partner_id
                 FROM res_users AS portal_user
                 JOIN res_partner AS partner ON partner.id = portal_user.partner_id
                 JOIN res_groups_users_rel AS membership
                   ON membership.uid = portal_user.id AND membership.gid = %s
                WHERE portal_user.active AND portal_user.share""",
            portal_group,
        )
        if customers is not None:
            query = SQL(
                "%s AND partner.commercial_partner_id = ANY(%s)", query, customers.ids
            )
        return {row[0] for row in self.env.execute_query(query)}

    def _dialog_can_log_in(self):
        """Whether this partner has an active login (portal or employee): the
        link of a notice opens for them."""
        self.ensure_one()
        return bool(self.sudo().user_ids)

    def _dialog_invite_to_portal(self):
        """Odoo's portal invitation for this partner (portal.wizard: its
        access rights, its email), as the composer and the release dialog
        offer it for a notice that would not open."""
        self.ensure_one()
        wizard = (
            self.env["portal.wizard"]
            .with_context(active_ids=self.ids, active_model="res.partner")
            .create({})
        )
        wizard.user_ids.filtered(
            lambda line: line.partner_id == self
        ).action_grant_access()

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
    @api.depends_context("uid")
    def _compute_dialog_message_count(self):
        # what the user may read; for employees an SQL count (_dialog_search)
        counts = dict(
            self.env["mail.message"]._read_group(
                self._dialog_messages_domain(), ["dialog_partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.dialog_message_count = counts.get(partner.commercial_partner_id, 0)

    @api.depends("commercial_partner_id")
    @api.depends_context("uid")
    def _compute_dialog_message_ids(self):
        Message = self.env["mail.message"]
        for partner in self:
            partner.dialog_message_ids = Message.search(
                [*partner._dialog_messages_domain(), ("dialog_archived", "=", False)],
                order="date desc, id desc",
                limit=20,
            )

    def _dialog_get_customer(self, raise_if_missing=True):
        # a partner's messages are filed in its commercial entity's file
        self.ensure_one()
        return self.commercial_partner_id

    def _dialog_keep_messages_of_deleted_records(self):
        """A customer with a file of its own and a contact who received dialog
        messages are never deleted: archived instead."""
        self._dialog_check_no_recipient_deleted()
        own_file = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "in", self.ids),
                    ("dialog_partner_id", "in", self.ids),
                ]
            )
            .filtered(lambda m: m.dialog_partner_id.id == m.res_id)
        )
        if own_file:
            raise UserError(
                self.env._(
                    "%(customer)s has a customer file with %(count)s dialog "
                    "messages and cannot be deleted: archive it instead.",
                    customer=own_file[0].dialog_partner_id.display_name,
                    count=len(own_file),
                )
            )
        return super()._dialog_keep_messages_of_deleted_records()

    def _dialog_check_no_recipient_deleted(self):
        """A contact who received a dialog message is part of the customer
        file: deleting it would also delete the notifications that tell
        whether the email arrived."""
        received = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("dialog_contact_id", "in", self.ids),
                    ("dialog_delivery", "in", ("content", "notice")),
                ],
                limit=1,
            )
        )
        if received:
            raise UserError(
                self.env._(
                    "%(contact)s received dialog messages of the customer file "
                    "and cannot be deleted: archive it instead.",
                    contact=received.dialog_contact_id.display_name,
                )
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

    def _dialog_check_manager(self, reason=None):
        if not self.env.user.has_group("customer_dialog.group_customer_dialog_manager"):
            raise AccessError(
                reason
                or self.env._(
                    "Only Customer Dialog managers may block or unblock customers."
                )
            )

    def _dialog_log_note(self, text):
        """An internal note in the customer's chatter, outside its dialog
        file (e.g. what the retention job or an erasure did, as counts)."""
        self.ensure_one()
        self.sudo()._message_log(
            body=Markup("<p>%s</p>") % text, author_id=self.env.user.partner_id.id
        )
