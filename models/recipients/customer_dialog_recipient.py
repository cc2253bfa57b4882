"""A further recipient of a customer message besides its contact person (the
To recipient): a copy (CC), a blind copy (BCC) or only listed (not sent),
with the address the decision sent to and the state of that one email.

Rows are written by dialog_post only and read by whoever reads their message
(``_search`` and ``_check_access`` ask mail.message, readers included)."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from ...tools.dialog_constants import DELIVERY_FAILURES, RECIPIENT_ROLES

# Notification statuses of one recipient's email, as its state.
STATE_OF_STATUS = {
    "ready": "pending",
    "process": "pending",
    "pending": "pending",
    "sent": "sent",
    "exception": "failed",
    "canceled": "failed",
    "bounce": "bounced",
}


class CustomerDialogRecipient(models.Model):
    _name = "customer_dialog.recipient"
    _description = "Dialog Message Recipient"
    _order = "message_id, sequence, id"
    _rec_name = "partner_id"

    message_id = fields.Many2one(
        "mail.message", required=True, index=True, ondelete="cascade", readonly=True
    )
    sequence = fields.Integer(readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Recipient", ondelete="set null", readonly=True
    )
    role = fields.Selection(RECIPIENT_ROLES, required=True, readonly=True)
    address = fields.Char(
        readonly=True, help="The address the email went to (none when not sent)."
    )
    outside = fields.Boolean(
        string="Outside the Customer",
        readonly=True,
        help="Not a contact of the customer: got the content after the "
        "author's confirmation, never portal access to the message.",
    )
    state = fields.Selection(
        [
            ("none", "Not sent"),
            ("pending", "Pending"),
            ("sent", "Sent"),
            ("failed", "Failed"),
            ("bounced", "Bounced"),
        ],
        compute="_compute_state",
    )
    failure_reason = fields.Char(compute="_compute_state")

    def _notification(self):
        """The notification of this recipient's email (sudo)."""
        self.ensure_one()
        delivery = self.sudo().message_id.dialog_delivery_message_id
        return delivery.notification_ids.filtered(
            lambda n: n.res_partner_id == self.partner_id
            and n.notification_type == "email"
        )[:1]

    def _compute_state(self):
        for recipient in self:
            notification = recipient.address and recipient._notification()
            recipient.state = (
                STATE_OF_STATUS.get(notification.notification_status, "pending")
                if notification
                else ("failed" if recipient.address else "none")
            )
            recipient.failure_reason = (
                notification.format_failure_reason()
                if notification
                and notification.notification_status in DELIVERY_FAILURES
                else False
            )

    # ------------------------------------------------------------------
    # Read as its message is read
    # ------------------------------------------------------------------

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.su:
            domain = expression.AND(
                [domain, [("message_id.dialog_visibility", "!=", False)]]
            )
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if self.env.su or not self:
            return result
        allowed = self - result[0] if result else self
        messages = allowed.sudo().message_id
        forbidden_messages = messages - messages.with_env(self.env)._filtered_access(
            "read"
        )
        forbidden = (
            allowed.sudo()
            .filtered(lambda r: r.message_id in forbidden_messages)
            .with_env(self.env)
        )
        if not forbidden:
            return result
        if result:
            return (result[0] + forbidden, result[1])
        return (
            forbidden,
            lambda: self.env["ir.rule"]._make_access_error(operation, forbidden),
        )

    # ------------------------------------------------------------------
    # Its own resend
    # ------------------------------------------------------------------

    def action_resend(self):
        """Odoo's resend wizard on the delivery email, with only this
        recipient chosen (its address can be corrected there)."""
        self.ensure_one()
        self.check_access("read")
        if self.state not in ("failed", "bounced") or not self._notification():
            raise UserError(
                self.env._("Only an email that did not arrive can be resent.")
            )
        action = self.message_id.action_dialog_resend()
        action["context"] = {
            **action["context"],
            "dialog_resend_partner_id": self.partner_id.id,
        }
        return action
