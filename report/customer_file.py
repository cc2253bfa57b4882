from odoo import api, models
from odoo.exceptions import UserError

from ..tools.dialog_input import positive_param

# Context marker of the portal's own download: a Python object, so that no
# HTTP or RPC caller of the generic /report routes can forge it.
PORTAL_EXPORT = object()

# A file of more messages than this (system parameter) is prepared in the
# background (customer_dialog.export); a smaller one is rendered at once.
BACKGROUND_PARAM = "customer_dialog.export_background_from"
BACKGROUND_FROM = 2000


def background_from(env):
    """The size from which a customer file is prepared in the background."""
    return positive_param(env, BACKGROUND_PARAM, BACKGROUND_FROM)


class ExportPart:
    """Context marker of one part of a file prepared in the background
    (customer_dialog.export): the ids of its messages, in the file's order,
    and the file's cover if it starts the file (taken once, when the
    preparation started), else None. A Python object: no caller of the
    /report routes can forge it to pass the size limit."""

    def __init__(self, ids, cover=None):
        self.ids = list(ids)
        self.cover = cover


class ReportCustomerFile(models.AbstractModel):
    """The customer file (Art. 15 GDPR) as a QWeb report.

    Managers get what they may read of the files of the customers asked
    for, and the cover says what was left out (res.partner._dialog_file_messages). The
    portal's download (context marker ``PORTAL_EXPORT``) gets the published
    messages of the visitor's own customer, whatever ids were asked for.

    A file of more messages than the background limit is only rendered in
    parts (context marker ``ExportPart``) by customer_dialog.export: in one
    request it would hold a worker for minutes.
    """

    _name = "report.customer_dialog.report_customer_file"
    _description = "Customer File Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        part = self.env.context.get("customer_dialog_export_part")
        part = part if isinstance(part, ExportPart) else None
        # a part reads its own messages only: its cost is that of a part,
        # whatever the size of the file
        ids = part.ids if part else None
        if self.env.context.get("customer_dialog_export") is PORTAL_EXPORT:
            visitor = self.env.user.partner_id
            customers = visitor.commercial_partner_id
            messages = visitor._dialog_portal_messages(ids)
            files = {
                customers.id: self._dialog_file(
                    customers.sudo(), messages, None, part, staff=False
                )
            }
        else:
            customers = self.env["res.partner"].browse(docids).commercial_partner_id
            customers._dialog_check_export()
            files, total = {}, 0
            for customer in customers:
                messages, left_out = customer._dialog_file_messages(ids)
                # several customers in one request count together
                total += len(messages)
                files[customer.id] = self._dialog_file(
                    customer, messages, left_out, part, total=total
                )
        return {
            "doc_ids": customers.ids,
            "doc_model": "res.partner",
            "docs": customers.sudo(),
            "files": files,
        }

    def _dialog_file(self, customer, messages, left_out, part, staff=True, total=0):
        """The file's values: in the customer's language, as its document
        layout; the whole file, or one ``part`` of it (under the cover taken
        at the start; after the first part, no cover)."""
        customer = customer.with_context(lang=customer.lang or self.env.lang).sudo()
        if part is None:
            if max(total, len(messages)) > background_from(self.env):
                raise UserError(
                    self.env._(
                        "This customer file holds %(count)s messages: it is "
                        "prepared in the background. Use the Export button.",
                        count=max(total, len(messages)),
                    )
                )
            values = customer._dialog_export_values(messages, left_out, staff=staff)
        else:
            readable = set(messages.ids)
            page = messages.browse([i for i in part.ids if i in readable])
            values = customer._dialog_export_values(
                messages, staff=staff, page=page, cover=part.cover or {}
            )
            values["continued"] = part.cover is None
        # the customer's own copy: its cover says what it is made of
        values["portal"] = not staff
        return values
