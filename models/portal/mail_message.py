"""What a share user (portal or public, with or without a token) may see of
messages: the one rule for customers, as a domain (``_dialog_portal_domain``)
and as the SQL the checks of messages in no cache need
(``_dialog_hidden_from_share_user``); Odoo's own markers kept in line with
it; and the portal's queries."""

from markupsafe import Markup

from odoo import api, models
from odoo.osv import expression
from odoo.tools import SQL

from ...tools.dialog_constants import DialogCustomerChatter

# A conversation in the portal list (_dialog_portal_domain without answers),
# as the condition of partial indexes.
PORTAL_CONVERSATION = (
    "dialog_visibility = 'customer' AND dialog_published AND dialog_reply_to_id IS NULL"
)
# Documents whose portal chatter files a customer's post as a dialog message
# before they hold one (system parameter customer_dialog.portal_chatter_models).
PORTAL_CHATTER_MODELS = "sale.order,account.move,project.task"
# (name, columns, condition) of the portal's partial indexes
PORTAL_INDEXES = [
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
]


class MailMessage(models.Model):
    _inherit = "mail.message"

    def init(self):
        """The published conversations of one customer, newest first (portal
        list, its filters and its counter)."""
        result = super().init()
        self._dialog_create_indexes(PORTAL_INDEXES)
        return result

    # ------------------------------------------------------------------
    # The one rule for customers
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
        # (an employee: see access/mail_message.py)
        if self.env.user._is_internal():
            return super()._get_forbidden_access(operation)
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

    # ------------------------------------------------------------------
    # A document's portal chatter: its dialog messages too
    # ------------------------------------------------------------------

    @api.model
    def _dialog_customer_chatter_models(self):
        """The kinds of documents whose portal chatter is part of the
        customer file (a customer's post there is a dialog message): those
        that hold dialog messages, and those named in the system parameter
        ``customer_dialog.portal_chatter_models`` (default: sales orders,
        invoices, tasks), from their first day. Other chatters (a
        discussion's guests, Odoo's own test documents) stay Odoo's."""
        named = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_dialog.portal_chatter_models", PORTAL_CHATTER_MODELS)
        )
        models = {name.strip() for name in named.split(",")} | set(
            self._dialog_models()
        )
        return {
            name
            for name in models
            if name in self.env and hasattr(self.env[name], "message_post")
        }

    @api.model
    def _message_fetch(
        self, domain, search_term=None, before=None, after=None, around=None, limit=30
    ):
        """Portal's chatter lists comments only (subtype "Discussions"): in a
        document's portal chatter, the customer messages too. What a visitor
        sees is still what the share users' rule lets them (published for
        their own customer)."""
        if DialogCustomerChatter.of(self.env):
            data = self.env["ir.model.data"]
            comment = data._xmlid_to_res_id("mail.mt_comment")
            dialog = data._xmlid_to_res_id("customer_dialog.mt_dialog_customer")
            # a customer message only once published (not internal): an
            # employee's token read of the chatter has no share users' rule.
            # (the leaf is replaced in place: one term of the prefix domain)
            listed = [
                "|",
                ("subtype_id", "=", comment),
                "&",
                ("subtype_id", "=", dialog),
                ("is_internal", "=", False),
            ]
            rewritten = []
            for term in domain:
                if isinstance(term, list | tuple) and tuple(term) == (
                    "subtype_id",
                    "=",
                    comment,
                ):
                    rewritten.extend(listed)
                else:
                    rewritten.append(term)
            domain = rewritten
        return super()._message_fetch(
            domain,
            search_term=search_term,
            before=before,
            after=after,
            around=around,
            limit=limit,
        )

    def _portal_message_format(self, properties_names, options=None):
        """A dialog message in a document's portal chatter shows its subject
        and leads to its conversation on /my/messages."""
        vals_list = super()._portal_message_format(properties_names, options=options)
        # (the messages passed the share users' rule before being formatted)
        for message, values in zip(self.sudo(), vals_list, strict=True):
            if not (message.dialog_visibility and "body" in values):
                continue
            subject = message.subject and Markup("<p><strong>%s</strong></p>") % (
                message.subject
            )
            conversation = message.dialog_reply_to_id or message
            link = Markup(
                '<p class="o_customer_dialog_portal_link small">'
                '<a href="/my/messages/%s">%s</a></p>'
            ) % (conversation.id, self.env._("Open the conversation in your messages"))
            values["body"] = (subject or Markup()) + Markup(values["body"] or "") + link
        return vals_list

    # ------------------------------------------------------------------
    # Odoo's own markers (is_internal, subtype) in line with the rule
    # ------------------------------------------------------------------

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

    # ------------------------------------------------------------------
    # The portal's queries
    # ------------------------------------------------------------------

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

    def _compute_dialog_portal_url(self):
        base_url = self.get_base_url()
        for message in self:
            message.dialog_portal_url = (
                f"{base_url}/my/messages/{message.id}"
                if message.dialog_visibility
                else False
            )
