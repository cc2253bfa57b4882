from werkzeug.exceptions import NotFound

from odoo import http
from odoo.addons.mail.controllers.discuss.public_page import PublicPageController
from odoo.http import request

from ..tools.dialog_input import is_request_id


class DialogPublicPageController(PublicPageController):
    @http.route()
    def discuss_channel_invitation(self, channel_id, invitation_token):
        """The Community Board and its threads have no invitation link: a
        link an employee copied opens nothing, not even the thread's title
        (which names the customer)."""
        if not is_request_id(channel_id):
            raise NotFound()
        # sudo: discuss.channel - only whether it is a board channel
        channel = request.env["discuss.channel"].sudo().browse(channel_id).exists()
        if channel and channel.dialog_board:
            raise NotFound()
        return super().discuss_channel_invitation(channel_id, invitation_token)
