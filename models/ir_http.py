import re

from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge

from odoo import models
from odoo.http import request

REPLY_PATH = re.compile(r"/my/messages/(\d{1,10})/reply")


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        result = super()._pre_dispatch(rule, args)
        # Odoo reads the CSRF token from the form's fields and files alike and
        # fails with a 500 on a file: a token sent as a file is no token
        if (
            rule.endpoint.routing.get("type") == "http"
            and "csrf_token" in request.httprequest.files
        ):
            raise BadRequest("Session expired (invalid CSRF token)")
        return result

    @classmethod
    def _handle_error(cls, exception):
        """A portal reply too large for Odoo's form parser (413) gets the
        message's page with the module's text limit."""
        match = isinstance(exception, RequestEntityTooLarge) and REPLY_PATH.fullmatch(
            request.httprequest.path
        )
        if match and request.env.user._is_portal():
            from ..controllers.portal import DialogPortal

            try:
                return DialogPortal()._dialog_reply_too_large(int(match[1]))
            except HTTPException as not_theirs:  # a foreign message: its 404
                return super()._handle_error(not_theirs)
        return super()._handle_error(exception)
