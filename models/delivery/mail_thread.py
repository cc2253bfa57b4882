"""The delivery rules: the one place where they are decided, and how the
decided email is sent (Odoo's notification, so that its state, bounces and
the resend wizard are Odoo's own)."""

import pytz

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, formataddr

from ...tools.dialog_constants import (
    DELIVERY_OF_DECISION,
    PASTED_IMAGE,
    DialogDelivery,
    DialogQuietLog,
    DialogRendering,
)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    # ------------------------------------------------------------------
    # The delivery rules: the one place where they are decided
    # ------------------------------------------------------------------

    @api.model
    def _dialog_decide_delivery(self, visibility, recipient, send_content=None):
        """Apply the delivery rules to a message for ``recipient``.

        Portal access and the content flag are the customer's (its commercial
        entity's), whichever contact receives the message.

        :return: dict with the ``visibility`` to store, the ``delivery``
            (none/content/notice), the decision ``code`` and the ``address``
            it went to; ``info`` is the sentence for the current user.
        """
        email = email_normalize(recipient.email or "") if recipient else False
        customer = recipient.commercial_partner_id
        if visibility != "customer":
            code = "internal"
        elif not email:
            code = "no_email"
        elif not customer._dialog_has_portal_access():
            code = "content_no_portal"
        else:
            if send_content is None:
                send_content = customer.dialog_mail_content
            code = "content" if send_content else "notice"
        decision = {
            "visibility": "internal"
            if code in ("internal", "no_email")
            else "customer",
            "delivery": DELIVERY_OF_DECISION[code],
            "code": code,
        }
        decision["address"] = email if decision["delivery"] != "none" else False
        decision["info"] = self.env["mail.message"]._dialog_planned_sentence(
            decision["code"], decision["address"], recipient
        )
        return decision

    @api.model
    def _dialog_decision_values(self, decision):
        """The stored fields of a delivery decision (dialog_post, a later
        change of visibility, an incoming message): the delivery itself is
        derived from its code (mail.message._compute_dialog_delivery)."""
        return {
            "dialog_visibility": decision["visibility"],
            "dialog_published": decision["visibility"] == "customer",
            "dialog_delivery_code": decision["code"],
            "dialog_delivery_address": decision["address"],
        }

    def _dialog_check_email_size(self, attachments, body=None):
        """Files the mail server would refuse are refused before the message
        is stored, instead of a delivery that fails on every resend (Odoo's
        fallback, links with access tokens, does not open a customer's files:
        they need a login). With ``body``: also the images pasted into the
        text that the message will carry."""
        pasted = sum(
            len(data) * 3 // 4 for data in PASTED_IMAGE.findall(str(body or ""))
        )
        if not attachments and not pasted:
            return
        max_mb = self.env["ir.mail_server"].sudo()._get_max_email_size()
        # base64 makes a file a third larger in an email
        size = sum(attachments.sudo().mapped("file_size")) + pasted
        size_mb = size * 4 / 3 / 1024 / 1024
        if size_mb > max_mb:
            raise UserError(
                self.env._(
                    "The files are too large to be emailed: %(size).1f MB, the "
                    "mail server takes %(max).1f MB. Send fewer or smaller "
                    "files, or only a notice of the message in the portal.",
                    size=size_mb,
                    max=max_mb,
                )
            )

    # ------------------------------------------------------------------
    # Sending: the content or notice email as Odoo's notification
    # ------------------------------------------------------------------

    def _dialog_deliver(self, message, recipient):
        """Send the content or notice email of ``message`` to ``recipient`` as
        an Odoo notification, so that its state, bounces and the resend wizard
        are Odoo's own."""
        self.ensure_one()
        notice = message.dialog_delivery == "notice"
        attachments = message.attachment_ids if not notice else None
        template_xmlid = (
            "customer_dialog.mail_template_dialog_content"
            if message.dialog_delivery == "content"
            else "customer_dialog.mail_template_dialog_notice"
        )
        # sudo: the email is the system's, like the delivery itself below;
        # rendered as the system, it neither depends on what the author may
        # read nor pays for the template's checks of a restricted user
        # (and nothing of the caller's context reaches the compiled code)
        tz = self.env.context.get("tz")
        system = self.env(
            su=True,
            context={
                "lang": self.env.lang,
                # (only a real time zone: the context is the cache's key)
                "tz": tz
                if isinstance(tz, str) and tz in pytz.all_timezones_set
                else None,
                **DialogRendering().context(),
            },
        )
        template = system["mail.template"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id(template_xmlid)
        )
        rendered = template._generate_template([message.id], ["subject", "body_html"])[
            message.id
        ]
        # sudo: the user's rights were checked by dialog_post; the delivery
        # email is the system's, with the dialog message's own routing values
        delivery = (
            self.sudo()
            # an email sent at once fails before the message links to it
            .with_context(**DialogDelivery(message.id, notice).context())
            .message_notify(
                partner_ids=message._dialog_delivery_partners(recipient).ids,
                subject=rendered["subject"],
                body=rendered["body_html"],
                author_id=message.author_id.id,
                # the company speaks, in the author's name
                email_from=self._dialog_company_sender(message.author_id, message),
                attachment_ids=attachments.ids if attachments else [],
                # the company's letter, not a notification (see the layout)
                email_layout_xmlid="customer_dialog.mail_layout_company_letter",
                # not internal: the customer's answer by email is a discussion
                subtype_xmlid="customer_dialog.mt_dialog_customer",
                # a notice says nothing about the document it concerns (its
                # header: see _notify_by_email_prepare_rendering_context)
                record_name=False if notice else message.record_name,
                # answers come back to the company's catchall, where the mail
                # gateway files them in the conversation (not to one person's
                # mailbox, nor to "Company S00021")
                reply_to=self._dialog_reply_to(message),
                record_alias_domain_id=message.record_alias_domain_id.id,
                record_company_id=message.record_company_id.id,
                # (it tracks no change: spares mail's lookup for the layout)
                tracking_value_ids=[],
            )
        )
        message.sudo().dialog_delivery_message_id = delivery

    @api.model
    def _dialog_company_sender(self, author, message=None):
        """The sender of a delivery email, or of a customer's portal reply to
        the staff: "Jana Vogel (Muster GmbH)" <the company's address>, as
        Odoo writes a sender with an alias domain. The company's address is
        its email, else its alias domain's notification address; with
        neither, the message's own sender stays (mail refuses none)."""
        company = (message and message.record_company_id) or self.env.company
        address = self._dialog_company_address(company)
        if not address:
            return message.email_from if message else False
        name = author.name or company.name
        if author != company.partner_id:
            name = f"{name} ({company.name})"
        return formataddr((name, address))

    @api.model
    def _dialog_company_address(self, company):
        """The address the company writes from: its email, else its alias
        domain's notification address (or False)."""
        return email_normalize(company.email or "") or (
            company.alias_domain_id.default_from_email or False
        )

    def _dialog_reply_to(self, message):
        """The company's catchall under the company's name (its alias domain),
        else the company's address: nothing that names the document, nobody's
        personal mailbox."""
        company = message.record_company_id or self.env.company
        catchall = (
            company.alias_domain_id
            and self.env["mail.thread"]
            .with_company(company)
            ._notify_get_reply_to()[False]
        )
        if catchall:
            return catchall
        if company.email:
            return formataddr((company.name, email_normalize(company.email)))
        return message.email_from

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        """A dialog delivery email links to the message in the portal (after
        login), never to the document with an access token."""
        groups = super()._notify_get_recipients_groups(
            message, model_description, msg_vals=msg_vals
        )
        values = msg_vals or {}
        message_type = values.get("message_type") or message.message_type
        if message_type == "user_notification":
            subtype_id = values.get("subtype_id") or message.subtype_id.id
            if subtype_id == self.env["ir.model.data"]._xmlid_to_res_id(
                "customer_dialog.mt_dialog_customer"
            ):
                for _name, _matches, group in groups:
                    group["has_button_access"] = False
        return groups

    def _notify_by_email_get_base_mail_values(self, message, additional_values=None):
        """A delivery email belongs to its conversation: its References name
        the delivery email of the message it answers, not three of the
        document's latest messages (Odoo reads 32 of them for this)."""
        delivery = DialogDelivery.of(self.env)
        if not delivery:
            return super()._notify_by_email_get_base_mail_values(
                message, additional_values=additional_values
            )
        message_sudo = message.sudo()
        # (created in this transaction, or found by the resend dialog)
        dialog = message_sudo.browse(delivery.message_id)
        answered = dialog.dialog_reply_to_id.dialog_delivery_message_id
        values = {
            "mail_message_id": message.id,
            "references": " ".join((answered + message_sudo).mapped("message_id")),
        }
        # as Odoo: no line break in an email header
        subject = " ".join((message_sudo.subject or "").splitlines())
        if subject != (message_sudo.subject or ""):
            values["subject"] = subject
        values.update(additional_values or {})
        headers = {}
        if bounce_email := message_sudo.record_alias_domain_id.bounce_email:
            headers["Return-Path"] = bounce_email
        headers = self._notify_by_email_get_headers(headers=headers)
        if delivery.notice:
            # a notice names the customer portal only, not its document
            headers.pop("X-Odoo-Objects", None)
        if headers:
            values["headers"] = repr(headers)
        return values

    def _notify_by_email_prepare_rendering_context(
        self, message, msg_vals=False, model_description=False, **kwargs
    ):
        """A notice says nothing about the document it concerns: its header
        names the customer portal, in the recipient's language (dialog_post
        and the resend wizard set the context)."""
        delivery = DialogDelivery.of(self.env)
        if delivery and delivery.notice:
            lang = kwargs.get("force_email_lang") or self.env.lang
            model_description = self.with_context(lang=lang).env._("customer portal")
        return super()._notify_by_email_prepare_rendering_context(
            message, msg_vals=msg_vals, model_description=model_description, **kwargs
        )

    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        """Only the delivery rules send a dialog message to a customer: it
        notifies nobody through followers, whatever subtype they follow, and
        of its explicit recipients only employees (the responsible of a
        portal reply). The log line of a restricted message's done to-do
        notifies nobody."""
        if DialogQuietLog.of(self.env):
            return []
        is_dialog = (
            msg_vals.get("dialog_visibility")
            if msg_vals
            else message.sudo().dialog_visibility
        )
        if not is_dialog:
            return super()._notify_get_recipients(message, msg_vals, **kwargs)
        message_type = (msg_vals or {}).get("message_type") or message.message_type
        if message_type == "email":
            # a customer's email filed by the gateway: the employees who
            # follow the document are told as without the module
            return [
                recipient
                for recipient in super()._notify_get_recipients(
                    message, msg_vals, **kwargs
                )
                if recipient["type"] == "user" and not recipient["share"]
            ]
        explicit = set(
            msg_vals.get("partner_ids", [])
            if msg_vals
            else message.sudo().partner_ids.ids
        )
        if not explicit:
            # (spares reading the followers of the document)
            return []
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        return [
            recipient
            for recipient in recipients
            if recipient["id"] in explicit
            and recipient["type"] == "user"
            and not recipient["share"]
        ]

    @api.model
    def _get_bounced_message_data(self, message, message_dict):
        """A bounce of a dialog delivery is recognised on every gateway path:
        the delivery email is a user notification, which mail's search hides
        from a gateway that runs as an ordinary user (odoo-mailgate.py)."""
        bounced_message, reference_ids = super()._get_bounced_message_data(
            message, message_dict
        )
        if bounced_message or not reference_ids or self.env.su:
            return bounced_message, reference_ids
        Message = self.env["mail.message"].sudo()
        delivery = Message.search(
            [
                ("message_id", "in", reference_ids),
                ("message_type", "=", "user_notification"),
            ],
            order="create_date DESC, id DESC",
            limit=1,
        )
        if delivery and Message.search_count(
            [("dialog_delivery_message_id", "=", delivery.id)], limit=1
        ):
            return delivery, reference_ids
        return bounced_message, reference_ids
