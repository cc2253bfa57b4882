"""18.0.1.13.0: the customer's "customer file ready" email greets them as
the company's letters do ("Sehr geehrte Frau …"). The delivery templates of
18.0.1.7.0 reach databases that were upgraded from before it, too: that
version's migration could not load them anew (a noupdate record is never
reloaded on update). Templates nobody edited are loaded anew, with their
translations; an administrator's edited template stays as it is."""

from odoo import SUPERUSER_ID, api
from odoo.addons.customer_dialog.tools.upgrade import reload_unedited_templates

TEMPLATES = (
    "mail_template_dialog_content",
    "mail_template_dialog_notice",
    "mail_template_dialog_export_ready",
)


def migrate(cr, version):
    reload_unedited_templates(api.Environment(cr, SUPERUSER_ID, {}), TEMPLATES)
