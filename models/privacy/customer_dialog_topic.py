"""Retention: the messages of a topic are archived or deleted when its
period is over (customers under legal hold keep theirs), by a cron that
commits batch by batch."""

import threading
from collections import Counter
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from ..customer_dialog_topic import RETENTION_MAX_DAYS

# Messages handled per transaction by the retention cron (system parameter
# customer_dialog.retention_batch_size), and batches per cron call: Odoo
# calls the cron again at once while it reports remaining work.
RETENTION_BATCH_SIZE = 1000
RETENTION_MAX_BATCHES = 10


class CustomerDialogTopic(models.Model):
    _inherit = "customer_dialog.topic"

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
