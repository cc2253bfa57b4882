from lxml import etree

from odoo import models


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _compile(self, template):
        """Odoo compiles a mail template's QWeb on every rendering (it has no
        view to key a cache on). For the delivery templates, rendered by the
        system (``customer_dialog_cached_rendering``), the compiled code is
        kept under the template's source, so an edited template is compiled
        anew; a user's context cannot put anything into that cache."""
        if (
            isinstance(template, etree._Element)
            and self.env.su
            and self.env.context.get("customer_dialog_cached_rendering")
        ):
            key = (
                "customer_dialog",
                etree.tostring(template),
                tuple(self.env.context.get(k) for k in self._get_template_cache_keys()),
            )
            return self._load_values(
                key, lambda: super(IrQweb, self)._compile(template)
            )
        return super()._compile(template)
