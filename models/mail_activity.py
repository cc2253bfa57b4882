from odoo import fields, models

from ..tools.dialog_constants import EMPLOYEES_ONLY, DialogQuietLog


class MailActivity(models.Model):
    _inherit = "mail.activity"

    dialog_message_id = fields.Many2one(
        "mail.message",
        index="btree_not_null",
        ondelete="cascade",
        groups=EMPLOYEES_ONLY,
        help="The dialog message this to-do is about: its follow-up, or the "
        "failure of its delivery.",
    )

    def _action_done(self, feedback=False, attachment_ids=None):
        """A done to-do of a dialog message (its follow-up, a failed
        delivery) leaves a log line on the document with the feedback the
        employee typed: linked to its dialog message by a field
        (``dialog_log_for_id``), so that an erasure finds and clears it
        whatever its text says. Other activities cost nothing more."""
        of_dialog = self.filtered("dialog_message_id")
        if not of_dialog:
            return super()._action_done(
                feedback=feedback, attachment_ids=attachment_ids
            )
        about = {activity.id: activity.dialog_message_id for activity in of_dialog}
        messages, next_activities = self.env["mail.message"], self.browse()
        if self - of_dialog:
            messages, next_activities = super(
                MailActivity, self - of_dialog
            )._action_done(feedback=feedback, attachment_ids=attachment_ids)
        # one by one: each log line is known to be that of its activity
        for activity in of_dialog:
            quiet = (
                DialogQuietLog().context()
                if activity.sudo().dialog_message_id.dialog_restricted
                else {}
            )
            # a restricted message's log line notifies nobody: the document's
            # followers may not read it (it gets its readers below)
            done, following = super(
                MailActivity, activity.with_context(**quiet)
            )._action_done(feedback=feedback, attachment_ids=attachment_ids)
            done.sudo().write({"dialog_log_for_id": about[activity.id].id})
            messages |= done
            next_activities |= following
        return messages, next_activities
