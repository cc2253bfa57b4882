from lxml import etree

from odoo import models

from ...tools.dialog_constants import DialogRendering


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _compile(self, template):
        """Odoo compiles a mail template's QWeb on every rendering (it has no
        view to key a cache on). For the delivery templates, rendered by the
        system (a context marker no RPC caller can forge), the compiled code
        is kept under the template's source and the whole context: an edited
        template is compiled anew, and nothing compiled for one context serves
        another."""
        if isinstance(template, etree._Element) and DialogRendering.of(self.env):
            key = (
                "customer_dialog",
                etree.tostring(template),
                tuple(
                    sorted(
                        (name, repr(value))
                        for name, value in self.env.context.items()
                        if name != DialogRendering.key
                    )
                ),
            )
            return self._load_values(
                key, lambda: super(IrQweb, self)._compile(template)
            )
        return super()._compile(template)
