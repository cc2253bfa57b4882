"""A customer answers in the portal: the reply's checks (text, file sizes,
its conversation) before it is stored (see incoming/mail_thread.py), and
who answers for a conversation on the company's side."""

from odoo import api, models
from odoo.exceptions import UserError

from ...tools.dialog_input import check_text_size

# Default limit for each file a customer attaches to a portal reply.
REPLY_MAX_BYTES = 10 * 1024 * 1024


class DialogAttachmentTooLarge(UserError):
    """A file attached to a portal reply exceeds the size limit."""


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model
    def _dialog_reply_max_bytes(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_dialog.portal_reply_max_bytes", REPLY_MAX_BYTES)
        )

    def _dialog_portal_reply(self, author, body, uploads):
        """Store the customer's answer from the portal: an incoming portal
        message of the same customer and reference object.

        :param author: the portal user's partner
        :param body: sanitised HTML
        :param uploads: list of (file name, content, mimetype)
        """
        self.ensure_one()
        if not body:
            raise UserError(self.env._("Please write your reply."))
        check_text_size(self.env, body)
        max_bytes = self._dialog_reply_max_bytes()
        for name, content, _mimetype in uploads:
            if len(content) > max_bytes:
                raise DialogAttachmentTooLarge(
                    self.env._(
                        "The file “%(name)s” is too large: "
                        "at most %(max)s MB per file.",
                        name=name,
                        max=max_bytes // (1024 * 1024),
                    )
                )
        record = self._dialog_thread()
        if record is None:
            raise UserError(self.env._("This message can no longer be answered."))
        conversation = self.dialog_reply_to_id.filtered_domain(
            self._dialog_portal_domain(author)
        )
        conversation = conversation or self
        return record._dialog_post_portal_reply(conversation, author, body, uploads)

    def _dialog_responsible(self):
        """Who answers for this conversation: its responsible, else its
        author, else the customer's salesperson, the first who still works
        here (empty when none does)."""
        return (
            self.dialog_user_id
            | self.author_id.user_ids
            | self.dialog_partner_id.user_id
        ).filtered(lambda user: user.active and user._is_internal())[:1]
