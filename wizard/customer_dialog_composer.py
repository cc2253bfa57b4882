from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.correspondence.mail_message import has_opening_and_closing
from ..tools.dialog_constants import CHANNELS, DIRECTIONS, VISIBILITIES
from ..tools.dialog_input import is_request_id


class CustomerDialogComposer(models.TransientModel):
    """Log a dialog message from the customer form, the overview or the
    chatter of any document. Saving goes through ``dialog_post``."""

    _name = "customer_dialog.composer"
    _description = "Dialog Message Composer"

    res_model = fields.Char(string="Reference Model")
    res_id = fields.Many2oneReference(string="Reference ID", model_field="res_model")
    reference_name = fields.Char(
        string="Reference Object", compute="_compute_reference_name"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        domain="[('parent_id', '=', False)]",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact Person",
        domain="[('id', 'child_of', partner_id), ('id', '!=', partner_id)]",
        help="Receives the message instead of the customer's main address.",
    )
    recipient_id = fields.Many2one("res.partner", compute="_compute_recipient_id")
    recipient_name = fields.Char(related="recipient_id.name")
    partner_blocked = fields.Boolean(related="partner_id.dialog_blocked")
    partner_block_reason = fields.Text(related="partner_id.dialog_block_reason")
    topic_id = fields.Many2one("customer_dialog.topic")
    visibility = fields.Selection(
        VISIBILITIES,
        compute="_compute_visibility",
        store=True,
        readonly=False,
        required=True,
        default="internal",
    )
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    direction = fields.Selection(
        DIRECTIONS,
        required=True,
        default="outgoing",
        help="Incoming: information received from the customer (call, letter, ...); "
        "the customer is told that it was recorded.",
    )
    subject = fields.Char()
    body = fields.Html(string="Message", sanitize_style=True)
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "customer_dialog_composer_ir_attachment_rel",
        "composer_id",
        "attachment_id",
        string="Attachments",
    )
    template_id = fields.Many2one(
        "mail.template",
        string="Use Template",
        domain="[('model', '=', res_model or 'res.partner')]",
    )
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
    delivery_downgraded = fields.Boolean(compute="_compute_delivery_preview")
    recipient_cannot_log_in = fields.Boolean(
        compute="_compute_delivery_preview",
        help="A notice would go to a contact without a portal login: its link "
        "ends at a login they cannot pass.",
    )
    letter_preview = fields.Char(
        string="Email",
        compute="_compute_letter_preview",
        help="How the email opens and closes around the text: a salutation "
        "and a closing are added only where the text has none.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    follow_up_date = fields.Date(
        help="Creates a to-do for the responsible on the reference object."
    )
    date = fields.Datetime(
        string="Interaction Date", default=fields.Datetime.now, required=True
    )
    reply_to_id = fields.Many2one("mail.message", string="In Reply To", readonly=True)
    cc_partner_ids = fields.Many2many(
        "res.partner",
        "customer_dialog_composer_cc_rel",
        "composer_id",
        "partner_id",
        string="CC",
        help="Get a copy; every recipient sees who got one. E.g. the "
        "customer's accountant or second managing director.",
    )
    bcc_partner_ids = fields.Many2many(
        "res.partner",
        "customer_dialog_composer_bcc_rel",
        "composer_id",
        "partner_id",
        string="BCC",
        help="Get a blind copy: named in no email and not in the portal.",
    )
    listed_partner_ids = fields.Many2many(
        "res.partner",
        "customer_dialog_composer_listed_rel",
        "composer_id",
        "partner_id",
        string="Listed, not sent",
        help="Named as recipients of the message, without an email.",
    )
    outside_names = fields.Char(
        compute="_compute_outside_names",
        help="Copies that go to people who are not contacts of the customer.",
    )
    confirm_outside = fields.Boolean(
        string="I confirm: they may read the content",
        help="Confirm that recipients outside the customer get the content.",
    )
    reader_user_ids = fields.Many2many(
        "res.users",
        "customer_dialog_composer_reader_user_rel",
        "composer_id",
        "user_id",
        string="Readers",
        domain="[('share', '=', False)]",
        help="Only these employees (and you) will see this internal message; "
        "nobody else, managers included. Empty: every employee with access.",
    )
    reader_group_ids = fields.Many2many(
        "res.groups",
        "customer_dialog_composer_reader_group_rel",
        "composer_id",
        "group_id",
        string="Reader Groups",
        compute="_compute_reader_group_ids",
        store=True,
        readonly=False,
        help="Members of these groups will see this internal message.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if (
            not values.get("res_model")
            and context.get("active_model")
            and context.get("active_id")
        ):
            values.setdefault("res_model", context["active_model"])
            values.setdefault("res_id", context["active_id"])
        return values

    def _reference(self):
        """The document the message is filed on, or None."""
        self.ensure_one()
        if self.res_model and self.res_id and self.res_model in self.env:
            return self.env[self.res_model].browse(self.res_id).exists() or None
        return None

    @api.model_create_multi
    def create(self, vals_list):
        """A composer opened over RPC for a document that does not exist is
        a clear error, not a traceback of the computed fields or a missing
        customer."""
        for vals in vals_list:
            vals = self._add_missing_default_values(vals)
            model, res_id = vals.get("res_model"), vals.get("res_id")
            if model and (
                not isinstance(model, str)
                or model not in self.env
                or self.env[model]._abstract
                or not is_request_id(res_id)
                or not self.env[model].browse(int(res_id)).exists()
            ):
                raise ValidationError(
                    self.env._("The document to file the message on does not exist.")
                )
        return super().create(vals_list)

    @api.depends("res_model", "res_id")
    def _compute_reference_name(self):
        for composer in self:
            record = composer._reference()
            composer.reference_name = record.display_name if record else False

    @api.depends("res_model", "res_id")
    def _compute_partner_id(self):
        for composer in self:
            record = composer._reference()
            if record is not None and hasattr(record, "_dialog_get_customer"):
                composer.partner_id = record._dialog_get_customer(
                    raise_if_missing=False
                )

    @api.depends("partner_id", "contact_id")
    def _compute_recipient_id(self):
        for composer in self:
            composer.recipient_id = composer.contact_id or composer.partner_id

    @api.depends("topic_id")
    def _compute_visibility(self):
        for composer in self:
            if composer.topic_id:
                composer.visibility = composer.topic_id.default_visibility

    @api.depends("partner_id", "cc_partner_ids", "bcc_partner_ids", "visibility")
    def _compute_outside_names(self):
        for composer in self:
            outside = (composer.cc_partner_ids | composer.bcc_partner_ids).filtered(
                lambda p, c=composer: p.commercial_partner_id != c.partner_id
            )
            composer.outside_names = (
                ", ".join(outside.mapped("display_name"))
                if outside and composer.visibility == "customer"
                else False
            )

    def _recipients(self):
        """The further recipients as dialog_post takes them."""
        return [
            {"partner_id": partner.id, "role": role}
            for role, partners in (
                ("cc", self.cc_partner_ids),
                ("bcc", self.bcc_partner_ids),
                ("none", self.listed_partner_ids),
            )
            for partner in partners
        ]

    @api.depends("topic_id", "visibility")
    def _compute_reader_group_ids(self):
        for composer in self:
            composer.reader_group_ids = (
                composer.topic_id.reader_group_ids
                if composer.visibility == "internal"
                else False
            )

    @api.depends("recipient_id")
    def _compute_send_content(self):
        for composer in self:
            composer.send_content = (
                composer.recipient_id.commercial_partner_id.dialog_mail_content
            )

    @api.depends("visibility", "recipient_id", "send_content")
    def _compute_delivery_preview(self):
        decide = self.env["mail.thread"]._dialog_decide_delivery
        for composer in self:
            recipient = composer.recipient_id
            composer.show_send_content = bool(
                composer.visibility == "customer"
                and recipient.email
                and recipient.dialog_portal_access
            )
            decision = decide(composer.visibility, recipient, composer.send_content)
            composer.delivery_preview = decision["info"] if recipient else False
            composer.delivery_downgraded = decision["visibility"] != composer.visibility
            composer.recipient_cannot_log_in = (
                decision["code"] == "notice" and not recipient._dialog_can_log_in()
            )

    @api.depends("visibility", "recipient_id", "body", "delivery_preview")
    def _compute_letter_preview(self):
        for composer in self:
            recipient = composer.recipient_id
            if (
                composer.visibility != "customer"
                or not recipient
                or (composer.delivery_downgraded)
            ):
                composer.letter_preview = False
                continue
            opens, closes = has_opening_and_closing(composer.body)
            # what the email will say, in the recipient's language
            written = recipient.with_context(lang=recipient.lang or self.env.lang)
            composer.letter_preview = self.env._(
                "The email opens with “%(opening)s” and closes with “%(closing)s”.",
                opening=self.env._("your salutation")
                if opens
                else written._dialog_salutation(),
                closing=self.env._("your closing")
                if closes
                else written.env._("Kind regards"),
            )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.contact_id and self.contact_id.commercial_partner_id != self.partner_id:
            self.contact_id = False

    @api.onchange("template_id")
    def _onchange_template_id(self):
        record = self._reference() or self.partner_id
        if not self.template_id or not record:
            return
        rendered = self.template_id._generate_template(
            record.ids, ["subject", "body_html"]
        )[record.id]
        self.subject = rendered.get("subject") or self.subject
        self.body = rendered.get("body_html") or self.body

    def action_invite_recipient(self):
        """Odoo's portal invitation for the recipient of a notice who has no
        login (portal.wizard: its rights, its email), then back to this
        composer as it was."""
        self.ensure_one()
        self.recipient_id._dialog_invite_to_portal()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_dialog.customer_dialog_composer_action"
        )
        return {**action, "res_id": self.id, "views": [(False, "form")]}

    def action_post(self):
        self.ensure_one()
        record = self._reference()
        if record is None:
            if not self.partner_id:
                raise UserError(self.env._("Please choose the customer."))
            record = self.partner_id.commercial_partner_id
        if not hasattr(record, "dialog_post"):
            raise UserError(
                self.env._(
                    "%(name)s has no chatter to hold dialog messages.",
                    name=record.display_name,
                )
            )
        if self.follow_up_date:
            # (dialog_post takes any day and any active employee: it also
            # logs what other systems hand over)
            self.env["mail.message"]._dialog_check_follow_up(
                {"dialog_follow_up_date": self.follow_up_date}
            )
            record._dialog_check_responsible(self.user_id)
        message_id = record.dialog_post(
            body=self.body or "",
            visibility=self.visibility,
            channel=self.channel,
            direction=self.direction,
            subject=self.subject or None,
            topic_id=self.topic_id.id or None,
            user_id=self.user_id.id or None,
            follow_up_date=self.follow_up_date or None,
            send_content=self.send_content if self.show_send_content else None,
            contact_id=self.contact_id.id or None,
            attachment_ids=self.attachment_ids.ids,
            date=self.date,
            reply_to_id=self.reply_to_id.id or None,
            **(
                {
                    "recipients": self._recipients(),
                    "confirm_outside_recipients": self.confirm_outside,
                }
                if self.visibility == "customer"
                else {}
            ),
            **(
                {
                    "reader_user_ids": self.reader_user_ids.ids,
                    "reader_group_ids": self.reader_group_ids.ids,
                }
                if self.visibility == "internal"
                else {}
            ),
        )
        message = self.env["mail.message"].browse(message_id)
        downgraded = message.dialog_visibility != self.visibility
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Dialog message saved"),
                "message": message.dialog_delivery_info,
                "type": "warning" if downgraded else "success",
                "sticky": downgraded,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
