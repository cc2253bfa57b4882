from odoo import models
from odoo.exceptions import UserError


class Base(models.AbstractModel):
    _inherit = "base"

    def dialog_post(self, *args, **kwargs):
        """Dialog messages are filed on documents with a chatter, whose
        dialog_post is mail.thread's. Called over RPC on any other model (a
        message, a country, a file, a user), this clear refusal answers
        instead of Odoo's "method does not exist" traceback in the server
        log; nothing is stored."""
        raise UserError(
            self.env._(
                "Dialog messages are filed on a customer or one of its "
                "documents with a chatter; %(model)s has none.",
                model=self._description,
            )
        )
