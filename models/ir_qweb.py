from lxml import etree

from odoo import models

from .dialog_constants import DIALOG_RENDERING

CONTEXT_KEY = "customer_dialog_cached_rendering"


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _compile(self, template):
        """Odoo compiles a mail template's QWeb on every rendering (it has no
        view to key a cache on). For the delivery templates, rendered by the
        system (``customer_dialog_cached_rendering``, a marker no RPC caller
        can forge), the compiled code is kept under the template's source and
        the whole context: an edited template is compiled anew, and nothing
        compiled for one context serves another."""
        if (
            isinstance(template, etree._Element)
            and self.env.su
            and self.env.context.get(CONTEXT_KEY) is DIALOG_RENDERING
        ):
            key = (
                "customer_dialog",
                etree.tostring(template),
                tuple(
                    sorted(
                        (name, repr(value))
                        for name, value in self.env.context.items()
                        if name != CONTEXT_KEY
                    )
                ),
            )
            return self._load_values(
                key, lambda: super(IrQweb, self)._compile(template)
            )
        return super()._compile(template)
