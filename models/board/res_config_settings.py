from odoo import fields, models

from .discuss_channel import BOARD_PARAMETER


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dialog_board_channel_id = fields.Many2one(
        "discuss.channel",
        string="Community Board",
        config_parameter=BOARD_PARAMETER,
        domain=[("channel_type", "=", "channel"), ("parent_channel_id", "=", False)],
        help="The channel whose threads discuss dialog messages: employees only. "
        "Empty: the Community Board created on installation.",
    )
