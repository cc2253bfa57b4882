"""A dialog message: its fields, its computed state and the actions of its
form.

The other concerns re-inherit mail.message in a folder of their own:
``editing/`` (who changes what: create, write, unlink by users),
``access/`` (what an employee may read), ``delivery/`` (the delivery
decision as stored, delivery emails, resend),
``portal/`` (what a share user may see), ``incoming/`` (portal replies and
the mail gateway), ``privacy/`` (legal hold, the retention lock)."""

from collections import defaultdict
from textwrap import shorten

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL, sql

from ..tools.dialog_constants import (
    CHANNELS,
    DECISIONS,
    DELIVERIES,
    DELIVERY_STATES,
    DIRECTIONS,
    EMPLOYEES_ONLY,
    VISIBILITIES,
    DialogSanitized,
)
from ..tools.dialog_input import (
    ensure_one as dialog_ensure_one,
)

# (name, columns, condition) of the partial indexes created in init(); the
# portal's own are in portal/mail_message.py
INDEXES = [
    (
        "mail_message_dialog_customer_date_index",
        "(dialog_partner_id, date DESC, id DESC)",
        "dialog_partner_id IS NOT NULL",
    ),
    (
        "mail_message_dialog_date_index",
        "(date DESC, id DESC)",
        "dialog_visibility IS NOT NULL",
    ),
]
# Characters of the text shown where a message has no subject.
TITLE_LENGTH = 60


class MessageBody(fields.Html):
    """mail.message's body, stored as Odoo stores it, except a body that
    dialog_input.to_body has already sanitised (the DialogSanitized marker
    of its creation names it): that one is stored as it is. Answers the
    cost of sanitising a large body three times (to_body, then the ORM's
    cache and column): 0.5 MB of HTML took twice as long as message_post."""

    def _convert(self, value, record, validate):
        sanitized = DialogSanitized.of(record.env)
        if validate and sanitized and value and value == sanitized.body:
            return Markup(value)
        return super()._convert(value, record, validate)


