from odoo import http
from odoo.addons.portal.controllers.mail import PortalChatter
from odoo.http import request

from ..models.dialog_input import is_request_id


class DialogPortalChatter(PortalChatter):
    @http.route()
    def portal_avatar(
        self, res_id=None, height=50, width=50, access_token=None, _hash=None, pid=None
    ):
        """Portal finds the message through its document's token, so any id
        of a message on that document answered with its author's picture,
        also of a hidden one: the message's own access check decides, and a
        message the visitor may not read gets the placeholder."""
        if not is_request_id(pid):
            pid = _hash = None
        if not is_request_id(res_id):
            res_id = 0
        elif access_token or _hash:
            message = request.env["mail.message"]._get_with_access(
                res_id, "read", token=access_token, hash=_hash, pid=pid
            )
            # portal looks the message's document up: one without any (a
            # notification) failed with a 500
            if not message or message.sudo().model not in request.env:
                res_id = 0
        return super().portal_avatar(
            res_id=res_id,
            height=height,
            width=width,
            access_token=access_token,
            _hash=_hash,
            pid=pid,
        )
