from odoo import api, models

# Context marker of the portal's own download: a Python object, so that no
# HTTP or RPC caller of the generic /report routes can forge it.
PORTAL_EXPORT = object()


class ReportCustomerFile(models.AbstractModel):
    """The customer file (Art. 15 GDPR) as a QWeb report.

    Managers get what they may read of the files of the customers asked
    for, and the cover says what was left out (res.partner._dialog_file_messages). The
    portal's download (context marker ``PORTAL_EXPORT``) gets the published
    messages of the visitor's own customer, whatever ids were asked for.
    """

    _name = "report.customer_dialog.report_customer_file"
    _description = "Customer File Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        Message = self.env["mail.message"].sudo()
        if self.env.context.get("customer_dialog_export") is PORTAL_EXPORT:
            visitor = self.env.user.partner_id
            customers = visitor.commercial_partner_id
            contents = {
                customers: (Message.search(Message._dialog_portal_domain(visitor)),)
            }
        else:
            customers = self.env["res.partner"].browse(docids).commercial_partner_id
            customers._dialog_check_export()
            # what the manager may read of each file, and what is left out
            contents = {
                customer: customer._dialog_file_messages() for customer in customers
            }
        files = {}
        for customer, content in contents.items():
            # the file speaks the customer's language, as its document layout
            customer_lang = customer.with_context(
                lang=customer.lang or self.env.lang
            ).sudo()
            files[customer.id] = customer_lang._dialog_export_values(*content)
        return {
            "doc_ids": customers.ids,
            "doc_model": "res.partner",
            "docs": customers.sudo(),
            "files": files,
        }
