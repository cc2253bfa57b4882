"""The headers of a delivery email with copies: each recipient gets an email
of their own (their own delivery state, bounce and resend) that shows the To
recipient and the copies as an email client would, and is sent to their own
address only. A blind copy's address is in no header anyone sees."""

from odoo import models
from odoo.tools import email_normalize, formataddr

from ...tools.dialog_input import one_header_line


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _prepare_outgoing_list(
        self, mail_server=False, recipients_follower_status=None
    ):
        emails = super()._prepare_outgoing_list(
            mail_server=mail_server,
            recipients_follower_status=recipients_follower_status,
        )
        dialog = self._dialog_deliveries()._dialog_delivery_of_mail()
        if not dialog or not dialog.sudo().dialog_recipient_ids:
            return emails
        roles = dialog._dialog_roles()
        partners = self.env["res.partner"].sudo().browse(roles)
        shown = {
            role: [
                one_header_line(
                    formataddr((partner.name or "", email_normalize(partner.email)))
                )
                for partner in partners
                if roles[partner.id] == role and email_normalize(partner.email or "")
            ]
            for role in ("to", "cc")
        }
        for email in emails:
            partner = email.get("partner_id")
            own = email.get("email_to_normalized") or []
            if not partner or partner.id not in roles or len(own) != 1:
                # (no single valid address: Odoo fails this one email)
                email["email_to"], email["email_cc"] = [], []
                continue
            # the envelope: Odoo sends only to the validated addresses
            email["email_to_normalized"] = own
            email["email_to"] = shown["to"]
            email["email_cc"] = shown["cc"]
            if roles[partner.id] == "bcc":
                # read for the envelope, then removed before sending
                email["headers"] = {**email["headers"], "Bcc": own[0]}
        return emails
