"""A topic restricts its internal messages to reader groups by default (e.g.
camera checks to a "Security" group)."""

from odoo import fields, models


class CustomerDialogTopic(models.Model):
    _inherit = "customer_dialog.topic"

    reader_group_ids = fields.Many2many(
        "res.groups",
        "customer_dialog_topic_reader_group_rel",
        "topic_id",
        "group_id",
        string="Reader Groups",
        help="Internal messages of this topic are restricted to these groups "
        "(and their author) unless the author names other readers.",
    )
