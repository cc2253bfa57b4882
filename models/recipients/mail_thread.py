"""The further recipients dialog_post is given (``recipients``): checked
against the customer's delivery decision, stored with the address each was
sent to. A recipient outside the customer gets the content only once the
author confirmed it, and never a notice (its portal link is the customer's)."""

from odoo import models
from odoo.exceptions import ValidationError
from odoo.tools import email_normalize

from ...tools.dialog_constants import RECIPIENT_ROLES
from ...tools.dialog_input import to_choice, to_flag, to_id

# Further recipients one message names at most (a copy list, not a mailing).
MAX_RECIPIENTS = 50
RECIPIENT_KEYS = {"partner_id", "role"}


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _dialog_validate_recipients(self, customer, to, decision, recipients, confirm):
        """The rows to store for ``recipients`` (a list of {"partner_id": id,
        "role": "cc" | "bcc" | "none"}) of a message for ``customer`` whose
        To recipient is ``to``, by the ``decision`` of the delivery rules."""
        env = self.env
        to_flag(env, confirm, "confirm_outside_recipients")
        if not recipients:
            return []
        if not isinstance(recipients, list | tuple) or not all(
            isinstance(item, dict) and set(item) == RECIPIENT_KEYS
            for item in recipients
        ):
            raise ValidationError(
                env._(
                    'Recipients are a list of {"partner_id": id, "role": '
                    '"cc", "bcc" or "none"}.'
                )
            )
        if len(recipients) > MAX_RECIPIENTS:
            raise ValidationError(
                env._(
                    "At most %(max)s further recipients: %(count)s were given.",
                    max=MAX_RECIPIENTS,
                    count=len(recipients),
                )
            )
        if decision["code"] == "internal":
            raise ValidationError(
                env._("Only a message for the customer has further recipients.")
            )
        rows, seen, outside = [], set(), []
        for sequence, item in enumerate(recipients):
            role = to_choice(env, item["role"], RECIPIENT_ROLES, env._("role"))
            partner_id = to_id(env, item["partner_id"], env._("recipient"))
            partner = self._dialog_browse("res.partner", partner_id, env._("recipient"))
            if not partner:
                raise ValidationError(env._("Each recipient is given by its id."))
            if partner == to or partner.id in seen:
                raise ValidationError(
                    env._(
                        "%(name)s is named twice among the recipients.",
                        name=partner.display_name,
                    )
                )
            seen.add(partner.id)
            if partner.user_ids.filtered(lambda user: not user.share):
                # an employee reads the message in the company, and Odoo
                # would show them every recipient in their inbox
                raise ValidationError(
                    env._(
                        "%(name)s is an employee: colleagues read the message "
                        "here, not as a copy.",
                        name=partner.display_name,
                    )
                )
            sent = role != "none" and decision["delivery"] != "none"
            address = email_normalize(partner.email or "")
            if role != "none" and not address:
                raise ValidationError(
                    env._(
                        "%(name)s has no valid email address and cannot get a copy.",
                        name=partner.display_name,
                    )
                )
            is_outside = partner.commercial_partner_id != customer
            if is_outside and sent:
                if decision["delivery"] == "notice":
                    raise ValidationError(
                        env._(
                            "%(name)s is not a contact of %(customer)s: a notice "
                            "leads to the customer's portal, which they cannot "
                            "open. Send the full content, or list them as not "
                            "sent.",
                            name=partner.display_name,
                            customer=customer.display_name,
                        )
                    )
                outside.append(partner)
            rows.append(
                {
                    "sequence": sequence,
                    "partner_id": partner.id,
                    "role": role,
                    "address": address if sent else False,
                    "outside": is_outside,
                }
            )
        if outside and not confirm:
            raise ValidationError(self._dialog_outside_sentence(outside))
        return rows

    def _dialog_outside_sentence(self, partners):
        return self.env._(
            "The content goes to recipients outside the customer: %(names)s. "
            "Confirm that they may read it.",
            names=", ".join(partner.display_name for partner in partners),
        )

    def _dialog_store_recipients(self, message, rows):
        if rows:
            self.env["customer_dialog.recipient"].sudo().create(
                [{**row, "message_id": message.id} for row in rows]
            )
