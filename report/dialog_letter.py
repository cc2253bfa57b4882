from odoo import api, models


class ReportDialogLetter(models.AbstractModel):
    """The letter of a dialog message (DIN 5008 form B).

    The report's URL (/report/pdf/customer_dialog.report_dialog_letter/<ids>)
    is called with any id: a customer, an employee who may not read a
    message, a message that is internal or of nobody with an address each
    get the reason as a clear error (mail.message._dialog_check_letter).
    Each letter speaks its recipient's language.
    """

    _name = "report.customer_dialog.report_dialog_letter"
    _description = "Dialog Message Letter Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        messages = self.env["mail.message"].browse(docids)
        messages._dialog_check_letter()
        letters = {}
        for message in messages.sudo():
            lang = message.dialog_recipient_id.lang or self.env.lang
            letters[message.id] = message.with_context(
                lang=lang
            )._dialog_letter_values()
        return {
            "doc_ids": messages.ids,
            "doc_model": "mail.message",
            "docs": messages.sudo(),
            "letters": letters,
        }
