from odoo import fields, models


class PortalWizardUser(models.TransientModel):
    _inherit = "portal.wizard.user"

    dialog_mail_content = fields.Boolean(
        related="partner_id.commercial_partner_id.dialog_mail_content",
        readonly=False,
        string="Send message content by email",
        help="Checked: new customer messages are emailed with their content. "
        "Unchecked: the customer only gets a notice to read them in the portal. "
        "The setting is the customer's and holds for all its contacts.",
    )
