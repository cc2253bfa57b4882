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
        if self.env.context.get("customer_dialog_export") is PORTAL_EXPORT:
            visitor = self.env.user.partner_id
            customers = visitor.commercial_partner_id
            files = {customers.id: visitor._dialog_portal_file()}
        else:
            customers = self.env["res.partner"].browse(docids).commercial_partner_id
            customers._dialog_check_export()
            files = {}
            for customer in customers:
                # what the manager may read of the file, and what is left out,
                # in the customer's language, as its document layout
                customer_lang = customer.with_context(
                    lang=customer.lang or self.env.lang
                ).sudo()
                files[customer.id] = customer_lang._dialog_export_values(
                    *customer._dialog_file_messages()
                )
        return {
            "doc_ids": customers.ids,
            "doc_model": "res.partner",
            "docs": customers.sudo(),
            "files": files,
        }
