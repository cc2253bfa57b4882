"""Restricted readers: an internal dialog message restricted to named users
and groups is seen by them and its author only; everyone else, managers
included, sees it in no path. The one rule is one SQL condition
(``_dialog_reader_condition``), added to every query of messages
(``_where_calc``: searches, counts, groups, pivots, name_search, chatters,
_dialog_search's SQL path, the subqueries of auto_join fields) and to every
check by id (``_get_forbidden_access``: read, write, its files, formatting).
A log line of a restricted message (a done to-do, a change of visibility)
carries its readers, so that the document's chatter does not tell either.
"""

import functools

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, sql

from ...tools.dialog_constants import (
    EMPLOYEES_ONLY,
    READER_FIELDS,
    DialogFileAccess,
    DialogReadFor,
)


class MailMessage(models.Model):
    _inherit = "mail.message"

    dialog_reader_user_ids = fields.Many2many(
        "res.users",
        "mail_message_dialog_reader_user_rel",
        "message_id",
        "user_id",
        string="Readers",
        copy=False,
        groups=EMPLOYEES_ONLY,
        domain=[("share", "=", False)],
        help="Only these employees (with the reader groups and the author) "
        "see this internal message; nobody else, managers included.",
    )
    dialog_reader_group_ids = fields.Many2many(
        "res.groups",
        "mail_message_dialog_reader_group_rel",
        "message_id",
        "group_id",
        string="Reader Groups",
        copy=False,
        groups=EMPLOYEES_ONLY,
        help="Members of these groups are readers of this internal message.",
    )
    dialog_restricted = fields.Boolean(
        string="Restricted",
        compute="_compute_dialog_restricted",
        store=True,
        precompute=True,
        copy=False,
        groups=EMPLOYEES_ONLY,
        help="Only its readers and its author see the message.",
    )

    _sql_constraints = [
        (
            "dialog_restricted_internal",
            "CHECK(dialog_restricted IS NOT TRUE "
            "OR dialog_visibility IS DISTINCT FROM 'customer')",
            "A message for the customer cannot be restricted to readers.",
        ),
    ]

    def _auto_init(self):
        # installed on a big mail_message: no computation for every message
        if not sql.column_exists(self.env.cr, self._table, "dialog_restricted"):
            sql.create_column(self.env.cr, self._table, "dialog_restricted", "boolean")
        return super()._auto_init()

    @api.depends(*READER_FIELDS)
    def _compute_dialog_restricted(self):
        for message in self:
            message.dialog_restricted = bool(
                message.dialog_reader_user_ids or message.dialog_reader_group_ids
            )

    # ------------------------------------------------------------------
    # The one rule: who reads a restricted message
    # ------------------------------------------------------------------

    @api.model
    def _dialog_reader_condition(self, alias, user):
        """Messages ``user`` may see by the reader rule, as SQL on ``alias``:
        every message that is not restricted, and restricted ones they wrote
        or are a reader of (by name or by group). The readers are asked of
        restricted rows only, one index probe each: the outer flag inside
        each subquery keeps PostgreSQL from hashing every reader row of the
        database first (4 ms for the first page at a million messages with 5 %
        restricted, against 0.1 ms; a count pays one probe per restricted
        message in scope)."""
        column = functools.partial(SQL.identifier, alias)
        return SQL(
            """(%(restricted)s IS NOT TRUE
                OR %(author)s = %(partner)s
                OR EXISTS (SELECT 1 FROM mail_message_dialog_reader_user_rel AS reader
                            WHERE %(restricted)s
                              AND reader.message_id = %(id)s
                              AND reader.user_id = %(user)s)
                OR EXISTS (SELECT 1 FROM mail_message_dialog_reader_group_rel AS reader
                             JOIN res_groups_users_rel AS membership
                               ON membership.gid = reader.group_id
                            WHERE %(restricted)s
                              AND reader.message_id = %(id)s
                              AND membership.uid = %(user)s))""",
            restricted=column("dialog_restricted"),
            author=column("author_id"),
            id=column("id"),
            partner=user.partner_id.id,
            user=user.id,
        )

    def _dialog_flush_readers(self):
        self.flush_model(["dialog_restricted", "author_id", *READER_FIELDS])
        self.env["res.users"].flush_model(["groups_id"])

    @api.model
    def _where_calc(self, domain, active_test=True):
        """Every query of messages (also auto_join subqueries and the SQL path
        of big reads) holds the reader rule for the user, whoever they are;
        only a manager's export or erasure of a customer file reads it whole
        (Art. 15 and 17 GDPR, see res.partner._dialog_file_messages)."""
        query = super()._where_calc(domain, active_test=active_test)
        if DialogFileAccess.of(self.env):
            return query
        reader = self.env.user if not self.env.su else None
        if read_for := DialogReadFor.of(self.env):
            reader = read_for.user
        if reader:
            self._dialog_flush_readers()
            query.add_where(self._dialog_reader_condition(query.table, reader))
        return query

    def fetch(self, field_names):
        """Odoo fetches the fields of messages in sudo (mail's own fetch,
        for reads, exports of related paths, related and computed fields):
        the fetch query still holds the reader rule for the user who asked,
        and a restricted message they may not read raises an AccessError
        instead of filling the cache."""
        if self.env.su or DialogFileAccess.of(self.env) or DialogReadFor.of(self.env):
            return super().fetch(field_names)
        return super(
            MailMessage, self.with_context(**DialogReadFor(self.env.user).context())
        ).fetch(field_names)

    @api.depends_context("uid")
    def _compute_display_name(self):
        """The name of a restricted message, read through a many2one of
        another record (Odoo reads such names in sudo: a to-do's message, a
        parent message), says no more than that it is restricted to those
        who may not read it."""
        result = super()._compute_display_name()
        restricted = self.sudo().filtered("dialog_restricted").with_env(self.env)
        for message in restricted._dialog_unreadable_by(self.env.user):
            message.display_name = self.env._("Restricted message")
        return result

    @api.model
    def _get_with_access(self, message_id, operation, **kwargs):
        # mail falls back to the document's access (reactions, edits): a
        # restricted message answers as one that does not exist
        candidate = self.browse(message_id).exists()
        if candidate and candidate._dialog_unreadable_by(self.env.user):
            return self.browse()
        return super()._get_with_access(message_id, operation, **kwargs)

    def _get_forbidden_access(self, operation):
        forbidden = super()._get_forbidden_access(operation)
        if self.env.su:
            return forbidden
        return forbidden + (self - forbidden)._dialog_unreadable_by(self.env.user)

    def _dialog_unreadable_by(self, user):
        """The messages of ``self`` that ``user`` may not see by the reader
        rule. Messages the cache knows to be unrestricted cost nothing (a
        message just posted, of any app); for the others, the columns a read
        fetches anyway are fetched now, the flag among them (one query, which
        the read then spares), and only restricted ones are asked in SQL."""
        cache, field = self.env.cache, self._fields["dialog_restricted"]
        unknown = self.browse(
            message.id for message in self if not cache.contains(message, field)
        )
        if unknown:
            unknown.sudo()._fetch_field(field)
        self = self.browse(
            message.id
            for message in self
            if not cache.contains(message, field) or cache.get(message, field)
        )
        if not self.ids:
            return self.browse()
        self._dialog_flush_readers()
        rows = self.env.execute_query(
            SQL(
                """SELECT message.id FROM mail_message AS message
                    WHERE message.id = ANY(%s) AND NOT %s""",
                list(self.ids),
                self._dialog_reader_condition("message", user),
            )
        )
        return self.browse(row[0] for row in rows)

    def _dialog_check_reader(self, user):
        """``user`` (a responsible, the owner of a to-do) may open these
        messages, else a clear error."""
        if self._dialog_unreadable_by(user):
            # (names no subject: the caller may not be a reader either)
            raise ValidationError(
                self.env._(
                    "%(user)s is not a reader of this restricted message and "
                    "cannot be responsible for it or get its to-do.",
                    user=user.name,
                )
            )

    # ------------------------------------------------------------------
    # Who restricts a message, and to whom
    # ------------------------------------------------------------------

    @api.constrains("dialog_restricted", "dialog_visibility", *READER_FIELDS)
    def _check_dialog_readers(self):
        for message in self.sudo():
            if not message.dialog_restricted:
                # (every new message of any app passes here: nothing to read)
                continue
            if message.dialog_visibility == "customer":
                raise ValidationError(self._dialog_restricted_customer_message())
            customers = message.dialog_reader_user_ids.filtered(
                lambda user: user.share or not user.active
            )
            if customers:
                raise ValidationError(
                    self.env._(
                        "Readers are active employees: %(names)s is not.",
                        names=customers[0].name,
                    )
                )

    def _dialog_restricted_customer_message(self):
        return self.env._(
            "A restricted message is internal: remove its readers before "
            "making it a message for the customer."
        )

    def write(self, vals):
        changed = set(READER_FIELDS) & set(vals)
        if not self.env.su:
            # before any check of the module or Odoo names the message
            if unreadable := self._dialog_unreadable_by(self.env.user):
                raise unreadable._make_access_error("write")
        if changed and not self.env.su:
            self._dialog_check_reader_change()
        if self.env.su and vals.get("dialog_log_for_id"):
            # (set by the system only: a user's write of it is refused)
            # a log line of a restricted message is read by its readers only
            about = self.sudo().browse(vals["dialog_log_for_id"])
            if about.dialog_restricted:
                vals = {**vals, **about._dialog_log_line_readers()}
        result = super().write(vals)
        if changed:
            self._dialog_restrict_log_lines()
            for message in self.sudo().filtered("dialog_activity_id"):
                activity = message.dialog_activity_id
                message._dialog_check_reader(activity.user_id)
                activity.summary = message._dialog_follow_up_summary()
        return result

    def _dialog_check_reader_change(self):
        """The readers of a message are changed by its author and by
        Customer Dialog managers who read it (mail.message.write has checked
        the author or manager; reading it, the reader rule)."""
        dialog_messages = self.filtered("dialog_visibility")
        if dialog_messages.filtered(lambda m: m.dialog_visibility == "customer"):
            raise UserError(
                self.env._(
                    "Only an internal message can be restricted to readers: "
                    "a message for the customer is read by the customer."
                )
            )

    def _dialog_log_line_readers(self):
        """The readers of a log line about this restricted message: its
        readers and its author's users."""
        self.ensure_one()
        users = self.dialog_reader_user_ids | self.author_id.user_ids.filtered(
            lambda user: not user.share
        )
        return {
            "dialog_reader_user_ids": [Command.set(users.ids)],
            "dialog_reader_group_ids": [Command.set(self.dialog_reader_group_ids.ids)],
        }

    def _dialog_restrict_log_lines(self):
        """New readers of these messages are the readers of their log lines."""
        messages = self.sudo().filtered("dialog_visibility")
        if not messages:
            return
        lines = messages.search([("dialog_log_for_id", "in", messages.ids)])
        for line in lines:
            about = line.dialog_log_for_id
            line.write(
                about._dialog_log_line_readers()
                if about.dialog_restricted
                else {field: [Command.clear()] for field in READER_FIELDS}
            )
