"""What a share user gets of a document's chatter: never the employees' work
(to-dos, scheduled messages), and a bad token or pid is no access, not a 500."""

from odoo import api, models

from ...tools.dialog_input import is_request_id


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _thread_to_store(self, store, /, *, fields=None, request_list=None, **kwargs):
        # a document's to-dos and scheduled messages are the employees' work
        # (a dialog follow-up names its hidden message, date and responsible):
        # a customer or a token holder of the document never gets them
        if request_list and not self.env.user._is_internal():
            request_list = [
                item
                for item in request_list
                if item not in ("activities", "scheduledMessages")
            ]
        return super()._thread_to_store(
            store, fields=fields, request_list=request_list, **kwargs
        )

    @api.model
    def _get_thread_with_access(self, thread_id, mode="read", **kwargs):
        # portal compares a token with the document's and reads ``pid`` as a
        # number: a document without a token, a token that is no text or a
        # pid that is no number gave a 500; such a visitor has no access
        token_field = self._mail_post_token_field
        token = kwargs.get("token")
        if token and not (
            isinstance(token, str)
            and token_field in self._fields
            and self.browse(thread_id).sudo().exists()[token_field]
        ):
            kwargs["token"] = None
        if kwargs.get("pid") is not None and not is_request_id(kwargs["pid"]):
            kwargs["pid"] = kwargs["hash"] = None
        return super()._get_thread_with_access(thread_id, mode, **kwargs)