class MailMessage(models.Model):
    """A *dialog message* is a mail.message with a ``dialog_visibility``.

    It lives in the chatter of its reference object (``model``/``res_id``) and
    belongs to a customer (``dialog_partner_id``). Who may see it outside the
    company is decided in portal/mail_message.py, what an employee may read
    in access/mail_message.py.
    """

    _inherit = "mail.message"

    def ensure_one(self):
        """Odoo's ensure_one, failing with a user's error (see NotOneRecord):
        every action and RPC method of the module checks with it."""
        return dialog_ensure_one(self)

    # mail's definition, repeated: a field of another class takes no
    # attribute from the one it replaces
    body = MessageBody("Contents", default="", sanitize_style=True)
    dialog_partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        ondelete="restrict",
        help="Commercial entity whose customer file holds the message.",
    )
    dialog_contact_id = fields.Many2one(
        "res.partner",
        string="Contact Person",
        ondelete="set null",
        help="Receives the message instead of the customer's main address.",
    )
    dialog_recipient_id = fields.Many2one(
        "res.partner",
        string="Recipient",
        compute="_compute_dialog_recipient_id",
    )
    dialog_visibility = fields.Selection(VISIBILITIES, string="Visibility")
    dialog_published = fields.Boolean(
        string="Published",
        help="Visible for the customer in the portal.",
    )
    dialog_delivery = fields.Selection(
        DELIVERIES,
        string="Delivery",
        compute="_compute_dialog_delivery",
        store=True,
        precompute=True,
        help="The email the delivery rules sent: derived from the decision.",
    )
    dialog_delivery_code = fields.Selection(
        DECISIONS,
        string="Decision",
        groups=EMPLOYEES_ONLY,
        help="What the delivery rules decided when the message was saved.",
    )
    dialog_delivery_address = fields.Char(
        string="Delivered To",
        groups=EMPLOYEES_ONLY,
        help="Email address the message or its notice went to.",
    )
    dialog_delivery_info = fields.Char(
        string="Delivery Decision",
        compute="_compute_dialog_delivery_info",
        groups=EMPLOYEES_ONLY,
        help="Why the message was or was not sent, in the reader's language.",
    )
    dialog_delivery_message_id = fields.Many2one(
        "mail.message",
        string="Delivery Email",
        index="btree_not_null",
        ondelete="set null",
        groups=EMPLOYEES_ONLY,
        help="The email notification that carried the message to the customer.",
    )
    dialog_delivery_state = fields.Selection(
        DELIVERY_STATES,
        string="Delivery State",
        compute="_compute_dialog_delivery_state",
        search="_search_dialog_delivery_state",
        help="Derived from the delivery email's own status: pending, sent or "
        "failed (SMTP error or bounce).",
    )
    dialog_channel = fields.Selection(CHANNELS, string="Channel")
    dialog_direction = fields.Selection(DIRECTIONS, string="Direction")
    dialog_topic_id = fields.Many2one(
        "customer_dialog.topic",
        string="Topic",
        index="btree_not_null",
        ondelete="restrict",
    )
    dialog_user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        index="btree_not_null",
        ondelete="set null",
        groups=EMPLOYEES_ONLY,
    )
    dialog_follow_up_date = fields.Date(string="Follow-up Date", groups=EMPLOYEES_ONLY)
    dialog_activity_id = fields.Many2one(
        "mail.activity",
        string="Follow-up Activity",
        ondelete="set null",
        groups=EMPLOYEES_ONLY,
    )
    dialog_log_for_id = fields.Many2one(
        "mail.message",
        string="Log Line Of",
        index="btree_not_null",
        ondelete="set null",
        groups=EMPLOYEES_ONLY,
        help="On a log line of a document (a done follow-up or delivery "
        "to-do, a change of visibility): the dialog message it is about. An "
        "erasure clears such log lines with their message.",
    )
    dialog_reference_model = fields.Selection(
        selection="_selection_dialog_reference",
        string="Reference Type",
        compute="_compute_dialog_reference_model",
        store=True,
        precompute=True,
        help="Kind of document the message belongs to (customer, sales order, ...).",
    )
    dialog_reference = fields.Reference(
        selection="_selection_dialog_reference",
        string="Reference Object",
        compute="_compute_dialog_reference",
    )
    dialog_reply_to_id = fields.Many2one(
        "mail.message",
        string="In Reply To",
        index="btree_not_null",
        ondelete="set null",
        help="First message of the conversation this message answers.",
    )
    dialog_deleted_reference = fields.Char(
        string="Deleted Reference Object",
        help="The document the message belonged to before it was deleted; the "
        "message stayed in the customer file.",
    )
    dialog_archived = fields.Boolean(
        string="Archived",
        help="Hidden from the overview by default; stays in the customer file.",
    )
    dialog_title = fields.Char(
        string="Title",
        compute="_compute_dialog_title",
        help="The subject, else the beginning of the text.",
    )
    dialog_portal_url = fields.Char(
        string="Portal Link", compute="_compute_dialog_portal_url"
    )
    dialog_locked = fields.Boolean(
        string="Locked",
        compute="_compute_dialog_locked",
        help="Delivered to the customer: content, visibility and customer are final.",
    )

    def _auto_init(self):
        """Installed on a big mail_message, Odoo would compute the derived
        columns for every message in Python (minutes at a million); they
        start empty, which is their value for every message that is not a
        dialog message, and there is none yet."""
        for fname in ("dialog_delivery", "dialog_reference_model"):
            if not sql.column_exists(self.env.cr, self._table, fname):
                sql.create_column(self.env.cr, self._table, fname, "varchar")
        return super()._auto_init()

    def init(self):
        """Indexes for "newest first" reads with a LIMIT: one customer's file
        (overview, customer form, and the foreign key of the customer) and
        all dialog messages (global overview); the portal's and the access
        rule's are created in their rooms. Partial, so that messages of other
        apps neither grow nor write them."""
        result = super().init()
        self._dialog_create_indexes(INDEXES)
        return result

    def _dialog_create_indexes(self, indexes):
        """Create the partial indexes ``indexes``: (name, columns, condition)."""
        for name, columns, where in indexes:
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON mail_message %s WHERE %s",
                    SQL.identifier(name),
                    SQL(columns),
                    SQL(where),
                )
            )

    # ------------------------------------------------------------------
    # Computed fields: recipient, reference object, title, links, lock
    # ------------------------------------------------------------------

    @api.depends("dialog_partner_id", "dialog_contact_id")
    def _compute_dialog_recipient_id(self):
        for message in self:
            message.dialog_recipient_id = (
                message.dialog_contact_id or message.dialog_partner_id
            )

    @api.model
    def _selection_dialog_reference(self):
        """Documents with a chatter, i.e. what a dialog message can belong to."""
        return list(self._dialog_thread_models())

    @tools.ormcache("self.env.lang")
    def _dialog_thread_models(self):
        # asked for every value of a Reference field: computed once per
        # language and registry (models only change with the registry)
        models = self.env["ir.model"].sudo().search([("is_mail_thread", "=", True)])
        return tuple((model.model, model.name) for model in models)

    @api.depends("model", "dialog_visibility")
    def _compute_dialog_reference_model(self):
        """The kind of the reference object, stored for the overview's and
        the portal's filters and groups (a dialog message's ``model`` is a
        document with a chatter, see _selection_dialog_reference)."""
        for message in self:
            message.dialog_reference_model = (
                message.dialog_visibility and message.model
            ) or False

    @api.depends("model", "res_id")
    def _compute_dialog_reference(self):
        """The reference object as a record, checked to exist once per model
        for the whole batch."""
        ids_by_model = defaultdict(set)
        for message in self:
            if (
                message.dialog_visibility
                and message.model in self.env
                and message.res_id
            ):
                ids_by_model[message.model].add(message.res_id)
        existing = {
            model: set(self.env[model].browse(ids).exists().ids)
            for model, ids in ids_by_model.items()
        }
        for message in self:
            found = message.res_id in existing.get(message.model, ())
            message.dialog_reference = (
                self.env[message.model].browse(message.res_id) if found else False
            )

    def _dialog_thread(self):
        """The reference object as a mail.thread record, or None."""
        self.ensure_one()
        if self.model not in self.env or not self.res_id:
            return None
        record = self.env[self.model].browse(self.res_id).exists()
        if not record or not hasattr(record, "_message_log"):
            return None
        return record

    @api.depends("subject", "body")
    def _compute_dialog_title(self):
        for message in self:
            message.dialog_title = message.subject or shorten(
                message.preview or "", TITLE_LENGTH, placeholder="…"
            )

    def _dialog_backend_url(self):
        """Link to the message in the overview, for employees."""
        self.ensure_one()
        return f"/odoo/action-customer_dialog.mail_message_dialog_action/{self.id}"

    @api.depends("dialog_delivery")
    def _compute_dialog_locked(self):
        for message in self:
            message.dialog_locked = message.dialog_delivery in ("content", "notice")

    # ------------------------------------------------------------------
    # Actions of the form and the overview
    # ------------------------------------------------------------------

    def action_dialog_answer(self):
        """The composer, prefilled to answer this message in its conversation."""
        self.ensure_one()
        # callable over RPC with any id: what it tells needs read access
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_dialog.customer_dialog_composer_action"
        )
        contact = self.dialog_contact_id or (
            self.author_id
            if self.author_id.commercial_partner_id == self.dialog_partner_id
            and self.author_id != self.dialog_partner_id
            else self.env["res.partner"]
        )
        action["context"] = {
            "default_res_model": self.model,
            "default_res_id": self.res_id,
            "default_contact_id": contact.id,
            "default_topic_id": self.dialog_topic_id.id,
            "default_visibility": "customer",
            "default_reply_to_id": (self.dialog_reply_to_id or self).id,
            "default_subject": self.subject,
        }
        return action

    def action_dialog_publish(self):
        self.write({"dialog_published": True})
        return True  # (XML-RPC has no None)

    def action_dialog_unpublish(self):
        self.write({"dialog_published": False})
        return True  # (XML-RPC has no None)

    def action_dialog_archive(self):
        self.write({"dialog_archived": True})
        return True  # (XML-RPC has no None)

    def action_dialog_unarchive(self):
        self.write({"dialog_archived": False})
        return True  # (XML-RPC has no None)

    def action_dialog_open_reference(self):
        self.ensure_one()
        # callable over RPC with any id: what it tells needs read access
        self.check_access("read")
        record = self._dialog_thread()
        if record is None:
            raise UserError(self.env._("The reference object no longer exists."))
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
