from werkzeug.exceptions import NotFound

from odoo import http
from odoo.addons.portal.controllers.mail import PortalChatter
from odoo.addons.portal.controllers.thread import ThreadController
from odoo.exceptions import UserError
from odoo.http import request

from ..tools.dialog_constants import DialogCustomerChatter
from ..tools.dialog_input import is_request_id


class DialogPortalChatter(PortalChatter):
    @http.route()
    def portal_avatar(
        self, res_id=None, height=50, width=50, access_token=None, _hash=None, pid=None
    ):
        """Portal finds the message through its document's token, so any id
        of a message on that document answered with its author's picture,
        also of a hidden dialog message: the share users' rule decides, and
        such a message gets the placeholder, as does a message of no
        document (portal failed on it with a 500)."""
        if not is_request_id(pid):
            pid = _hash = None
        if not is_request_id(res_id):
            res_id = 0
        elif access_token or _hash:
            message = request.env["mail.message"].sudo().browse(res_id).exists()
            if (
                not message
                or message.model not in request.env
                or (
                    not request.env.user._is_internal()
                    and message.with_env(request.env)._dialog_hidden_from_share_user(
                        internal=False
                    )
                )
            ):
                res_id = 0
        return super().portal_avatar(
            res_id=res_id,
            height=height,
            width=width,
            access_token=access_token,
            _hash=_hash,
            pid=pid,
        )

    @http.route()
    def portal_message_fetch(
        self, thread_model, thread_id, limit=10, after=None, before=None, **kw
    ):
        """A document's portal chatter also lists the dialog messages
        published for the visitor (portal only lists comments; the share
        users' rule still decides what anyone sees)."""
        request.update_context(**DialogCustomerChatter().context())
        return super().portal_message_fetch(
            thread_model, thread_id, limit=limit, after=after, before=before, **kw
        )


class DialogThreadController(ThreadController):
    @http.route()
    def mail_message_post(self, thread_model, thread_id, post_data, context=None, **kw):
        """A customer's post in a document's portal chatter is an incoming
        dialog message of that document (mail.thread.message_post); where
        Odoo finds no access, the customer is told why instead of a bare
        404."""
        if request.env.user._is_internal():
            return super().mail_message_post(
                thread_model, thread_id, post_data, context=context, **kw
            )
        request.update_context(**DialogCustomerChatter().context())
        # (the caller's context cannot take the marker away)
        context = {
            key: value
            for key, value in (context or {}).items()
            if key != DialogCustomerChatter.key
        }
        try:
            return super().mail_message_post(
                thread_model, thread_id, post_data, context=context, **kw
            )
        except NotFound as error:
            raise UserError(
                request.env._(
                    "Your message could not be posted here: please open the "
                    "document from your customer portal, or from the link in "
                    "our email, and write again."
                )
            ) from error
