import re

from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge
from werkzeug.routing import ValidationError as NoMatch

from odoo import models
from odoo.addons.base.models.ir_http import SignedIntConverter
from odoo.http import request

REPLY_PATH = re.compile(r"/my/messages/(\d{1,10})/reply")


class IntConverter(SignedIntConverter):
    """<int:...> of a route: a number longer than Python reads (more than
    4,300 digits) is no match, a 404, not a ValueError and a 500."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValueError as error:
            raise NoMatch() from error


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_converters(cls):
        return {**super()._get_converters(), "int": IntConverter}

    @classmethod
    def _serve_fallback(cls):
        """A path with a NUL matches no route and no file: a 404 (Odoo
        looked it up as a file's URL and failed in PostgreSQL)."""
        if "\x00" in request.httprequest.path:
            return None
        return super()._serve_fallback()

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
