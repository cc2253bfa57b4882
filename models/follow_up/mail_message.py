"""A follow-up follows its message: a new date or responsible moves its
to-do (or creates it, or removes it with the date), a new subject renames
it, and the to-dos of a customer's replies are done once an employee
answers them."""

from textwrap import shorten

from odoo import fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from ...tools.dialog_input import to_follow_up_date, to_responsible

# What a user changes on a message that its to-do follows.
FOLLOWED_BY_THE_TO_DO = {"dialog_follow_up_date", "dialog_user_id", "subject"}
# Characters of the subject in a to-do's title.
SUMMARY_SUBJECT_LENGTH = 80


class MailMessage(models.Model):
    _inherit = "mail.message"

    def write(self, vals):
        followed = set(vals) & FOLLOWED_BY_THE_TO_DO
        dialog_messages = self.filtered("dialog_visibility") if followed else self
        if followed and dialog_messages and not self.env.su:
            dialog_messages._dialog_check_follow_up(vals)
        result = super().write(vals)
        if followed and dialog_messages and not self.env.su:
            dialog_messages._dialog_follow_to_do(followed)
        return result

    def _dialog_check_follow_up(self, vals):
        """A follow-up moved by a user lies ahead (today at the earliest) and
        its responsible may open the document it is on."""
        if vals.get("dialog_follow_up_date"):
            day = to_follow_up_date(self.env, vals["dialog_follow_up_date"])
            if day < fields.Date.context_today(self):
                raise ValidationError(
                    self.env._(
                        "The follow-up date %(date)s has passed: choose today "
                        "or a later day.",
                        date=format_date(self.env, day),
                    )
                )
        if vals.get("dialog_user_id"):
            # (the write converts it too; this check reads it first)
            user = to_responsible(self.env, vals["dialog_user_id"])
            for message in self:
                record = message._dialog_thread() or message.dialog_partner_id
                record._dialog_check_responsible(user)
                message._dialog_check_reader(user)

    def _dialog_follow_to_do(self, changed):
        """Bring each message's open to-do in line with its follow-up (in
        sudo: the to-do may be a colleague's; the write was checked)."""
        for message in self.sudo():
            activity = message.dialog_activity_id
            if not message.dialog_follow_up_date:
                activity.unlink()
                continue
            if not activity:
                if changed - {"subject"}:
                    record = message._dialog_thread() or message.dialog_partner_id
                    record.with_env(self.env)._dialog_schedule_follow_up(
                        message.with_env(self.env), message.dialog_partner_id
                    )
                continue
            activity.write(
                {
                    "date_deadline": message.dialog_follow_up_date,
                    "user_id": (message.dialog_user_id or activity.user_id).id,
                    "summary": message._dialog_follow_up_summary(),
                }
            )

    def _dialog_follow_up_summary(self):
        """The to-do's title: its message's subject (else its channel and
        day) and customer, so that three to-dos on one order differ. Never
        the text: employees who see the document's to-dos may not read every
        message. A restricted message's to-do names not even its subject."""
        self.ensure_one()
        if self.sudo().dialog_restricted:
            # its to-do is read by every employee who reads the document
            return self.env._(
                "Follow up: restricted message (%(customer)s)",
                customer=self.dialog_partner_id.display_name,
            )
        channel = dict(self._fields["dialog_channel"]._description_selection(self.env))
        title = self.subject or self.env._(
            "%(channel)s of %(date)s",
            channel=channel.get(self.dialog_channel, ""),
            date=format_date(self.env, self.date),
        )
        return self.env._(
            "Follow up: %(title)s (%(customer)s)",
            title=shorten(title, SUMMARY_SUBJECT_LENGTH, placeholder="…"),
            customer=self.dialog_partner_id.display_name,
        )

    def _dialog_close_answered_follow_ups(self):
        """An employee answered this conversation: the open to-dos its
        customer's replies left (portal or email) are done."""
        self.ensure_one()
        replies = self.sudo().search(
            [
                "|",
                ("id", "=", self.id),
                ("dialog_reply_to_id", "=", self.id),
                ("dialog_direction", "=", "incoming"),
                ("dialog_activity_id", "!=", False),
            ]
        )
        replies.dialog_activity_id.action_feedback(feedback=self.env._("Answered."))
