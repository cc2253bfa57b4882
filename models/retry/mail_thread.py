from odoo import models
from odoo.exceptions import ValidationError

from ...tools.dialog_input import to_idempotency_key


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def dialog_post(self, body=None, *args, idempotency_key=None, **kwargs):
        """``idempotency_key`` (a text of the caller's choosing, one per
        message it means to log): a call repeated with the same key by the
        same user on the same record returns the first call's message id,
        whether or not that call's answer arrived; nothing is stored or
        sent twice. The key is kept as long as the message."""
        if idempotency_key is None or idempotency_key is False or len(self) != 1:
            return super().dialog_post(body, *args, **kwargs)
        key = to_idempotency_key(self.env, idempotency_key)
        # sudo: customer_dialog.post_key - the system's own bookkeeping, by
        # the current user's id
        Keys = self.env["customer_dialog.post_key"].sudo()
        # a call that fails frees its key, also for a caller that catches the
        # error and goes on (an import, a server action)
        with self.env.cr.savepoint():
            key_id = Keys._dialog_claim(key)
            if not key_id:
                posted = Keys._dialog_posted(key)
                if posted and posted[1:] == (self._name, self.id):
                    return posted[0]
                raise ValidationError(
                    self.env._(
                        "This idempotency key was used for another message: "
                        "give each message its own key."
                    )
                )
            message_id = super().dialog_post(body, *args, **kwargs)
            Keys._dialog_bind(key_id, message_id)
        return message_id
