import threading
from collections import Counter
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from .dialog_constants import VISIBILITIES, check_selection_values

RETENTION_ACTIONS = [
    ("archive", "Archive"),
    ("delete", "Delete"),
]
# Messages handled per transaction by the retention cron (system parameter
# customer_dialog.retention_batch_size), and batches per cron call: Odoo
# calls the cron again at once while it reports remaining work.
RETENTION_BATCH_SIZE = 1000
RETENTION_MAX_BATCHES = 10
# The longest retention period: a hundred years, beyond any law's.
RETENTION_MAX_DAYS = 36500


class CustomerDialogTopic(models.Model):
    """What a dialog message is about (contract change, complaint, ...).

    A topic proposes the visibility of new messages, so that e.g. a camera
    check is internal unless the user decides otherwise, and says how long
    its messages are kept (retention).
    """

    _name = "customer_dialog.topic"
    _description = "Customer Dialog Topic"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    default_visibility = fields.Selection(
        VISIBILITIES,
        required=True,
        default="internal",
        help="Visibility proposed for new messages on this topic.",
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the topic between all companies.",
    )
    retention_days = fields.Integer(
        string="Retention Period (days)",
        default=0,
        help="Messages on this topic whose interaction date is at least this "
        "many days ago are archived or deleted by the daily retention job. "
        "0 keeps them.",
    )
    retention_action = fields.Selection(
        RETENTION_ACTIONS,
        string="After the Retention Period",
        required=True,
        default="archive",
        help="Archive: hidden from the overview, kept in the customer file. "
        "Delete: removed with its files and delivery email, except for "
        "customers under legal hold.",
    )

    _sql_constraints = [
        (
            "retention_days_positive",
            "CHECK (retention_days >= 0)",
            "The retention period cannot be negative.",
        ),
        (
            "retention_days_at_most_a_century",
            f"CHECK (retention_days <= {RETENTION_MAX_DAYS})",
            "The retention period is at most 36500 days (100 years).",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_values(vals)
        return super().write(vals)

    def _check_values(self, vals):
        check_selection_values(self, vals, ["default_visibility", "retention_action"])
        days = vals.get("retention_days") or 0
        if days < 0:
            raise ValidationError(
                self.env._("The retention period cannot be negative.")
            )
        if days > RETENTION_MAX_DAYS:
            raise ValidationError(
                self.env._(
                    "The retention period is at most %(days)s days (100 years); "
                    "0 keeps the messages.",
                    days=RETENTION_MAX_DAYS,
                )
            )

    # ------------------------------------------------------------------
    # Retention
    # ------------------------------------------------------------------

    def _retention_cutoff(self, today=None):
        """Messages dated before this moment (UTC) are due: a message is due
        on the day it is ``retention_days`` days old, whatever its hour."""
        self.ensure_one()
        today = today or fields.Date.today()
        due_day = today - timedelta(days=self.retention_days - 1)
        return datetime.combine(due_day, time.min)

    @api.model
    def _retention_due_domain(self, today=None):
        """Dialog messages whose topic's retention period is over and that
        still need its action. Deletion spares customers under legal hold."""
        # a longer period saved before it was limited (or written in SQL)
        # would stop the whole job: no message can be that old
        topics = self.with_context(active_test=False).search(
            [("retention_days", ">", 0), ("retention_days", "<=", RETENTION_MAX_DAYS)]
        )
        rules = []
        for topic in topics:
            rule = [
                ("dialog_topic_id", "=", topic.id),
                ("date", "<", topic._retention_cutoff(today)),
            ]
            if topic.retention_action == "archive":
                rule.append(("dialog_archived", "=", False))
            else:
                rule.append(("dialog_partner_id.dialog_legal_hold", "=", False))
            rules.append(rule)
        if not rules:
            return expression.FALSE_DOMAIN
        return expression.AND(
            [[("dialog_visibility", "!=", False)], expression.OR(rules)]
        )

    @api.model
    def _cron_apply_retention(self, batch_size=None, max_batches=None, today=None):
        """Archive or delete the dialog messages whose retention period is
        over, batch by batch. In a cron each batch is committed with its
        notes and its progress, so an interrupted run loses nothing and the
        next run continues with what is left.

        :return: number of messages still due after this call
        """
        # the notes are for the company's staff, in the company's language
        topics = self.with_context(
            lang=self.env.company.partner_id.lang or self.env.lang
        )
        Message = self.env["mail.message"].sudo()
        batch_size = batch_size or int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_dialog.retention_batch_size", RETENTION_BATCH_SIZE)
        )
        max_batches = max_batches or RETENTION_MAX_BATCHES
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        domain = self._retention_due_domain(today)
        done = 0
        remaining = Message.search_count(domain)
        for _batch in range(max_batches):
            messages = topics._retention_next_batch(domain, batch_size)
            if not messages:
                break
            topics._retention_apply(messages)
            done += len(messages)
            remaining = Message.search_count(domain)
            self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return remaining

    @api.model
    def _retention_next_batch(self, domain, batch_size):
        """Up to ``batch_size`` due messages (sudo), ordered by customer. A
        customer's messages go into one batch where they fit, so that it
        gets one note: in a full batch the last customer waits for the next."""
        Message = self.env["mail.message"].sudo()
        query = Message._search(domain, limit=batch_size)
        query.order = SQL(
            "%s, %s",
            SQL.identifier(query.table, "dialog_partner_id"),
            SQL.identifier(query.table, "id"),
        )
        messages = Message.browse(query.get_result_ids())
        if len(messages) == batch_size:
            last = messages[-1].dialog_partner_id
            rest = messages.filtered(lambda m: m.dialog_partner_id != last)
            messages = rest or messages
        return messages

    @api.model
    def _retention_apply(self, messages):
        """Apply the topics' actions to ``messages`` (sudo, all due) and note
        the counts, without content, on each customer."""
        to_archive = messages.filtered(
            lambda m: m.dialog_topic_id.retention_action == "archive"
        )
        to_delete = messages - to_archive
        archived = Counter(m.dialog_partner_id.id for m in to_archive)
        deleted = Counter(m.dialog_partner_id.id for m in to_delete)
        customers = messages.dialog_partner_id
        to_archive.write({"dialog_archived": True})
        self._retention_delete(to_delete)
        for customer in customers:
            customer._dialog_log_note(
                self.env._(
                    "Retention period over: %(archived)s dialog messages "
                    "archived, %(deleted)s deleted.",
                    archived=archived[customer.id],
                    deleted=deleted[customer.id],
                )
            )

    @api.model
    def _retention_delete(self, messages):
        """Delete dialog messages (sudo) with their own files, except a file
        another message still shows (see ir.attachment._dialog_release);
        their delivery emails and open follow-ups go with them (see
        mail.message)."""
        files = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [("res_model", "=", "mail.message"), ("res_id", "in", messages.ids)]
            )
        )
        files = files._dialog_release(messages | messages.dialog_delivery_message_id)
        messages.unlink()
        files.exists().unlink()
