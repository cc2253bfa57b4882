import functools
from collections import defaultdict
from datetime import timedelta
from textwrap import shorten

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, format_date

from .dialog_constants import (
    CHANNELS,
    DECISIONS,
    DELIVERIES,
    DELIVERY_FAILURES,
    DELIVERY_STATES,
    DIALOG_POST,
    DIRECTIONS,
    EMPLOYEES_ONLY,
    VISIBILITIES,
    DialogDelivery,
    check_selection_values,
)
from .dialog_input import one_header_line, to_subject

SELECTION_FIELDS = [
    "dialog_visibility",
    "dialog_channel",
    "dialog_direction",
    "dialog_delivery",
]
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
}
# What nobody changes any more once the message went to the customer.
LOCKED_AFTER_DELIVERY = {"body", "subject", "attachment_ids", "dialog_visibility"}
# What decides when retention deletes a message: after delivery only a
# manager may bring that day forward (only managers may delete delivered
# messages), see _dialog_deleted_on.
DECIDES_RETENTION = {"date", "dialog_topic_id"}
# What nobody changes while the customer is under legal hold.
LOCKED_BY_LEGAL_HOLD = {"body", "subject", "attachment_ids"}
TRACKED_FIELDS = ["dialog_visibility", "dialog_published"]
# A conversation in the portal list (_dialog_portal_domain without answers),
# as the condition of partial indexes.
PORTAL_CONVERSATION = (
    "dialog_visibility = 'customer' AND dialog_published AND dialog_reply_to_id IS NULL"
)
# (name, columns, condition) of the partial indexes created in init()
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
    (
        "mail_message_dialog_portal_index",
        "(dialog_partner_id, date DESC, id DESC)",
        PORTAL_CONVERSATION,
    ),
    (
        "mail_message_dialog_portal_topic_index",
        "(dialog_partner_id, dialog_topic_id)",
        PORTAL_CONVERSATION,
    ),
    (
        "mail_message_dialog_portal_reference_index",
        "(dialog_partner_id, dialog_reference_model)",
        PORTAL_CONVERSATION,
    ),
    # (only a query that says model IS NOT NULL may use it: the customer's
    # index serves a customer's counts better, which say nothing of model)
    (
        "mail_message_dialog_models_index",
        "(model)",
        "dialog_visibility IS NOT NULL AND model IS NOT NULL",
    ),
]
# Characters of the text shown where a message has no subject.
TITLE_LENGTH = 60
# Notification statuses of the delivery email, as delivery states.
FAILED_STATUSES = frozenset({"exception", "bounce", "canceled"})
PENDING_STATUSES = frozenset({"ready", "process", "pending"})
# Default limit for each file a customer attaches to a portal reply.
REPLY_MAX_BYTES = 10 * 1024 * 1024


# Leaves that make every match a dialog message when a domain ANDs them.
DIALOG_ONLY_FIELDS = ("dialog_visibility", "dialog_partner_id")


def _only_dialog_messages(domain):
    """Whether ``domain`` only matches dialog messages: one of its leaves
    that every match satisfies requires a visibility or a customer."""
    domain = expression.normalize_domain(domain or [])
    required = []

    def walk(index, top):
        token = domain[index]
        if token in (expression.AND_OPERATOR, expression.OR_OPERATOR):
            top = top and token == expression.AND_OPERATOR
            return walk(walk(index + 1, top), top)
        if token == expression.NOT_OPERATOR:
            return walk(index + 1, False)
        if top and isinstance(token, list | tuple) and len(token) == 3:
            required.append(tuple(token))
        return index + 1

    if domain:
        walk(0, True)
    for field, operator, value in required:
        if field not in DIALOG_ONLY_FIELDS:
            continue
        if operator == "!=" and value is False:
            return True
        if operator == "=" and value:
            return True
        if operator == "in" and value and all(value):
            return True
    return False


def _clean_sender(vals):
    """The sender and Reply-To of a message as one header line each (the
    header cleaning, see mail.mail._prepare_outgoing_list): the stored
    sender is what an email's From says."""
    for fname in ("email_from", "reply_to"):
        if fname in vals:
            vals[fname] = one_header_line(vals[fname])
    return vals


class DialogAttachmentTooLarge(UserError):
    """A file attached to a portal reply exceeds the size limit."""


