from odoo import api, fields, models
from odoo.exceptions import ValidationError

VISIBILITIES = [
    ("internal", "Internal"),
    ("customer", "For the customer"),
]


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
            self._check_visibility_value(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_visibility_value(vals)
        return super().write(vals)

    @api.model
    def _check_visibility_value(self, vals):
        """Refuse unknown visibilities with a readable error (the ORM itself
        would only raise a technical ValueError)."""
        value = vals.get("default_visibility")
        allowed = dict(VISIBILITIES)
        if value and value not in allowed:
            raise ValidationError(
                self.env._(
                    "“%(value)s” is not a valid default visibility. "
                    "Allowed values: %(allowed)s.",
                    value=value,
                    allowed=", ".join(allowed),
                )
            )
