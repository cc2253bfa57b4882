"""A dialog message as the company's letter: for a message logged as a
letter, and for every message for the customer that could not be emailed
(no valid address). Printing is not an email: the delivery decision stays
as it was ("No valid email address: kept internal"), and the message
records who printed its letter, and when."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date, format_datetime

from ...tools.dialog_constants import EMPLOYEES_ONLY

# Decisions of a message meant for the customer, that a letter may carry:
# one that could not be emailed, and (for channel "letter") one emailed.
UNDELIVERED = frozenset({"no_email"})
FOR_THE_CUSTOMER = frozenset({"content", "content_no_portal", "notice"})


class MailMessage(models.Model):
    _inherit = "mail.message"

    dialog_letter_printed_by = fields.Many2one(
        "res.users",
        string="Letter Printed by",
        readonly=True,
        groups=EMPLOYEES_ONLY,
    )
    dialog_letter_printed_on = fields.Datetime(
        string="Letter Printed on", readonly=True, groups=EMPLOYEES_ONLY
    )
    dialog_letter_info = fields.Char(
        string="Letter by Post",
        compute="_compute_dialog_letter_info",
        groups=EMPLOYEES_ONLY,
        help="Whether the message can be printed as a letter, and when it was.",
    )
    dialog_letter_printable = fields.Boolean(
        string="Letter Can Be Printed",
        compute="_compute_dialog_letter_info",
        groups=EMPLOYEES_ONLY,
    )

    @api.depends(
        "dialog_channel",
        "dialog_delivery_code",
        "dialog_letter_printed_by",
        "dialog_letter_printed_on",
    )
    @api.depends_context("lang", "tz")
    def _compute_dialog_letter_info(self):
        for message in self:
            message.dialog_letter_printable = not message._dialog_letter_refusal()
            if message.dialog_letter_printed_on:
                message.dialog_letter_info = self.env._(
                    "Letter printed on %(date)s by %(name)s.",
                    date=format_datetime(
                        self.env, message.dialog_letter_printed_on, dt_format="short"
                    ),
                    name=message.dialog_letter_printed_by.name,
                )
            elif message.dialog_letter_printable:
                message.dialog_letter_info = self.env._("No letter printed yet.")
            else:
                message.dialog_letter_info = False

    def _dialog_letter_refusal(self):
        """Why this message is not printed as a letter (a sentence), or
        None. Only what is meant for the customer is: an internal message
        never leaves the company, on paper neither."""
        self.ensure_one()
        message = self.sudo()
        code = message.dialog_delivery_code
        if not message.dialog_visibility:
            return self.env._("Only a dialog message can be printed as a letter.")
        if code in ("portal_reply", "received_email"):
            return self.env._(
                "This message came from the customer: there is no letter to print."
            )
        if code not in UNDELIVERED and not (
            code in FOR_THE_CUSTOMER and message.dialog_channel == "letter"
        ):
            if message.dialog_visibility == "internal":
                return self.env._(
                    "This is an internal message: release it for the customer "
                    "before you print it as a letter."
                )
            return self.env._(
                "This message was emailed to the customer. Log it with the "
                'channel "Letter" to print it as a letter as well.'
            )
        recipient = message.dialog_recipient_id
        if not recipient:
            return self.env._("This message has no recipient to write to.")
        if not recipient._dialog_postal_address():
            return self.env._(
                "%(name)s has no postal address: enter street, ZIP code and "
                "city before you print a letter.",
                name=recipient.display_name,
            )
        return None

    def _dialog_check_letter(self):
        """The letters of these messages may be printed by the current user:
        an employee who may read each message, each meant for the customer
        and addressed. Refused with the reason, never a traceback (the
        report's own URL is called with any id)."""
        if not self.env.user._is_internal():
            raise AccessError(self.env._("Only employees print letters."))
        if not self:
            raise UserError(self.env._("There is no message to print."))
        missing = self - self.exists()
        if missing:
            raise UserError(
                self.env._("The message %(id)s does not exist.", id=missing[:1].id)
            )
        self.check_access("read")
        for message in self:
            reason = message._dialog_letter_refusal()
            if reason:
                raise UserError(reason)

    def action_dialog_print_letter(self):
        """The clerk prints the letter: recorded at the message (by whom,
        when), the delivery decision unchanged."""
        self._dialog_check_letter()
        self.sudo().write(
            {
                "dialog_letter_printed_by": self.env.user.id,
                "dialog_letter_printed_on": fields.Datetime.now(),
            }
        )
        return self.env.ref(
            "customer_dialog.action_report_dialog_letter"
        ).report_action(self)

    def _dialog_letter_values(self):
        """What the letter of this message says, in the recipient's
        language (the caller's context): the sender's line above the window,
        the address, the information block, subject, salutation, text and
        closing (the email's rule: only what the text lacks is added)."""
        self.ensure_one()
        message = self.sudo()
        company = message.record_company_id or self.env.company
        recipient = message.dialog_recipient_id
        author = message.author_id
        sender_line = " · ".join(
            filter(
                None,
                [
                    company.name,
                    company.street,
                    " ".join(filter(None, [company.zip, company.city])),
                ],
            )
        )
        day = message.dialog_letter_printed_on or fields.Datetime.now()
        info = [
            (self.env._("Your contact"), author.name),
            (self.env._("Phone"), author.phone or company.phone),
            (self.env._("Email"), company.email),
            (self.env._("Date"), format_date(self.env, day)),
        ]
        return {
            "company": company,
            "sender_line": sender_line,
            "address": recipient._dialog_postal_address(company.country_id),
            "info": [(label, value) for label, value in info if value],
            "subject": message.subject or message.dialog_topic_id.name or "",
            "opening": message.dialog_opening,
            "incoming": message.dialog_direction == "incoming",
            "body": message.body,
            "closing": message.dialog_closing,
            "signer": author.name,
        }
