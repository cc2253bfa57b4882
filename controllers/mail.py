from odoo import http
from odoo.addons.portal.controllers.mail import PortalChatter
from odoo.http import request

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
