from werkzeug.exceptions import BadRequest, NotFound

from odoo import http
from odoo.addons.portal.controllers.mail import PortalChatter
from odoo.addons.portal.controllers.thread import ThreadController
from odoo.exceptions import UserError
from odoo.http import request

from ..tools.dialog_constants import DialogCustomerChatter
from ..tools.dialog_input import is_request_id


class DialogPortalChatter(PortalChatter):
    # Both only read, but stay read/write: portal declares them so, and Odoo
    # refuses an override that makes its parent's route read-only.

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
        users' rule still decides what anyone sees). A thread that is no
        record id is no thread (portal failed on it with a 500)."""
        if not is_request_id(thread_id) or thread_model not in request.env:
            raise NotFound()
        request.update_context(**DialogCustomerChatter().context())
        return super().portal_message_fetch(
            thread_model, int(thread_id), limit=limit, after=after, before=before, **kw
        )


# What a customer's post may carry of the caller's context: nothing that
# reaches the records the post creates in sudo (its to-do, its follower).
CUSTOMER_POST_CONTEXT = ("lang", "tz")


class DialogThreadController(ThreadController):
    @http.route()
    def mail_message_post(self, thread_model, thread_id, post_data, context=None, **kw):
        """A customer's post in a document's portal chatter is a comment,
        filed as an incoming dialog message of that document where the
        customer dialog is used (mail.thread.message_post): never another
        kind of message, never with a subtype or context of the caller's
        choosing. Where Odoo finds no access, the customer is told why
        instead of a bare 404; a request of the wrong shape is a 400."""
        if not request.env.user._is_internal() and (
            not isinstance(thread_model, str) or thread_model not in request.env
        ):
            raise BadRequest()
        if (
            request.env.user._is_internal()
            or thread_model
            not in request.env["mail.message"]._dialog_customer_chatter_models()
        ):
            # (a discussion's guests, documents the dialog is not used on:
            # Odoo's chatter as it is)
            return super().mail_message_post(
                thread_model, thread_id, post_data, context=context, **kw
            )
        if not isinstance(post_data, dict) or not is_request_id(thread_id):
            raise BadRequest()
        post_data = {
            **{k: v for k, v in post_data.items() if k not in ("subtype_id",)},
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_comment",
        }
        context = {
            key: value
            for key, value in (context if isinstance(context, dict) else {}).items()
            if key in CUSTOMER_POST_CONTEXT
        }
        request.update_context(**DialogCustomerChatter().context())
        try:
            return super().mail_message_post(
                thread_model, int(thread_id), post_data, context=context, **kw
            )
        except NotFound as error:
            raise UserError(
                request.env._(
                    "Your message could not be posted here: please open the "
                    "document from your customer portal, or from the link in "
                    "our email, and write again."
                )
            ) from error
