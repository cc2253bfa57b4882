import threading

import psycopg2

from odoo import models
from odoo.tools import SQL, email_normalize

from ...tools.dialog_constants import DialogDelivery, DialogSendAfterCommit
from ...tools.dialog_input import one_header_line

# What an outgoing email puts into its headers, besides ``headers`` itself.
HEADER_KEYS = ("email_from", "reply_to", "subject", "references", "message_id")


class MailMail(models.Model):
    _inherit = "mail.mail"

    # ------------------------------------------------------------------
    # One sender per email: the queue's cron and a post-commit send
    # ------------------------------------------------------------------

    def send_after_commit(self):
        """Marks the send that runs right after the commit (in a new
        transaction, while the queue's cron may pick the same emails), so
        that it claims them. In tests, Odoo sends at once in the transaction
        that created them, which nobody else can see: nothing to claim."""
        if getattr(threading.current_thread(), "testing", False):
            return super().send_after_commit()
        return super(
            MailMail, self.with_context(**DialogSendAfterCommit().context())
        ).send_after_commit()

    def _send(self, auto_commit=False, raise_exception=False, **kwargs):
        """Each email is sent by the one process that claims it first.

        A worker sends a post's emails right after its commit while the
        queue's cron (on any node) may pick the same outgoing emails. Odoo
        keeps them from going out twice by failing the loser on a
        serialization error, which aborts the whole cron batch, marks the
        email "Error without exception. Probably due to sending an email
        without computed recipients" for a moment and logs ERROR lines. Here
        the loser skips an email another process holds or already sent. The
        cron commits after each email, so it claims them one by one."""
        if auto_commit:
            for mail in self:
                if mail._dialog_claim():
                    super(MailMail, mail)._send(
                        auto_commit=auto_commit,
                        raise_exception=raise_exception,
                        **kwargs,
                    )
            return True
        mails = self._dialog_claim() if DialogSendAfterCommit.of(self.env) else self
        return super(MailMail, mails)._send(
            auto_commit=auto_commit, raise_exception=raise_exception, **kwargs
        )

    def _dialog_claim(self):
        """Those of these outgoing emails this transaction could lock for
        sending: not those another transaction holds, nor those changed
        since this one began (a serialization failure: then one by one)."""
        if not self:
            return self
        self.flush_recordset(["state"])
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM mail_mail WHERE id IN %s "
                        "AND state = 'outgoing' FOR NO KEY UPDATE SKIP LOCKED",
                        tuple(self.ids),
                    ),
                    log_exceptions=False,
                )
                return self.browse(row[0] for row in self.env.cr.fetchall())
        except psycopg2.errors.SerializationFailure:
            if len(self) == 1:
                return self.browse()
            return self.browse(mail.id for mail in self if mail._dialog_claim())

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        """Where a delivery email really went (the address may have changed
        since the message was posted, or been corrected in the resend
        wizard), whether a failure's to-do is done, and a failure to report
        (see mail.notification)."""
        # read before Odoo deletes the mails (auto_delete): the address of
        # the To recipient (an email with copies: the one it carried)
        addresses = {}
        for mail in self._dialog_deliveries():
            to = mail.recipient_ids
            if len(to) > 1:
                to &= mail._dialog_delivery_of_mail().dialog_recipient_id
            if to:
                addresses[mail.mail_message_id.id] = email_normalize(to.email or "")
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

    def _prepare_outgoing_list(
        self, mail_server=False, recipients_follower_status=None
    ):
        """The header cleaning of every outgoing email (delivery emails
        first): no name, address or subject starts a header of its own,
        whatever Odoo's address formatting keeps (a contact or a customer
        named "Karl\\r\\nBcc: x@y" through the portal's account page). The
        sender is stored clean already (see mail.message.create)."""
        emails = super()._prepare_outgoing_list(
            mail_server=mail_server,
            recipients_follower_status=recipients_follower_status,
        )
        for email in emails:
            for key in HEADER_KEYS:
                if key in email:
                    email[key] = one_header_line(email[key])
            for key in ("email_to", "email_cc"):
                if key in email:
                    email[key] = [one_header_line(value) for value in email[key] or []]
            email["headers"] = {
                one_header_line(name): one_header_line(value)
                for name, value in (email.get("headers") or {}).items()
            }
        return emails

    def _dialog_delivery_of_mail(self):
        """The dialog message this one delivery email carries (sudo), if any:
        sent at once, before the message links to it, or later by the queue."""
        if len(self) != 1:
            return self.env["mail.message"]
        delivery = DialogDelivery.of(self.env)
        if delivery:
            return self.env["mail.message"].sudo().browse(delivery.message_id)
        return self.mail_message_id._dialog_delivery_of()

    def _dialog_deliveries(self):
        """The delivery emails of dialog messages among these mails."""
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "customer_dialog.mt_dialog_customer"
        )
        return self.filtered(
            lambda mail: mail.message_type == "user_notification"
            and mail.subtype_id.id == subtype_id
        )
