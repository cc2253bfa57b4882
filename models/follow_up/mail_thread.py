"""A follow-up ("Wiedervorlage"): the to-do of a dialog message for its
responsible, on its document; it names the message's subject, never its
text, and it is done when an employee answers the customer's reply."""

from markupsafe import Markup

from odoo import models
from odoo.exceptions import ValidationError


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _dialog_schedule_follow_up(self, message, customer, responsible=None):
        """A to-do for the responsible (else the author) on the reference
        object, or on the customer if the object has no activities."""
        target = self if hasattr(self, "activity_schedule") else customer
        if not target.has_access("write"):
            # logging only needs read access; the activity is still the user's
            target = target.sudo()
        responsible = responsible or message.dialog_user_id or self.env.user
        # the activity says what to do and links to the message; it never
        # copies its text, which token holders of the document could read
        activity = target.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=message.dialog_follow_up_date,
            summary=message._dialog_follow_up_summary(),
            note=Markup('<a href="%s">%s</a>')
            % (
                message._dialog_backend_url(),
                self.env._("Open the dialog message"),
            ),
            user_id=responsible.id,
            dialog_message_id=message.id,
        )
        message.sudo().dialog_activity_id = activity

    def _dialog_check_responsible(self, user):
        """A responsible chosen at the desk (an edit, the composer) is an
        active employee who may read this record, which the to-do is on:
        else a clear error, never a to-do its owner cannot open. (dialog_post
        itself also logs what other systems hand over, and only asks for an
        active employee.)"""
        if not user:
            return
        if not user.active or not user._is_internal():
            raise ValidationError(
                self.env._(
                    "%(user)s is not an active employee and cannot be responsible.",
                    user=user.name,
                )
            )
        if self and not self.with_user(user).has_access("read"):
            raise ValidationError(
                self.env._(
                    "%(user)s may not open %(record)s and cannot be responsible "
                    "for a message on it.",
                    user=user.name,
                    record=self.display_name,
                )
            )
