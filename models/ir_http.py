from werkzeug.exceptions import BadRequest

from odoo import models
from odoo.http import request


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
