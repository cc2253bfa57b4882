from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.dialog_constants import VISIBILITIES
from ..tools.dialog_input import check_selection_values

RETENTION_ACTIONS = [
    ("archive", "Archive"),
    ("delete", "Delete"),
]
# Messages handled per transaction by the retention cron (system parameter
# customer_dialog.retention_batch_size), and batches per cron call: Odoo
# calls the cron again at once while it reports remaining work.
RETENTION_BATCH_SIZE = 1000
RETENTION_MAX_BATCHES = 10
# The longest retention period: a hundred years, beyond any law's.
RETENTION_MAX_DAYS = 36500


class CustomerDialogTopic(models.Model):
    """What a dialog message is about (contract change, complaint, ...).

    A topic proposes the visibility of new messages, so that e.g. a camera
    check is internal unless the user decides otherwise, and says how long
    its messages are kept (retention).
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
    retention_days = fields.Integer(
        string="Retention Period (days)",
        default=0,
        help="Messages on this topic whose interaction date is at least this "
        "many days ago are archived or deleted by the daily retention job. "
        "0 keeps them.",
    )
    retention_action = fields.Selection(
        RETENTION_ACTIONS,
        string="After the Retention Period",
        required=True,
        default="archive",
        help="Archive: hidden from the overview, kept in the customer file. "
        "Delete: removed with its files and delivery email, except for "
        "customers under legal hold.",
    )

    _sql_constraints = [
        (
            "retention_days_positive",
            "CHECK (retention_days >= 0)",
            "The retention period cannot be negative.",
        ),
        (
            "retention_days_at_most_a_century",
            f"CHECK (retention_days <= {RETENTION_MAX_DAYS})",
            "The retention period is at most 36500 days (100 years).",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_values(vals)
        return super().write(vals)

    def _check_values(self, vals):
        check_selection_values(self, vals, ["default_visibility", "retention_action"])
        days = vals.get("retention_days") or 0
        if not isinstance(days, int) or isinstance(days, bool):
            raise ValidationError(
                self.env._("The retention period is a whole number of days.")
            )
        if days < 0:
            raise ValidationError(
                self.env._("The retention period cannot be negative.")
            )
        if days > RETENTION_MAX_DAYS:
            raise ValidationError(
                self.env._(
                    "The retention period is at most %(days)s days (100 years); "
                    "0 keeps the messages.",
                    days=RETENTION_MAX_DAYS,
                )
            )
