import re

from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ...tools.dialog_constants import DELIVERY_FAILURES, DialogDelivery

# An SMTP reply that refuses a recipient (550 5.1.1 User unknown, ...).
SMTP_REFUSAL = re.compile(
    r"\b(55[0-4]|5\.1\.\d)\b|recipient|user unknown|mailbox|address rejected",
    re.IGNORECASE,
)


class MailNotification(models.Model):
    _inherit = "mail.notification"

    @api.model_create_multi
    def create(self, vals_list):
        # Odoo notifies in sudo; a user creating a notification of a dialog
        # message or of its delivery email could have it resent to anyone
        if not self.env.su:
            message_ids = {vals.get("mail_message_id") for vals in vals_list} - {None}
            Message = self.env["mail.message"].sudo()
            if Message.search_count(
                [
                    "|",
                    "&",
                    ("id", "in", list(message_ids)),
                    ("dialog_visibility", "!=", False),
                    ("dialog_delivery_message_id", "in", list(message_ids)),
                ],
                limit=1,
            ):
                raise AccessError(
                    self.env._(
                        "Notifications of dialog messages are the delivery's own."
                    )
                )
        return super().create(vals_list)

    def write(self, vals):
        result = super().write(vals)
        # a bounce comes by email, days later; an SMTP failure is reported
        # when Odoo knows the outcome (mail.mail), not when it marks every
        # notification as failed before it tries
        if vals.get("notification_status") == "bounce":
            self._dialog_report_failed_deliveries()
        return result

    def _dialog_report_failed_deliveries(self):
        """A failed delivery (SMTP error or bounce) is work for the message's
        responsible (see mail.message._dialog_responsible): a
        to-do on the reference object that links to the message, once per
        failure still open. Odoo's own failure list leaves out delivery
        emails (they are user notifications)."""
        Message = self.env["mail.message"].sudo()
        if delivering := DialogDelivery.of(self.env):
            # sent at once by dialog_post, before the message links to it
            failed = self.sudo().filtered(
                lambda n: n.notification_type == "email"
                and n.notification_status in DELIVERY_FAILURES
            )
            # (exists: deleted meanwhile, when the email went after the commit)
            messages = (
                Message.browse(delivering.message_id).exists() if failed else Message
            )
        else:
            # one query: other emails' failures cost nothing more
            self.flush_recordset(
                ["mail_message_id", "notification_type", "notification_status"]
            )
            Message.flush_model(["dialog_delivery_message_id"])
            rows = self.env.execute_query(
                SQL(
                    """SELECT dialog.id
                         FROM mail_notification AS notification
                         JOIN mail_message AS dialog
                           ON dialog.dialog_delivery_message_id
                              = notification.mail_message_id
                        WHERE notification.id = ANY(%s)
                          AND notification.notification_type = 'email'
                          AND notification.notification_status IN %s""",
                    list(self.ids),
                    DELIVERY_FAILURES,
                )
            )
            messages = Message.browse(row[0] for row in rows)
        if not messages:
            return
        activity_type = self.env.ref(
            "customer_dialog.mail_activity_type_delivery_failed"
        )
        for message in messages:
            responsible = message._dialog_responsible()
            target = message._dialog_thread()
            if not responsible or target is None or not hasattr(target, "activity_ids"):
                continue
            if message._dialog_failure_activities():
                continue
            target.with_context(mail_activity_quick_update=True).activity_schedule(
                activity_type_id=activity_type.id,
                summary=self.env._(
                    "Delivery failed: %(customer)s",
                    customer=message.dialog_partner_id.display_name,
                ),
                note=Markup('<a href="%s">%s</a>')
                % (
                    message._dialog_backend_url(),
                    self.env._("Open the dialog message and resend it"),
                ),
                user_id=responsible.id,
                dialog_message_id=message.id,
            )

    def format_failure_reason(self):
        """Why a delivery email did not arrive, as a sentence a clerk reads
        (Odoo shows "Unknown error: 550 5.1.1 <…>: Recipient address
        rejected"); other emails keep Odoo's wording."""
        self.ensure_one()
        reason = super().format_failure_reason()
        if not self.sudo().mail_message_id._dialog_delivery_of():
            return reason
        return self._dialog_failure_sentence() or reason

    def _dialog_failure_sentence(self):
        error = (self.sudo().failure_reason or "").strip()
        kind = self.failure_type
        if kind == "mail_bounce" or self.notification_status == "bounce":
            return self.env._(
                "The recipient's mail server returned the email: %(error)s",
                error=error or self.env._("no reason given"),
            )
        if kind in ("mail_email_invalid", "mail_email_missing"):
            return self.env._("The email address is missing or not valid.")
        if kind == "mail_smtp":
            return self.env._(
                "The outgoing mail server could not be reached: %(error)s",
                error=error or self.env._("no reason given"),
            )
        if SMTP_REFUSAL.search(error):
            return self.env._(
                "The mail server refused the address: %(error)s", error=error
            )
        return error and self.env._("Sending failed: %(error)s", error=error)