class MailMessage(models.Model):
    """A *dialog message* is a mail.message with a ``dialog_visibility``.

    It lives in the chatter of its reference object (``model``/``res_id``) and
    belongs to a customer (``dialog_partner_id``). Who may see it outside the
    company is decided here, in the access rules of mail.message.
    """

    _inherit = "mail.message"

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
    dialog_delivery = fields.Selection(DELIVERIES, string="Delivery")
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

    def init(self):
        """Indexes for "newest first" reads with a LIMIT: one customer's file
        (overview, customer form, and the foreign key of the customer), all
        dialog messages (global overview), and the published conversations
        of one customer (portal list, its filters and its counter); and the
        models dialog messages are on (see _dialog_models). Partial, so that
        messages of other apps neither grow nor write them."""
        result = super().init()
        for name, columns, where in INDEXES:
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON mail_message %s WHERE %s",
                    SQL.identifier(name),
                    SQL(columns),
                    SQL(where),
                )
            )
        return result

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("dialog_partner_id", "dialog_contact_id")
    def _compute_dialog_recipient_id(self):
        for message in self:
            message.dialog_recipient_id = (
                message.dialog_contact_id or message.dialog_partner_id
            )

    @api.depends("dialog_delivery_code", "dialog_delivery_address")
    @api.depends_context("lang")
    def _compute_dialog_delivery_info(self):
        for message in self:
            message.dialog_delivery_info = message.dialog_delivery_code and (
                self._dialog_decision_sentence(
                    message.dialog_delivery_code,
                    message.dialog_delivery_address,
                    message.dialog_recipient_id,
                )
            )

    @api.model
    def _dialog_decision_sentence(self, code, address, recipient):
        """The stored decision as a sentence in the reader's language."""
        if code == "internal":
            return self.env._("Internal message: not sent and not shown in the portal.")
        if code == "no_email":
            return self.env._(
                "%(name)s has no valid email address: saved as an internal message.",
                name=recipient.display_name or self.env._("The customer"),
            )
        if code == "content_no_portal":
            return self.env._(
                "Full content emailed to %(email)s; published in the portal "
                "for later portal access.",
                email=address,
            )
        if code == "content":
            return self.env._(
                "Full content emailed to %(email)s and published in the portal.",
                email=address,
            )
        if code == "notice":
            return self.env._(
                "Notice without content emailed to %(email)s; "
                "the message is published in the portal.",
                email=address,
            )
        if code == "portal_reply":
            return self.env._("Reply from the customer portal.")
        return self.env._("Received by email from %(email)s.", email=address)

    @api.depends(
        "dialog_visibility",
        "dialog_delivery",
        "dialog_delivery_message_id.notification_ids.notification_status",
    )
    def _compute_dialog_delivery_state(self):
        for message in self:
            if not message.dialog_visibility:
                message.dialog_delivery_state = False
            elif message.dialog_delivery in (False, "none"):
                message.dialog_delivery_state = "none"
            else:
                message.dialog_delivery_state = (
                    message._dialog_state_from_notifications()
                )

    def _dialog_state_from_notifications(self):
        delivery = self.sudo().dialog_delivery_message_id
        if not delivery:
            return "failed"
        notifications = delivery.notification_ids
        statuses = set(
            notifications.filtered(lambda n: n.notification_type == "email").mapped(
                "notification_status"
            )
        )
        if statuses & FAILED_STATUSES or not notifications:
            # no notification: nobody was sent anything
            return "failed"
        if statuses & PENDING_STATUSES:
            return "pending"
        # sent, or delivered to the inbox of a recipient who is a user
        return "sent"

    def _search_dialog_delivery_state(self, operator, value):
        """The same derivation as the compute, in SQL: the state lives in the
        delivery email's notifications, nowhere else."""
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(
                self.env._(
                    "Delivery states can only be searched with =, !=, in, not in."
                )
            )
        self.flush_model(
            ["dialog_visibility", "dialog_delivery", "dialog_delivery_message_id"]
        )
        self.env["mail.notification"].flush_model(
            ["mail_message_id", "notification_type", "notification_status"]
        )
        values = [value] if isinstance(value, str) or not value else list(value)
        states = tuple(v for v in values if v) or ("",)
        state = SQL(
            """CASE
                 WHEN m.dialog_delivery IS NULL OR m.dialog_delivery = 'none'
                   THEN 'none'
                 WHEN m.dialog_delivery_message_id IS NULL THEN 'failed'
                 WHEN NOT EXISTS (
                        SELECT 1 FROM mail_notification n
                         WHERE n.mail_message_id = m.dialog_delivery_message_id)
                   THEN 'failed'
                 WHEN EXISTS (SELECT 1 FROM mail_notification n
                               WHERE n.mail_message_id = m.dialog_delivery_message_id
                                 AND n.notification_type = 'email'
                                 AND n.notification_status IN %s) THEN 'failed'
                 WHEN EXISTS (SELECT 1 FROM mail_notification n
                               WHERE n.mail_message_id = m.dialog_delivery_message_id
                                 AND n.notification_type = 'email'
                                 AND n.notification_status IN %s) THEN 'pending'
                 ELSE 'sent'
               END""",
            tuple(sorted(FAILED_STATUSES)),
            tuple(sorted(PENDING_STATUSES)),
        )
        matching = SQL(
            "(SELECT m.id FROM mail_message m "
            "WHERE m.dialog_visibility IS NOT NULL AND %s IN %s)",
            state,
            states,
        )
        positive = operator in ("=", "in")
        if False in values or None in values:
            # "no state" are the messages that are not dialog messages
            no_state = [("dialog_visibility", "=", False)]
            found = [("id", "in", matching)]
            domain = expression.OR([no_state, found])
            return domain if positive else ["!", *domain]
        return [("id", "in" if positive else "not in", matching)]

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

    @api.depends("subject", "body")
    def _compute_dialog_title(self):
        for message in self:
            message.dialog_title = message.subject or shorten(
                message.preview or "", TITLE_LENGTH, placeholder="…"
            )

    def _compute_dialog_portal_url(self):
        base_url = self.get_base_url()
        for message in self:
            message.dialog_portal_url = (
                f"{base_url}/my/messages/{message.id}"
                if message.dialog_visibility
                else False
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
    # Portal visibility: the single rule for customers
    # ------------------------------------------------------------------

    @api.model
    def _dialog_portal_domain(self, partner):
        """The dialog messages ``partner`` may see: published customer
        messages of their commercial entity. The one rule for customers,
        used by the access rules and by the portal pages."""
        return [
            ("dialog_visibility", "=", "customer"),
            ("dialog_published", "=", True),
            ("dialog_partner_id", "=", partner.commercial_partner_id.id),
        ]

    @api.model
    def _dialog_share_domain(self):
        """Messages a non-employee may see: no dialog message, or one of theirs."""
        return expression.OR(
            [
                [("dialog_visibility", "=", False)],
                self._dialog_portal_domain(self.env.user.partner_id),
            ]
        )

    @api.model
    def _dialog_portal_distinct(self, customer, column):
        """The distinct values of ``column`` (topic or kind of reference) in
        the portal conversations of ``customer``: a loose index scan, one
        index probe per value instead of reading every conversation."""
        if column not in ("dialog_topic_id", "dialog_reference_model"):
            raise ValueError(column)
        self.flush_model(
            [
                column,
                "dialog_partner_id",
                "dialog_visibility",
                "dialog_published",
                "dialog_reply_to_id",
            ]
        )
        where = SQL(
            "%s AND dialog_partner_id = %s", SQL(PORTAL_CONVERSATION), customer.id
        )
        rows = self.env.execute_query(
            SQL(
                """WITH RECURSIVE found(value) AS (
                       (SELECT %(column)s FROM mail_message
                         WHERE %(where)s AND %(column)s IS NOT NULL
                      ORDER BY %(column)s LIMIT 1)
                     UNION ALL
                       SELECT (SELECT %(column)s FROM mail_message
                                WHERE %(where)s AND %(column)s > found.value
                             ORDER BY %(column)s LIMIT 1)
                         FROM found WHERE found.value IS NOT NULL
                   )
                   SELECT value FROM found WHERE value IS NOT NULL""",
                column=SQL.identifier(column),
                where=where,
            )
        )
        return [row[0] for row in rows]

    def _dialog_check_resend(self, notifications):
        """Odoo's resend wizard emails its message to the partners of the
        notifications it is given, both chosen by the caller: it resends only
        a failed email of this message to its own recipients, for a user who
        may read it. A dialog message itself is never sent this way: only
        its delivery email, to its recipient."""
        sudo = self.sudo()
        if len(self) != 1 or notifications.sudo().mail_message_id - sudo:
            raise AccessError(
                self.env._("Only the recipients of this email can get it again.")
            )
        if sudo.dialog_visibility:
            raise AccessError(
                self.env._(
                    "A dialog message reaches a customer only by the delivery "
                    "rules: resend its delivery email instead."
                )
            )
        dialog = sudo.search([("dialog_delivery_message_id", "=", self.id)], limit=1)
        # a delivery email is read as its dialog message is
        (dialog.with_env(self.env) if dialog else self).check_access("read")

    @api.model
    def _dialog_record_sent(self, addresses, delivered):
        """After delivery emails were sent: record, per delivery email id, the
        address it went to where it changed since the decision and, when it
        arrived (``delivered``), close the to-do its failure left."""
        messages = self.sudo().search(
            [("dialog_delivery_message_id", "in", list(addresses))]
        )
        for message in messages:
            address = addresses[message.dialog_delivery_message_id.id]
            if address and address != message.dialog_delivery_address:
                message.dialog_delivery_address = address
        if delivered:
            messages._dialog_failure_activities().action_feedback(
                feedback=self.env._("Sent again.")
            )

    def _dialog_responsible(self):
        """Who answers for this conversation: its responsible, else its
        author, else the customer's salesperson, the first who still works
        here (empty when none does)."""
        return (
            self.dialog_user_id
            | self.author_id.user_ids
            | self.dialog_partner_id.user_id
        ).filtered(lambda user: user.active and user._is_internal())[:1]

    def _dialog_visible_to_customer(self, partner):
        self.ensure_one()
        return (
            self.dialog_visibility == "customer"
            and self.dialog_published
            and self.dialog_partner_id == partner.commercial_partner_id
        )

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.su:
            # mail's _search runs its query with cr.execute, which does not
            # flush pending writes; dialog fields (publication, archive, delivery
            # state) change after creation and must be searched as they are.
            self.flush_model()
            # (mail's check only needs the user's partner of res.users)
            self.env.user.fetch(["partner_id"])
            if (
                limit is None
                and not offset
                and self.env.user._is_internal()
                and _only_dialog_messages(domain)
            ):
                return self._dialog_search(domain, offset, limit, order)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _find_allowed_doc_ids(self, model_ids):
        # the multi-company rule of partners (parent_of) reads the companies'
        # parent_path: on an empty cache, Odoo would load all hundred columns
        # of res.company for it, which costs more than the whole page search
        if model_ids:
            self.env.companies.sudo().fetch(["parent_path"])
        return super()._find_allowed_doc_ids(model_ids)

    @api.model
    def _dialog_search(self, domain, offset, limit, order):
        """An employee's unbounded search of dialog messages (the overview's
        counts, groups, pivot and graph, a customer's whole file): mail's
        read rule as one SQL condition instead of mail's check of every
        match's document in Python, seconds over a million messages. A page
        (with a limit) keeps mail's check, which only reads that page."""
        # the record rules of mail.message, without mail's post-filter
        query = models.Model._search(self, domain, offset, limit, order)
        query.add_where(self._dialog_employee_access(query.table))
        return query

    @api.model
    def _dialog_employee_access(self, alias):
        """What mail's _search lets an employee read, as SQL on ``alias``:
        messages they wrote or received, and messages of documents they may
        read (never user notifications through the document)."""
        message = functools.partial(SQL.identifier, alias)
        documents = []
        for model_name in sorted(self._dialog_models()):
            Model = self.env.get(model_name)
            if (
                Model is None
                or Model._abstract
                or model_name == self._name
                or not self.env["ir.model.access"].check(model_name, "read", False)
            ):
                continue
            readable = Model.with_context(active_test=False)._search([])
            documents.append(
                SQL(
                    "(%s = %s AND %s IN (%s))",
                    message("model"),
                    model_name,
                    message("res_id"),
                    readable.subselect(),
                )
            )
        # uncorrelated subqueries: PostgreSQL hashes each of them once
        return SQL(
            """(%(author)s = %(partner)s
                OR %(id)s IN (SELECT rel.mail_message_id
                                FROM mail_message_res_partner_rel AS rel
                               WHERE rel.res_partner_id = %(partner)s)
                OR %(id)s IN (SELECT notification.mail_message_id
                                FROM mail_notification AS notification
                               WHERE notification.res_partner_id = %(partner)s)
                OR (%(type)s != 'user_notification' AND (%(documents)s)))""",
            author=message("author_id"),
            partner=self.env.user.partner_id.id,
            id=message("id"),
            type=message("message_type"),
            documents=SQL(" OR ").join(documents) if documents else SQL("FALSE"),
        )

    @tools.ormcache()
    def _dialog_models(self):
        """The models dialog messages are filed on (customers, orders, ...);
        dialog_post clears the cache when a message goes to a new one. Read
        after every cache clear in every worker: one index probe per model
        (mail_message_dialog_models_index), not a scan of all dialog messages."""
        rows = self.env.execute_query(
            SQL(
                """WITH RECURSIVE used(model) AS (
                       (SELECT model FROM mail_message
                         WHERE dialog_visibility IS NOT NULL AND model IS NOT NULL
                         ORDER BY model LIMIT 1)
                       UNION ALL
                       SELECT (SELECT next.model FROM mail_message AS next
                                WHERE next.dialog_visibility IS NOT NULL
                                  AND next.model IS NOT NULL
                                  AND next.model > used.model
                                ORDER BY next.model LIMIT 1)
                         FROM used WHERE used.model IS NOT NULL
                   )
                   SELECT model FROM used WHERE model IS NOT NULL"""
            )
        )
        return frozenset(row[0] for row in rows) | {"res.partner"}

    @api.model
    def _where_calc(self, domain, active_test=True):
        """Every search of messages builds its query here, also the subqueries
        of auto_join fields (``message_ids``, ``website_message_ids``, and
        chains such as ``partner_id.message_ids`` from res.users) that skip
        ``_search`` and its rules: the rule for share users holds there too."""
        if not self.env.su and not self.env.user._is_internal():
            domain = expression.AND([self._get_search_domain_share(), domain or []])
        return super()._where_calc(domain, active_test=active_test)

    @api.model
    def _get_search_domain_share(self):
        return super()._get_search_domain_share() + self._dialog_share_domain()

    def _get_forbidden_access(self, operation):
        if self.env.user._is_internal():
            forbidden = super()._get_forbidden_access(operation)
            if operation in ("write", "unlink") and forbidden:
                # mail wants write access on the document to change or delete;
                # a dialog message belongs to its author or a dialog manager
                # (what they may change is checked in write and unlink)
                own = forbidden.sudo().filtered(
                    lambda m: m.dialog_visibility
                    and (
                        m.author_id == self.env.user.partner_id
                        or self._dialog_is_manager()
                    )
                )
                own = self.browse(own.ids)
                # never more than what they may read
                own -= super(MailMessage, own)._get_forbidden_access("read")
                forbidden -= own
            return forbidden
        hidden = self._dialog_hidden_from_share_user()
        return hidden + super(MailMessage, self - hidden)._get_forbidden_access(
            operation
        )

    def _dialog_hidden_from_share_user(self, internal=True):
        """The one rule for share users (portal and public, with or without a
        token), in SQL so that it also holds for messages in no cache: no
        dialog message that is not published for the user's customer, no
        delivery email of a dialog message (the message itself is what a
        customer reads) and, with ``internal``, nothing internal of any
        message type (mail only hides internal *comments* when read by id;
        tracking and activity logs and user notifications are internal
        notifications).
        """
        if not self.ids:
            return self.browse()
        self.flush_recordset(
            ["is_internal", "subtype_id", "dialog_visibility", "dialog_published"]
        )
        internal_condition = SQL(
            """message.is_internal IS TRUE
               OR subtype.internal IS TRUE
               OR (message.message_type = 'comment' AND message.subtype_id IS NULL)
               OR"""
            if internal
            else ""
        )
        rows = self.env.execute_query(
            SQL(
                """SELECT message.id
                     FROM mail_message AS message
                LEFT JOIN mail_message_subtype AS subtype
                       ON subtype.id = message.subtype_id
                    WHERE message.id = ANY(%(ids)s)
                      AND (%(internal)s
                           (message.dialog_visibility IS NOT NULL
                            AND (message.dialog_visibility != 'customer'
                                 OR message.dialog_published IS NOT TRUE
                                 OR message.dialog_partner_id IS DISTINCT FROM
                                    %(customer)s))
                           OR (message.message_type = 'user_notification'
                               AND EXISTS (
                                   SELECT 1 FROM mail_message AS dialog
                                    WHERE dialog.dialog_delivery_message_id
                                          = message.id)))""",
                ids=list(self.ids),
                internal=internal_condition,
                customer=self.env.user.partner_id.commercial_partner_id.id,
            )
        )
        return self.browse(row[0] for row in rows)

    @api.model
    def _get_with_access(self, message_id, operation, **kwargs):
        # mail's fallback grants access through the document (or its access
        # token): reading still follows the whole rule for share users; to
        # react to or edit a message (e.g. a portal author's own internal
        # note), only its dialog part applies.
        message = super()._get_with_access(message_id, operation, **kwargs)
        if (
            message
            and not self.env.user._is_internal()
            and message._dialog_hidden_from_share_user(internal=operation == "read")
        ):
            return self.browse()
        return message

    @api.model
    def _dialog_portal_flags(self, visibility, published):
        """is_internal and subtype that make Odoo's own chatter, portal and
        access rules treat the message as internal or public."""
        public = visibility == "customer" and published
        subtype = (
            "customer_dialog.mt_dialog_customer"
            if visibility == "customer"
            else "mail.mt_note"
        )
        return {
            "is_internal": not public,
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id(subtype),
        }

    # ------------------------------------------------------------------
    # ORM: integrity, rights, tracking
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        system = (
            self.env.su or self.env.context.get("customer_dialog_post") is DIALOG_POST
        )
        if not system and any(
            key.startswith("default_dialog_") and value
            for key, value in self.env.context.items()
        ):
            # (Odoo fills a create's missing fields from default_* keys)
            raise UserError(self._dialog_post_only_message())
        for vals in vals_list:
            check_selection_values(self, vals, SELECTION_FIELDS)
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

    def _get_message_id(self, values):
        """A notice names the customer portal only: its Message-Id does not
        name the document (Odoo's says "-openerp-<id>-sale.order@")."""
        delivery = DialogDelivery.of(self.env)
        if delivery and delivery.notice:
            return tools.mail.generate_tracking_message_id("dialog")
        return super()._get_message_id(values)

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
        if not self.env.su:
            self._dialog_check_write(vals)
            if "subject" in vals and self.filtered("dialog_visibility"):
                # stored as dialog_post stores it: one line, not too long
                vals = {**vals, "subject": to_subject(self.env, vals["subject"])}
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

    def _dialog_set_visibility(self, visibility):
        """Apply the delivery rules again, as for a new post: a message that
        becomes a customer message is delivered (or the change is refused with
        the reason); one that becomes internal is unpublished."""
        for message in self:
            record = message._dialog_thread() or message.dialog_partner_id
            recipient = message.dialog_recipient_id
            decision = record._dialog_decide_delivery(visibility, recipient)
            if decision["visibility"] != visibility:
                raise UserError(decision["info"])
            if decision["delivery"] == "content":
                record._dialog_check_email_size(message.attachment_ids)
            message.sudo().write(
                {
                    "dialog_visibility": decision["visibility"],
                    "dialog_published": decision["visibility"] == "customer",
                    "dialog_delivery": decision["delivery"],
                    "dialog_delivery_code": decision["code"],
                    "dialog_delivery_address": decision["address"],
                }
            )
            if decision["delivery"] != "none":
                record._dialog_deliver(message, recipient)

    def unlink(self):
        """Odoo deletes a message's own files with it: a file that another
        message still shows passes to that message instead (see
        ir.attachment._dialog_release), whoever deletes, whatever the
        message."""
        if self:
            sudo = self.sudo()
            doomed = (
                sudo | sudo.filtered("dialog_visibility").dialog_delivery_message_id
            )
            sudo.attachment_ids.filtered(
                lambda a: a.res_model == self._name and a.res_id in self.ids
            )._dialog_release(doomed)
        return super().unlink()

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

    @api.ondelete(at_uninstall=False)
    def _unlink_except_legal_hold(self):
        """A legal hold stops every deletion of the customer's file, by anyone:
        its dialog messages, their delivery emails (the proof of what was
        sent) and their log lines (retention skips such customers, erasure is
        refused)."""
        customers = self._dialog_held_customers()
        if customers:
            raise UserError(
                self.env._(
                    "%(customer)s is under legal hold: its customer file cannot "
                    "be deleted, not even in part.",
                    customer=customers[0].display_name,
                )
            )

    def _dialog_held_customers(self):
        """The customers under legal hold whose file these messages belong
        to: as their dialog messages, delivery emails or log lines (sudo)."""
        sudo = self.sudo()
        dialog = sudo.filtered("dialog_visibility") | sudo.dialog_log_for_id
        customers = dialog.dialog_partner_id.filtered("dialog_legal_hold")
        copies = sudo.filtered(lambda m: m.message_type == "user_notification")
        if copies:
            customers |= sudo.search(
                [
                    ("dialog_delivery_message_id", "in", copies.ids),
                    ("dialog_partner_id.dialog_legal_hold", "=", True),
                ],
                limit=1,
            ).dialog_partner_id
        return customers

    @api.ondelete(at_uninstall=False)
    def _unlink_dialog_delivery_and_follow_up(self):
        """A deleted dialog message takes its delivery email (a queued one is
        then never sent: its mail.mail goes with it) and its open follow-up
        with it, and the log lines of its done to-dos, whoever deletes it:
        author, manager or retention."""
        dialog_messages = self.sudo().filtered("dialog_visibility")
        if not dialog_messages:
            return
        copies = dialog_messages.dialog_delivery_message_id - self
        # the log lines of its done to-dos, with the feedback typed there
        log_lines = dialog_messages.search(
            [("dialog_log_for_id", "in", dialog_messages.ids)]
        )
        activities = dialog_messages.dialog_activity_id.exists()
        (copies | (log_lines - self)).unlink()
        (activities | dialog_messages._dialog_failure_activities()).unlink()

    def _dialog_failure_activities(self):
        """The open 'Delivery failed' to-dos of these dialog messages (sudo)."""
        Activity = self.env["mail.activity"].sudo()
        if not self.ids:
            return Activity
        return Activity.search(
            [
                ("dialog_message_id", "in", self.ids),
                (
                    "activity_type_id",
                    "=",
                    self.env["ir.model.data"]._xmlid_to_res_id(
                        "customer_dialog.mail_activity_type_delivery_failed"
                    ),
                ),
            ]
        )

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

    def _dialog_check_legal_hold(self):
        customers = self._dialog_held_customers()
        if customers:
            raise UserError(
                self.env._(
                    "%(customer)s is under legal hold: the text, subject and "
                    "files of its messages cannot be changed until a manager "
                    "lifts the legal hold.",
                    customer=customers[0].display_name,
                )
            )

    def _dialog_deleted_on(self, topic, date):
        """The day retention deletes this message under ``topic`` and
        ``date``, or None when it never does (no period, or archiving)."""
        topic = topic.sudo()
        if topic.retention_action != "delete" or not topic.retention_days or not date:
            return None
        return fields.Datetime.to_datetime(date).date() + timedelta(
            days=topic.retention_days
        )

    def _dialog_check_deletion_kept(self, vals):
        """A delivered message is deleted by a manager only: its author may
        change its topic and date, but not so that retention deletes it
        earlier than it would have."""
        for message in self:
            try:
                date = fields.Datetime.to_datetime(vals.get("date", message.date))
            except (TypeError, ValueError):
                date = None
            value = vals.get("dialog_topic_id", message.dialog_topic_id.id)
            # (a value that is no id is refused by the write itself)
            topic = message.dialog_topic_id.browse(value if type(value) is int else ())
            before = message._dialog_deleted_on(message.dialog_topic_id, message.date)
            after = message._dialog_deleted_on(topic, date)
            if after and (before is None or after < before):
                raise UserError(
                    self.env._(
                        "“%(subject)s” was delivered to the customer: this topic "
                        "or date would have it deleted earlier (on %(day)s), and "
                        "only a Customer Dialog manager may delete it.",
                        subject=message.subject or message.record_name,
                        day=format_date(self.env, after),
                    )
                )

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

    def _dialog_sync_portal_flags(self, visibility_changed_ids):
        """Keep Odoo's own markers in line: ``is_internal`` with the
        publication, the subtype with a change of visibility (a mail gateway
        email keeps Odoo's subtype while it is only (un)published)."""
        for message in self.sudo():
            flags = self._dialog_portal_flags(
                message.dialog_visibility, message.dialog_published
            )
            if message.id not in visibility_changed_ids:
                del flags["subtype_id"]
            if any(
                (message[fname].id if fname == "subtype_id" else message[fname])
                != value
                for fname, value in flags.items()
            ):
                message.write(flags)

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

    def _dialog_thread(self):
        """The reference object as a mail.thread record, or None."""
        self.ensure_one()
        if self.model not in self.env or not self.res_id:
            return None
        record = self.env[self.model].browse(self.res_id).exists()
        if not record or not hasattr(record, "_message_log"):
            return None
        return record

    # ------------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------------

    def _dialog_portal_replies(self):
        """Published answers to this message, oldest first."""
        self.ensure_one()
        return self.search(
            [
                ("dialog_reply_to_id", "=", self.id),
                *self._dialog_portal_domain(self.dialog_partner_id),
            ],
            order="date asc, id asc",
        )

    def _dialog_reference_portal_url(self, user):
        """URL of the reference object's own portal page, if it has one that
        ``user`` may open (e.g. /my/orders/<id>)."""
        self.ensure_one()
        record = self._dialog_thread()
        if record is None or "access_url" not in record._fields:
            return False
        if not record.with_user(user).has_access("read"):
            return False
        return record.sudo().access_url

    @api.model
    def _dialog_reply_max_bytes(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_dialog.portal_reply_max_bytes", REPLY_MAX_BYTES)
        )

    def _dialog_portal_reply(self, author, body, uploads):
        """Store the customer's answer from the portal: an incoming portal
        message of the same customer and reference object.

        :param author: the portal user's partner
        :param body: sanitised HTML
        :param uploads: list of (file name, content, mimetype)
        """
        self.ensure_one()
        if not body:
            raise UserError(self.env._("Please write your reply."))
        max_bytes = self._dialog_reply_max_bytes()
        for name, content, _mimetype in uploads:
            if len(content) > max_bytes:
                raise DialogAttachmentTooLarge(
                    self.env._(
                        "The file “%(name)s” is too large: "
                        "at most %(max)s MB per file.",
                        name=name,
                        max=max_bytes // (1024 * 1024),
                    )
                )
        record = self._dialog_thread()
        if record is None:
            raise UserError(self.env._("This message can no longer be answered."))
        conversation = self.dialog_reply_to_id
        if not conversation or not conversation._dialog_visible_to_customer(author):
            conversation = self
        return record._dialog_post_portal_reply(conversation, author, body, uploads)

    # ------------------------------------------------------------------
    # Actions
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

    def action_dialog_unpublish(self):
        self.write({"dialog_published": False})

    def action_dialog_archive(self):
        self.write({"dialog_archived": True})

    def action_dialog_unarchive(self):
        self.write({"dialog_archived": False})

    def action_dialog_resend(self):
        """Open Odoo's resend wizard on the delivery email, where the address
        can be corrected before sending again."""
        self.ensure_one()
        # callable over RPC with any id: what it tells needs read access
        self.check_access("read")
        if (
            self.dialog_delivery_state != "failed"
            or not self.dialog_delivery_message_id
        ):
            raise UserError(
                self.env._("Only a message whose delivery failed can be resent.")
            )
        if not self.sudo().dialog_delivery_message_id.notification_ids.filtered(
            lambda n: n.notification_status in DELIVERY_FAILURES
        ):
            # cancelled: its content was erased, or its failure discarded
            raise UserError(
                self.env._(
                    "This delivery was cancelled (its content erased or its "
                    "failure discarded): there is nothing to resend."
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Resend"),
            "res_model": "mail.resend.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"mail_message_to_resend": self.dialog_delivery_message_id.id},
        }

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
