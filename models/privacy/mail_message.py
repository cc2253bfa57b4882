"""What data protection keeps of dialog messages: a customer under legal hold
keeps its whole file unchanged, after delivery nobody but a manager brings
a message's deletion by retention forward, and the files of a deleted
message that another message still shows pass to that message."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

# What nobody changes while the customer is under legal hold.
LOCKED_BY_LEGAL_HOLD = {"body", "subject", "attachment_ids"}
# What decides when retention deletes a message: after delivery only a
# manager may bring that day forward (only managers may delete delivered
# messages), see _dialog_deleted_on.
DECIDES_RETENTION = {"date", "dialog_topic_id"}


class MailMessage(models.Model):
    _inherit = "mail.message"

    # ------------------------------------------------------------------
    # Legal hold
    # ------------------------------------------------------------------

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

    # ------------------------------------------------------------------
    # The retention lock after delivery
    # ------------------------------------------------------------------

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

    # ------------------------------------------------------------------
    # Shared files pass to the message that still shows them
    # ------------------------------------------------------------------

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
