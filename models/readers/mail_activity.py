"""The to-do of a restricted message goes to a reader only, whoever assigns
it (dialog_post, a new responsible, a colleague who reassigns the to-do):
anyone else would be told of a message they may not open."""

from odoo import api, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model_create_multi
    def create(self, vals_list):
        self._dialog_check_message_readable(vals_list)
        activities = super().create(vals_list)
        activities._dialog_check_assigned_reader()
        return activities

    def write(self, vals):
        self._dialog_check_message_readable([vals])
        result = super().write(vals)
        if "user_id" in vals or "dialog_message_id" in vals:
            self._dialog_check_assigned_reader()
        return result

    def _dialog_check_message_readable(self, vals_list):
        """A user links a to-do only to a message they may read."""
        if self.env.su:
            return
        ids = [
            vals["dialog_message_id"]
            for vals in vals_list
            if vals.get("dialog_message_id")
        ]
        if ids:
            self.env["mail.message"].browse(ids).check_access("read")

    def _dialog_check_assigned_reader(self):
        for activity in self.sudo().filtered("dialog_message_id"):
            if activity.user_id:
                activity.dialog_message_id._dialog_check_reader(activity.user_id)
