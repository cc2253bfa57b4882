"""What a share user gets of a document's chatter: never the employees' work
(to-dos, scheduled messages), and a bad token or pid is no access, not a 500."""

from odoo import api, models

from ...tools.dialog_constants import DialogCustomerChatter
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
        if not is_request_id(thread_id):
            # a list, a float, a text: no thread (Odoo failed on them)
            return self.browse()
        thread_id = int(thread_id)
        thread = super()._get_thread_with_access(thread_id, mode, **kwargs)
        if not thread and mode != "read" and DialogCustomerChatter.of(self.env):
            thread = self._dialog_customer_thread(thread_id)
        return thread

    @api.model
    def _dialog_customer_thread(self, thread_id):
        """A logged-in customer may write in the portal chatter of a document
        of their own customer that they may read (Odoo asks write access, so
        its portal refused them without the document's token): what they
        write there is filed as an incoming dialog message, never more."""
        user = self.env.user
        if user._is_internal() or user._is_public() or not is_request_id(thread_id):
            return self.browse()
        thread = self.browse(thread_id).exists()
        if (
            not thread
            or not thread.has_access("read")
            or self._name
            not in self.env["mail.message"]._dialog_customer_chatter_models()
            or thread._dialog_get_customer(raise_if_missing=False)
            != user.partner_id.commercial_partner_id
        ):
            return self.browse()
        return thread.sudo()
