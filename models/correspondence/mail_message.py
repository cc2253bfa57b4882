"""A delivery email is the company's letter: one salutation and one closing,
added only where the clerk's text has none (the composer, dialog_post over
RPC and an employee's answer all write their own, or not)."""

import re

from odoo import api, fields, models
from odoo.tools import html2plaintext

# A text that opens with a salutation, or ends with a closing (its last
# lines), in German or English.
OPENING = re.compile(
    r"^\W*(sehr geehrte[rs]?|guten (tag|morgen|abend)|hallo|liebe[rs]?|moin|"
    r"servus|grüß gott|dear|hello|hi)\b",
    re.IGNORECASE,
)
CLOSING = re.compile(
    r"((mit )?(freundlichen|besten|herzlichen|lieben|schönen) grüßen|"
    r"(viele|beste|liebe|herzliche|freundliche|schöne) grüße|"
    r"(kind|best|warm) regards|sincerely|yours truly|mfg)\b",
    re.IGNORECASE,
)
# Lines at the end of a text that may hold its closing (and a name).
CLOSING_LINES = 4


def has_opening_and_closing(body):
    """(whether the text ``body`` opens with a salutation, whether it ends
    with a closing): what the email then does not add."""
    text = html2plaintext(body or "").strip()
    lines = [line for line in text.splitlines() if line.strip()]
    opens = bool(lines and OPENING.match(lines[0]))
    closes = any(CLOSING.search(line) for line in lines[-CLOSING_LINES:])
    return opens, closes


class MailMessage(models.Model):
    _inherit = "mail.message"

    dialog_salutation = fields.Char(
        string="Salutation of the Recipient",
        compute="_compute_dialog_letter",
        help="How the company addresses the recipient (see res.partner).",
    )
    dialog_opening = fields.Char(
        string="Salutation",
        compute="_compute_dialog_letter",
        help="The salutation the email adds: empty where the text opens with one.",
    )
    dialog_closing = fields.Char(
        string="Closing",
        compute="_compute_dialog_letter",
        help="The closing the email adds: empty where the text ends with one.",
    )

    @api.depends("body", "dialog_recipient_id", "author_id")
    @api.depends_context("lang")
    def _compute_dialog_letter(self):
        for message in self:
            opens, closes = has_opening_and_closing(message.body)
            recipient = message.dialog_recipient_id.with_context(lang=self.env.lang)
            message.dialog_salutation = recipient and recipient._dialog_salutation()
            message.dialog_opening = not opens and message.dialog_salutation
            message.dialog_closing = False if closes else self.env._("Kind regards")
