from odoo import api, models, tools

from ...tools.dialog_constants import DialogRendering


class MailTemplate(models.Model):
    _inherit = "mail.template"

    @api.model
    def _has_unsafe_expression_template_qweb(self, template_src, model):
        # Odoo compiles the template for this check on every rendering; the
        # delivery templates (see ir.qweb._compile) decide it once per text
        if DialogRendering.of(self.env):
            return self._dialog_has_unsafe_expression(str(template_src), model)
        return super()._has_unsafe_expression_template_qweb(template_src, model)

    @api.model
    @tools.ormcache("template_src", "model", cache="templates")
    def _dialog_has_unsafe_expression(self, template_src, model):
        # (the mixin's own check: this model's override calls this method)
        return self.env["mail.render.mixin"]._has_unsafe_expression_template_qweb(
            template_src, model
        )
