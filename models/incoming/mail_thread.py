"""What a customer sends becomes an incoming dialog message: a portal reply,
or an email filed by the real mail gateway (classified before anyone is
notified, answers found by their Message-Id); both built by one helper,
``_dialog_incoming_values``."""

from odoo import api, fields, models
from odoo.tools import formataddr
from odoo.tools.mail import unfold_references

from ...tools.dialog_constants import DialogCustomerChatter, DialogGateway, DialogPost
from ...tools.dialog_input import check_text_size


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    # ------------------------------------------------------------------
    # The values of an incoming message, and the portal reply
    # ------------------------------------------------------------------

    @api.model
    def _dialog_incoming_values(self, author, code, conversation):
        """The dialog values of what ``author``, a contact of a customer,
        sends (``code``: portal_reply or received_email), the one builder of
        incoming messages: published for the customer, sent nowhere, and in
        ``conversation`` (if any) with its topic and a follow-up today for
        its responsible."""
        customer = author.commercial_partner_id
        by_email = code == "received_email"
        decision = {
            "visibility": "customer",
            "code": code,
            "address": by_email and author.email_normalized,
        }
        values = {
            "dialog_partner_id": customer.id,
            "dialog_contact_id": author.id if author != customer else False,
            **self._dialog_decision_values(decision),
            "dialog_channel": "email" if by_email else "portal",
            "dialog_direction": "incoming",
        }
        if conversation:
            values.update(
                dialog_reply_to_id=conversation.id,
                dialog_topic_id=conversation.dialog_topic_id.id,
                dialog_user_id=conversation.dialog_user_id.id,
                dialog_follow_up_date=bool(conversation._dialog_responsible())
                and fields.Date.context_today(self),
            )
        return values

    def _dialog_post_portal_reply(self, conversation, author, body, uploads):
        """Store a customer's portal answer to ``conversation`` (called in
        sudo by the portal after its access checks) and notify the
        responsible employee, else the author of the conversation, else the
        customer's salesperson: the first of them who still works here."""
        self.ensure_one()
        responsible = conversation._dialog_responsible()
        subject = conversation.subject and self.env._(
            "Re: %(subject)s", subject=conversation.subject
        )
        # pending uploads of the poster, as Odoo's composer leaves them
        files = self.env["ir.attachment"].create(
            [
                {
                    "name": name,
                    "raw": content,
                    "res_model": "mail.compose.message",
                    "res_id": 0,
                }
                for name, content, _mimetype in uploads
            ]
        )
        # the staff get it from the company's address, not the customer's
        # domain (which real mail servers refuse as spoofed: SPF, DMARC)
        address = self._dialog_company_address(
            conversation.record_company_id or self.env.company
        )
        reply = self._dialog_message_post(
            files,
            body=body,
            subject=subject or False,
            author_id=author.id,
            **({"email_from": formataddr((author.name, address))} if address else {}),
            partner_ids=responsible.partner_id.ids,
            **self._dialog_incoming_values(author, "portal_reply", conversation),
        )
        if responsible:
            # work to do inside Odoo, whether the notification email got
            # through or not (it already told the responsible)
            self.with_context(
                mail_activity_quick_update=True
            )._dialog_schedule_follow_up(reply, reply.dialog_partner_id, responsible)
        return reply

    # ------------------------------------------------------------------
    # The mail gateway: a customer's email becomes an incoming message
    # ------------------------------------------------------------------

    @api.model
    def message_process(
        self,
        model,
        message,
        custom_values=None,
        save_original=False,
        strip_attachments=False,
        thread_id=None,
    ):
        """Only the real gateway files a customer's email as a dialog
        message: the system (fetchmail's cron), an administrator, or the
        user of odoo-mailgate (*Customer Dialog: Mail gateway*). Any other
        caller of this public method (a plain employee over XML-RPC, with a
        forged From) gets Odoo's plain chatter email, never a published
        message in the customer's name."""
        if self._dialog_is_mail_gateway():
            self = self.with_context(**DialogGateway().context())
        return super().message_process(
            model,
            message,
            custom_values=custom_values,
            save_original=save_original,
            strip_attachments=strip_attachments,
            thread_id=thread_id,
        )

    @api.model
    def _dialog_is_mail_gateway(self):
        user = self.env.user
        return (
            self.env.su
            or user._is_system()
            or user.has_group("customer_dialog.group_customer_dialog_mail_gateway")
        )

    def _message_route_process(self, message, message_dict, routes):
        """The conversation an email answers: the dialog message whose
        delivery email it names (In-Reply-To, else References), looked up as
        the system, as bounces are (a gateway user's search hides delivery
        emails, so Odoo's ``parent_id`` may miss it)."""
        if DialogGateway.of(self.env):
            answered = self._dialog_answered_delivery(message_dict)
            self = self.with_context(**DialogGateway(answered.id or None).context())
        return super()._message_route_process(message, message_dict, routes)

    @api.model
    def _dialog_answered_delivery(self, message_dict):
        """The dialog message (sudo) whose delivery email ``message_dict``
        answers, or an empty recordset."""
        Message = self.env["mail.message"].sudo()
        in_reply_to = (message_dict.get("in_reply_to") or "").strip()
        references = [
            ref.strip()
            for ref in unfold_references(message_dict.get("references") or "")
            if ref.strip()
        ][-32:]
        for message_ids in ([in_reply_to] if in_reply_to else [], references):
            if not message_ids:
                continue
            dialog = Message.search(
                [
                    ("dialog_visibility", "!=", False),
                    ("dialog_delivery_message_id.message_id", "in", message_ids),
                ],
                order="id DESC",
                limit=1,
            )
            if dialog:
                return dialog
        return Message

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        """What a customer sends to a document is filed as an incoming message
        of that customer *before* Odoo notifies anyone (see
        _notify_get_recipients: employees who follow the document are told,
        share users never): an email routed here by the real mail gateway,
        and a post in the document's portal chatter. Its files become the
        message's own, and it leaves a to-do for whoever answers for it,
        exactly once."""
        gateway = DialogGateway.of(self.env)
        message_type = kwargs.get("message_type")
        values = None
        context = DialogPost().context()
        if gateway and message_type == "email":
            values = self._dialog_incoming_email_values(kwargs, gateway)
        elif DialogCustomerChatter.of(self.env) and message_type == "comment":
            values = self._dialog_portal_chatter_values(kwargs)
            if values:
                # the customer's message as the system files it: its subtype
                # and markers, and the poster does not follow the document
                kwargs = {
                    key: value
                    for key, value in kwargs.items()
                    if key not in ("subtype_xmlid", "subtype_id")
                }
                context.update(mail_create_nosubscribe=True, mail_post_autofollow=False)
        if not values:
            return super().message_post(**kwargs)
        responsible = values.pop("responsible", None)
        message = super(MailThread, self.with_context(**context)).message_post(
            **{**kwargs, **values}
        )
        message = message.with_env(self.env)
        # Odoo files a post's attachments on the document, where its token
        # holders would list them: they are the message's, as for dialog_post
        message.sudo().attachment_ids.filtered(
            lambda a: a.res_model == self._name and a.res_id == self.id
        ).write({"res_model": "mail.message", "res_id": message.id})
        self._dialog_note_model_in_use()
        if values.get("dialog_reply_to_id"):
            # who answers for the conversation (not for the customer's email)
            responsible = message.sudo().dialog_reply_to_id._dialog_responsible()
        if responsible:
            self.with_context(
                mail_activity_quick_update=True
            )._dialog_schedule_follow_up(
                message, message.sudo().dialog_partner_id, responsible
            )
        return message

    def _dialog_portal_chatter_values(self, post_values):
        """The dialog values of a customer's post in the portal chatter of
        this document (of their own customer, on a kind of document that
        holds dialog messages), else None: a new incoming portal message,
        told to whoever answers for the document (its salesperson, else the
        customer's), with a to-do for them."""
        if (
            len(self) != 1
            or self._name
            not in self.env["mail.message"]._dialog_customer_chatter_models()
        ):
            return None
        Partner = self.env["res.partner"].sudo()
        author = (
            Partner.browse(post_values["author_id"])
            if post_values.get("author_id")
            else self.env.user.partner_id.sudo()
        )
        if (
            not author.exists()
            or not author.partner_share
            or author.user_ids.filtered(lambda user: user._is_public())
        ):
            # (a guest of a discussion, the public user: nobody's customer)
            return None
        check_text_size(self.env, post_values.get("body"))
        customer = author.commercial_partner_id
        if self._dialog_get_customer(raise_if_missing=False) != customer:
            return None
        salesperson = (
            self.user_id if "user_id" in self._fields else self.env["res.users"]
        )
        responsible = (salesperson.sudo() | customer.user_id).filtered(
            lambda user: user.active and user._is_internal()
        )[:1]
        # the staff get it from the company's address, not the customer's
        # domain (which real mail servers refuse as spoofed: SPF, DMARC)
        address = self._dialog_company_address(
            self.company_id
            if "company_id" in self._fields and self.company_id
            else self.env.company
        )
        return {
            **self._dialog_incoming_values(author, "portal_reply", None),
            **self.env["mail.message"]._dialog_portal_flags("customer", True),
            "author_id": author.id,
            **({"email_from": formataddr((author.name, address))} if address else {}),
            "partner_ids": responsible.partner_id.ids,
            "dialog_user_id": responsible.id,
            "dialog_follow_up_date": bool(responsible)
            and fields.Date.context_today(self),
            "responsible": responsible,
        }

    def _dialog_incoming_email_values(self, post_values, gateway):
        """The dialog values of an email from a customer's contact to this
        record (of that customer, or of none), else None: an incoming email
        message, published, and the answer to a conversation when it answers
        a delivery email that the customer may read."""
        author = self.env["res.partner"].sudo().browse(post_values.get("author_id"))
        if not author or not author.exists() or not author.partner_share:
            return None
        customer = author.commercial_partner_id
        record_customer = self._dialog_get_customer(raise_if_missing=False)
        if record_customer and record_customer != customer:
            return None
        answered = self.env["mail.message"].sudo().browse(gateway.answered or ())
        conversation = (answered.dialog_reply_to_id or answered).filtered_domain(
            answered._dialog_portal_domain(author)
        )
        return self._dialog_incoming_values(author, "received_email", conversation)
