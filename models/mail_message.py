"""A dialog message: its fields, what an employee may read of it, who changes
what (create, write, unlink) and the actions of its form.

The other concerns re-inherit mail.message in a folder of their own:
``access/`` (what an employee may read), ``delivery/`` (the delivery
decision as stored, delivery emails, resend),
``portal/`` (what a share user may see), ``incoming/`` (portal replies and
the mail gateway), ``privacy/`` (legal hold, the retention lock)."""

from collections import defaultdict
from textwrap import shorten

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, sql

from ..tools.dialog_constants import (
    CHANNELS,
    DECISIONS,
    DELIVERIES,
    DELIVERY_STATES,
    DIRECTIONS,
    EMPLOYEES_ONLY,
    VISIBILITIES,
    DialogPost,
    DialogSanitized,
)
from ..tools.dialog_input import (
    check_selection_values,
    check_text,
    check_text_size,
    one_header_line,
    to_flag,
    to_follow_up_date,
    to_interaction_date,
    to_record,
    to_responsible,
    to_subject,
)
from ..tools.dialog_input import (
    ensure_one as dialog_ensure_one,
)
from .privacy.mail_message import DECIDES_RETENTION, LOCKED_BY_LEGAL_HOLD

SELECTION_FIELDS = [
    "dialog_visibility",
    "dialog_channel",
    "dialog_direction",
    "dialog_delivery",
]
# The fields only a dialog message has (a log line or a delivery email of one
# has its readers and its link, never these).
DIALOG_MESSAGE_FIELDS = {
    *SELECTION_FIELDS,
    "dialog_partner_id",
    "dialog_contact_id",
    "dialog_recipient_id",
    "dialog_published",
    "dialog_delivery_code",
    "dialog_delivery_address",
    "dialog_delivery_message_id",
    "dialog_topic_id",
    "dialog_user_id",
    "dialog_follow_up_date",
    "dialog_reply_to_id",
    "dialog_archived",
}
# What the author or a dialog manager may change on a dialog message; every
# other field (customer, delivery, conversation, author, document, routing and
# Odoo's markers) is set by dialog_post, the portal and the mail gateway only.
USER_EDITABLE_FIELDS = {
    "body",
    "subject",
    "attachment_ids",
    "date",
    "dialog_visibility",
    "dialog_published",
    "dialog_channel",
    "dialog_direction",
    "dialog_topic_id",
    "dialog_user_id",
    "dialog_follow_up_date",
    "dialog_archived",
    "dialog_reader_user_ids",
    "dialog_reader_group_ids",
}
# What is final once the message went to the customer (its files too: see
# ir.attachment._dialog_check_not_delivered).
LOCKED_AFTER_DELIVERY = {"body", "subject", "attachment_ids", "dialog_visibility"}
TRACKED_FIELDS = ["dialog_visibility", "dialog_published"]
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


