from odoo import api, fields, models

from .dialog_constants import VISIBILITIES, check_selection_values


class CustomerDialogTopic(models.Model):
    """What a dialog message is about (contract change, complaint, ...).

    A topic proposes the visibility of new messages, so that e.g. a camera
    check is internal unless the user decides otherwise.
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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_selection_values(self, vals, ["default_visibility"])
        return super().create(vals_list)

    def write(self, vals):
        check_selection_values(self, vals, ["default_visibility"])
        return super().write(vals)
