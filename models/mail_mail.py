from odoo import models
from odoo.tools import email_normalize


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        """Where a delivery email really went (the address may have changed
        since the message was posted, or been corrected in the resend
        wizard), whether a failure's to-do is done, and a failure to report
        (see mail.notification)."""
        deliveries = self._dialog_deliveries()
        # read before Odoo deletes the mails (auto_delete)
        addresses = {
            mail.mail_message_id.id: email_normalize(mail.recipient_ids[:1].email or "")
            for mail in deliveries
        }
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search([("mail_mail_id", "in", self.ids)])
            if failure_type
            else None
        )
        result = super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
        if addresses:
            self.env["mail.message"]._dialog_record_sent(
                addresses, delivered=not failure_type
            )
        if notifications:
            notifications._dialog_report_failed_deliveries()
        return result

    def _dialog_deliveries(self):
        """The delivery emails of dialog messages among these mails."""
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "customer_dialog.mt_dialog_customer"
        )
        return self.filtered(
            lambda mail: mail.message_type == "user_notification"
            and mail.subtype_id.id == subtype_id
        )
