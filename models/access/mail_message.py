"""What an employee may read of dialog messages: mail's own rule (messages
they wrote or received, messages of documents they may read), kept for a
page and written as one SQL condition for the big reads (counts, groups, a
customer's whole file) that mail would check record by record."""

import functools

from odoo import api, models, tools
from odoo.tools import SQL

from ...tools.dialog_domain import only_dialog_messages

# The models dialog messages are on, found by one index probe per model
# (see _dialog_models). Only a query that says model IS NOT NULL may use it:
# the customer's index serves a customer's counts better.
ACCESS_INDEXES = [
    (
        "mail_message_dialog_models_index",
        "(model)",
        "dialog_visibility IS NOT NULL AND model IS NOT NULL",
    ),
]


class MailMessage(models.Model):
    _inherit = "mail.message"

    def init(self):
        result = super().init()
        self._dialog_create_indexes(ACCESS_INDEXES)
        return result

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
                and only_dialog_messages(domain)
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

    def _get_forbidden_access(self, operation):
        # (a share user: see portal/mail_message.py)
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
        return super()._get_forbidden_access(operation)
