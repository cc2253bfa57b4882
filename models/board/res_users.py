"""Who leaves a reader group leaves the board threads of the restricted
messages that group lets them read (discuss_channel._dialog_leave_unreaders):
a member still gets a thread's posts on the bus, whatever the record rule."""

from odoo import models

# the keys of a user's write that change their groups (the form writes
# in_group_* and sel_groups_* fields, converted by Odoo)
GROUP_KEYS = ("groups_id", "in_group_", "sel_groups_")


class ResUsers(models.Model):
    _inherit = "res.users"

    def write(self, vals):
        result = super().write(vals)
        if "active" in vals or any(key.startswith(GROUP_KEYS) for key in vals):
            # (only the threads these users are members of)
            self.env["discuss.channel"]._dialog_leave_unreaders(self.partner_id)
        return result


class ResGroups(models.Model):
    _inherit = "res.groups"

    def write(self, vals):
        result = super().write(vals)
        if {"users", "implied_ids"} & set(vals):
            self.env["discuss.channel"]._dialog_leave_unreaders()
        return result