def _clean_sender(vals):
    """The sender and Reply-To of a message as one header line each (the
    header cleaning, see mail.mail._prepare_outgoing_list): the stored
    sender is what an email's From says."""
    for fname in ("email_from", "reply_to"):
        if fname in vals:
            vals[fname] = one_header_line(vals[fname])
    return vals


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
    # Who changes what: create, write and unlink by users
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        system = self.env.su or DialogPost.of(self.env)
        if not system and any(
            key.startswith("default_dialog_") and value
            for key, value in self.env.context.items()
        ):
            # (Odoo fills a create's missing fields from default_* keys)
            raise UserError(self._dialog_post_only_message())
        for vals in vals_list:
            check_selection_values(self, vals, SELECTION_FIELDS)
            if not vals.get("dialog_visibility") and any(
                vals.get(fname) for fname in DIALOG_MESSAGE_FIELDS
            ):
                # whoever creates it (sudo too): a message that is no dialog
                # message has none of a dialog message's fields
                raise UserError(self._dialog_post_only_message())
            if not system and any(
                fname.startswith("dialog_") and value for fname, value in vals.items()
            ):
                raise UserError(self._dialog_post_only_message())
            _clean_sender(vals)
        messages = super().create(vals_list)
        # checked after creation, so that default_* context keys count too
        if not system and messages.filtered("dialog_visibility"):
            raise UserError(self._dialog_post_only_message())
        return messages

    def _dialog_post_only_message(self):
        return self.env._(
            "Dialog messages are created with dialog_post, "
            "which applies the delivery rules."
        )

    def write(self, vals):
        check_selection_values(self, vals, SELECTION_FIELDS)
        vals = _clean_sender(dict(vals))
        if set(vals) & LOCKED_BY_LEGAL_HOLD:
            # whoever writes: Odoo's chatter edits messages in sudo
            self._dialog_check_legal_hold()
        if vals.get("body") and self.filtered("dialog_visibility"):
            # an edit in the chatter (sudo) is held to dialog_post's limit
            body = check_text(self.env, vals["body"], self.env._("message"))
            check_text_size(self.env, body)
        if not self.env.su:
            if self.filtered("dialog_visibility"):
                if not self.env.user._is_internal():
                    # (before any value is looked at: nothing to learn)
                    raise AccessError(
                        self.env._("Customers cannot change dialog messages.")
                    )
                vals = self._dialog_write_values(vals)
            self._dialog_check_write(vals)
            if "dialog_visibility" in vals:
                # a change of visibility is a new delivery decision
                vals = dict(vals)
                visibility = vals.pop("dialog_visibility")
                result = self.write(vals) if vals else True
                self.filtered(
                    lambda m: m.dialog_visibility and m.dialog_visibility != visibility
                )._dialog_set_visibility(visibility)
                return result
        if not set(vals) & set(TRACKED_FIELDS):
            return super().write(vals)
        dialog_messages = self.filtered("dialog_visibility")
        old_values = {m.id: {f: m[f] for f in TRACKED_FIELDS} for m in dialog_messages}
        result = super().write(vals)
        dialog_messages._dialog_sync_portal_flags(
            {
                m.id
                for m in dialog_messages
                if old_values[m.id]["dialog_visibility"] != m.dialog_visibility
            }
        )
        dialog_messages._dialog_track_changes(old_values)
        return result

    def _dialog_write_values(self, vals):
        """A user's ``vals`` for these dialog messages, converted and checked
        as dialog_post converts and checks its arguments (dialog_input): the
        same date ranges, an active employee as responsible, an existing
        topic, one-line subject, publication of customer messages only. A
        write is no back door around dialog_post (a date in 1800 that
        retention deletes at once, a customer as responsible, ...)."""
        env = self.env
        vals = dict(vals)
        converters = {
            "subject": to_subject,
            "date": lambda env, value: to_interaction_date(env, value, required=True),
            "dialog_follow_up_date": to_follow_up_date,
            "dialog_topic_id": lambda env, value: to_record(
                env, "customer_dialog.topic", value, env._("topic")
            ).id,
            "dialog_user_id": lambda env, value: to_responsible(env, value).id,
            "dialog_published": lambda env, value: to_flag(
                env, value, env._("Published")
            ),
            "dialog_archived": lambda env, value: to_flag(
                env, value, env._("Archived")
            ),
        }
        for fname, convert in converters.items():
            if fname in vals:
                vals[fname] = convert(env, vals[fname])
        if vals.get("dialog_published"):
            visibility = vals.get("dialog_visibility")
            if any(
                (visibility or message.dialog_visibility) != "customer"
                for message in self.filtered("dialog_visibility")
            ):
                raise ValidationError(
                    env._(
                        "Only messages for the customer are published; "
                        "an internal message never is."
                    )
                )
        return vals

    def _dialog_check_write(self, vals):
        """Rights and integrity of a write by a user (not the system): dialog
        fields are set by dialog_post only; on a dialog message a customer
        changes nothing and an employee only USER_EDITABLE_FIELDS (not its
        routing, recipients, author or Odoo's markers such as is_internal)."""
        changed = set(vals)
        dialog_messages = self.filtered("dialog_visibility")
        if self - dialog_messages and any(f.startswith("dialog_") for f in changed):
            raise UserError(self._dialog_post_only_message())
        copies = self.filtered(lambda m: m.message_type == "user_notification")
        if copies and self.sudo().search_count(
            [("dialog_delivery_message_id", "in", copies.ids)], limit=1
        ):
            raise AccessError(
                self.env._(
                    "A delivery email is the proof of what was sent to the "
                    "customer: nobody changes it."
                )
            )
        if not dialog_messages:
            return
        if not self.env.user._is_internal():
            raise AccessError(self.env._("Customers cannot change dialog messages."))
        system = changed - USER_EDITABLE_FIELDS
        if "partner_ids" in system and dialog_messages._dialog_adds_employees_only(
            vals["partner_ids"]
        ):
            # colleagues mentioned while editing the message in the chatter
            system.discard("partner_ids")
        if system:
            raise AccessError(
                self.env._(
                    "These fields of a dialog message are set by the system: "
                    "%(fields)s.",
                    fields=", ".join(sorted(system)),
                )
            )
        dialog_messages._dialog_check_author_or_manager()
        locked = dialog_messages.filtered("dialog_locked").filtered(
            lambda m: any(
                m._dialog_differs(f, vals[f]) for f in changed & LOCKED_AFTER_DELIVERY
            )
        )
        if locked:
            raise UserError(locked[0]._dialog_locked_message())
        if changed & DECIDES_RETENTION and not self._dialog_is_manager():
            dialog_messages.filtered("dialog_locked")._dialog_check_deletion_kept(vals)

    def _dialog_adds_employees_only(self, partner_ids):
        """Whether writing ``partner_ids`` adds nobody but employees to the
        recipients of these messages (recipients may read a message)."""
        field = self._fields["partner_ids"]
        for message in self.sudo():
            added = (
                message.partner_ids.browse(field.convert_to_cache(partner_ids, message))
                - message.partner_ids
            )
            if added.filtered("partner_share"):
                return False
        return True

    def _dialog_locked_message(self):
        return self.env._(
            "“%(subject)s” was delivered to the customer: its content, "
            "visibility and customer can no longer be changed. "
            "You can still unpublish it.",
            subject=self.subject or self.record_name,
        )

    def _dialog_differs(self, field_name, value):
        field = self._fields[field_name]
        current = self[field_name]
        if field.type in ("many2one",):
            return current.id != (value or False)
        if field.type == "html":
            return (current or "") != (value or "")
        if field.type in ("one2many", "many2many"):
            return True
        return current != value

    def _dialog_is_manager(self):
        return self.env.user.has_group("customer_dialog.group_customer_dialog_manager")

    def _dialog_check_author_or_manager(self):
        if self._dialog_is_manager():
            return
        foreign = self.filtered(lambda m: m.author_id != self.env.user.partner_id)
        if foreign:
            raise AccessError(
                self.env._(
                    "Only the author or a Customer Dialog manager may change or delete "
                    "the dialog message “%(subject)s”.",
                    subject=foreign[0].subject or foreign[0].record_name,
                )
            )

    def _dialog_track_changes(self, old_values):
        """Log every change of visibility or publication in the chatter of
        the reference object, with Odoo's tracking values."""
        fields_info = self.fields_get(TRACKED_FIELDS)
        Tracking = self.env["mail.tracking.value"]
        for message in self.sudo():
            tracking_values = [
                Tracking._create_tracking_values(
                    old_values[message.id][fname],
                    message[fname],
                    fname,
                    fields_info[fname],
                    message,
                )
                for fname in TRACKED_FIELDS
                if old_values[message.id][fname] != message[fname]
            ]
            record = message._dialog_thread()
            if not tracking_values or record is None:
                continue
            # sudo: logging needs write access on the document, changing the
            # message only needed the author/manager check done in write()
            # the log names no subject: an erasure must not leave text behind
            log = record.sudo()._message_log(
                body=Markup('<p><a href="%s">%s</a></p>')
                % (
                    message._dialog_backend_url(),
                    self.env._("Dialog message changed."),
                ),
                tracking_value_ids=[(0, 0, values) for values in tracking_values],
                author_id=self.env.user.partner_id.id,
            )
            log.dialog_log_for_id = message

    @api.ondelete(at_uninstall=False)
    def _unlink_dialog_by_author_or_manager(self):
        if self.env.su:
            return
        dialog_messages = self.filtered("dialog_visibility")
        if not dialog_messages:
            return
        dialog_messages._dialog_check_author_or_manager()
        if not self._dialog_is_manager() and dialog_messages.filtered("dialog_locked"):
            raise AccessError(
                self.env._(
                    "A message delivered to the customer can only be deleted "
                    "by a manager."
                )
            )

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
