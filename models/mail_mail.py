from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        if not failure_type:
            return super()._postprocess_sent_message(
                success_pids, failure_reason=failure_reason, failure_type=failure_type
            )
        # the mail may be deleted below (auto_delete): keep its notifications
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search([("mail_mail_id", "in", self.ids)])
        )
        result = super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
        notifications._dialog_report_failed_deliveries()
        return result
