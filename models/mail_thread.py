import re

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import email_normalize, formataddr
from odoo.tools.mail import unfold_references
from odoo.tools.misc import clean_context

from .dialog_constants import (
    CHANNELS,
    DIALOG_POST,
    DIALOG_RENDERING,
    DIRECTIONS,
    RENDERING_KEY,
    VISIBILITIES,
    DialogDelivery,
    DialogGateway,
)
from .dialog_input import (
    is_request_id,
    to_body,
    to_choice,
    to_flag,
    to_follow_up_date,
    to_id,
    to_ids,
    to_interaction_date,
    to_subject,
)

# Attachments uploaded in a composer that still belong to nobody.
COMPOSER_MODELS = ("customer_dialog.composer", "mail.compose.message")
# The data of an image pasted into a text, in base64.
PASTED_IMAGE = re.compile(r"data:image/[\w.+-]+;base64,([A-Za-z0-9+/=]+)")
# A file shown in a text: /web/image/42, /web/image/42-1a2b3c4d/photo.png ...
# (the id, then the URL's query if it has one)
IMAGE_LINK = re.compile(r"(/web/(?:image|content)/(\d+)[^\"'?\s<>]*)(\?[^\"'\s<>]*)?")


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------

    def dialog_post(
        self,
        body,
        visibility="internal",
        channel="other",
        direction="outgoing",
        subject=None,
        topic_id=None,
        user_id=None,
        follow_up_date=None,
        send_content=None,
        contact_id=None,
        attachment_ids=None,
        date=None,
        reply_to_id=None,
        **unknown,
    ):
        """Log a dialog message on this record for its customer, deliver it
        by the delivery rules and return the id of the new mail.message.

        Needs the Customer Dialog / User group and read access to the record;
        the author is always the current user. ``reply_to_id`` puts the
        message into the conversation of an earlier message of the customer.
        """
        if unknown:
            raise ValidationError(
                self.env._(
                    "Unknown arguments of dialog_post: %(names)s.",
                    names=", ".join(sorted(unknown)),
                )
            )
        if len(self) != 1:
            raise ValidationError(
                self.env._("dialog_post is called on exactly one record.")
            )
        if not self.env.user.has_group("customer_dialog.group_customer_dialog_user"):
            raise AccessError(
                self.env._("Only Customer Dialog users can log dialog messages.")
            )
        self.check_access("read")

        customer = self._dialog_get_customer()
        values = self._dialog_validate(
            customer,
            body=body,
            visibility=visibility,
            channel=channel,
            direction=direction,
            subject=subject,
            topic_id=topic_id,
            user_id=user_id,
            follow_up_date=follow_up_date,
            send_content=send_content,
            contact_id=contact_id,
            attachment_ids=attachment_ids,
            date=date,
            reply_to_id=reply_to_id,
        )
        recipient = values["contact"] or customer
        decision = self._dialog_decide_delivery(visibility, recipient, send_content)
        inserted = self._dialog_images_uploaded_in_text(values["body"])
        if decision["delivery"] == "content":
            self._dialog_check_email_size(
                values["attachments"] | inserted, values["body"]
            )
        message = self._dialog_message_post(
            values["attachments"],
            inserted=inserted,
            body=values["body"],
            subject=values["subject"],
            author_id=self.env.user.partner_id.id,
            partner_ids=[],
            date=values["date"],
            dialog_partner_id=customer.id,
            dialog_contact_id=values["contact"].id,
            dialog_visibility=decision["visibility"],
            dialog_published=decision["visibility"] == "customer",
            dialog_delivery=decision["delivery"],
            dialog_delivery_code=decision["code"],
            dialog_delivery_address=decision["address"],
            dialog_channel=channel,
            dialog_direction=direction,
            dialog_topic_id=values["topic"].id,
            dialog_user_id=values["user"].id,
            dialog_follow_up_date=values["follow_up_date"],
            dialog_reply_to_id=values["reply_to"].id,
        )
        if decision["delivery"] != "none":
            self._dialog_deliver(message, recipient)
        if values["follow_up_date"]:
            self._dialog_schedule_follow_up(message, customer)
        return message.id

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
            decision = {
                "visibility": "internal",
                "delivery": "none",
                "code": "internal",
            }
        elif not email:
            decision = {
                "visibility": "internal",
                "delivery": "none",
                "code": "no_email",
            }
        elif not customer._dialog_has_portal_access():
            decision = {
                "visibility": "customer",
                "delivery": "content",
                "code": "content_no_portal",
            }
        else:
            if send_content is None:
                send_content = customer.dialog_mail_content
            delivery = "content" if send_content else "notice"
            decision = {
                "visibility": "customer",
                "delivery": delivery,
                "code": delivery,
            }
        decision["address"] = email if decision["delivery"] != "none" else False
        decision["info"] = self.env["mail.message"]._dialog_decision_sentence(
            decision["code"], decision["address"], recipient
        )
        return decision

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
                RENDERING_KEY: DIALOG_RENDERING,
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
            .with_context(customer_dialog_delivery=DialogDelivery(message.id, notice))
            .message_notify(
                partner_ids=recipient.ids,
                subject=rendered["subject"],
                body=rendered["body_html"],
                author_id=message.author_id.id,
                email_from=message.email_from,
                attachment_ids=attachments.ids if attachments else [],
                email_layout_xmlid="mail.mail_notification_light",
                # not internal: the customer's answer by email is a discussion
                subtype_xmlid="customer_dialog.mt_dialog_customer",
                # a notice says nothing about the document it concerns (its
                # header: see _notify_by_email_prepare_rendering_context)
                record_name=False if notice else message.record_name,
                # a notice's answers go to the company, not to "Company S00021"
                reply_to=self._dialog_notice_reply_to(message)
                if notice
                else message.reply_to,
                record_alias_domain_id=message.record_alias_domain_id.id,
                record_company_id=message.record_company_id.id,
                # (it tracks no change: spares mail's lookup for the layout)
                tracking_value_ids=[],
            )
        )
        message.sudo().dialog_delivery_message_id = delivery

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

    def _dialog_notice_reply_to(self, message):
        """The company's catchall under the company's name, else the author's
        address: nothing that names the document."""
        company = message.record_company_id or self.env.company
        return (
            self.env["mail.thread"].with_company(company)._notify_get_reply_to()[False]
            or message.email_from
        )

    def _dialog_schedule_follow_up(self, message, customer, responsible=None):
        """A to-do for the responsible (else the author) on the reference
        object, or on the customer if the object has no activities."""
        target = self if hasattr(self, "activity_schedule") else customer
        if not target.has_access("write"):
            # logging only needs read access; the activity is still the user's
            target = target.sudo()
        responsible = responsible or message.dialog_user_id or self.env.user
        # the activity says what to do and links to the message; it never
        # copies its text, which token holders of the document could read
        activity = target.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=message.dialog_follow_up_date,
            summary=self.env._(
                "Follow up: %(customer)s", customer=customer.display_name
            ),
            note=Markup('<a href="%s">%s</a>')
            % (
                message._dialog_backend_url(),
                self.env._("Open the dialog message"),
            ),
            user_id=responsible.id,
            dialog_message_id=message.id,
        )
        message.sudo().dialog_activity_id = activity

    def _dialog_post_portal_reply(self, conversation, author, body, uploads):
        """Store a customer's portal answer to ``conversation`` (called in
        sudo by the portal after its access checks) and notify the
        responsible employee, else the author of the conversation, else the
        customer's salesperson: the first of them who still works here."""
        self.ensure_one()
        customer = conversation.dialog_partner_id
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
        reply = self._dialog_message_post(
            files,
            body=body,
            subject=subject or False,
            author_id=author.id,
            partner_ids=responsible.partner_id.ids,
            dialog_partner_id=customer.id,
            dialog_contact_id=author.id if author != customer else False,
            dialog_visibility="customer",
            dialog_published=True,
            dialog_delivery="none",
            dialog_delivery_code="portal_reply",
            dialog_channel="portal",
            dialog_direction="incoming",
            dialog_topic_id=conversation.dialog_topic_id.id,
            dialog_user_id=conversation.dialog_user_id.id,
            dialog_follow_up_date=bool(responsible) and fields.Date.context_today(self),
            dialog_reply_to_id=conversation.id,
        )
        if responsible:
            # work to do inside Odoo, whether the notification email got
            # through or not (it already told the responsible)
            self.with_context(
                mail_activity_quick_update=True
            )._dialog_schedule_follow_up(reply, customer, responsible)
        return reply

    def _dialog_message_post(self, attachments, inserted=None, **values):
        """Create a dialog message on this record: the one way dialog messages
        come into being (dialog_post and portal replies).

        Files uploaded for it and images pasted or inserted into its text
        become the message's own (``res_model`` mail.message), so that reading
        them needs access to the message, not to the document; files of the
        document stay where they are. ``inserted``: the images inserted into
        the text, if the caller looked them up already.
        """
        author = self.env["res.partner"].browse(values["author_id"])
        if not author.email and not author.partner_share:
            # a phone system's or importer's user often has no address: mail
            # refuses to log anything for it
            values["email_from"] = self._dialog_sender_without_email(author)
        if inserted is None:
            inserted = self._dialog_images_uploaded_in_text(values["body"])
        if inserted:
            # a customer reads files only with their token (and a login)
            values["body"] = self._dialog_link_with_tokens(values["body"], inserted)
            attachments |= inserted
        uploads = self._dialog_pending_uploads(attachments)
        pasted_images = "data:image" in (values["body"] or "")
        poster = self._dialog_posting()
        if pasted_images:
            # mail turns pasted images into files of the document, created as
            # the user: that needs write access, and posting only needs read
            poster = poster.sudo()
        message = poster.message_post(
            message_type="comment",
            attachment_ids=attachments.ids,
            dialog_reference_model=self._name,
            **values,
            **self.env["mail.message"]._dialog_portal_flags(
                values["dialog_visibility"], values["dialog_published"]
            ),
        ).with_env(self.env)
        # those images become the message's: a token holder of the document
        # must not find them there
        extracted = (
            message.sudo().attachment_ids - attachments
            if pasted_images
            else attachments.browse()
        )
        if uploads or extracted:
            # (an empty write would still check access to the message)
            (uploads | extracted).write(
                {"res_model": "mail.message", "res_id": message.id}
            )
        self._dialog_note_model_in_use()
        return message

    @api.model
    def _dialog_sender_without_email(self, author):
        """The sender of a message whose author has no email address: the
        author's name at the company's address (else Odoo's notification
        address); nothing when the company has neither, and mail refuses."""
        company = self.env.company
        email = company.email or company.alias_domain_id.default_from_email
        return formataddr((author.name, email)) if email else False

    @api.model
    def _dialog_images_uploaded_in_text(self, body):
        """Images the poster inserted with the editor of the composer: files
        of the composer that belong to nothing (only their uploader could
        see them, in the portal they were broken) and that the text shows."""
        ids = {
            int(link[2])
            for link in IMAGE_LINK.finditer(str(body or ""))
            if is_request_id(link[2])
        }
        if not ids:
            return self.env["ir.attachment"]
        return self._dialog_pending_uploads(
            self.env["ir.attachment"].sudo().browse(ids).exists()
        ).filtered(lambda a: a.create_uid == self.env.user)

    @api.model
    def _dialog_link_with_tokens(self, body, attachments):
        """``body`` with the access token in each URL of ``attachments``."""
        tokens = dict(
            zip(attachments.ids, attachments.generate_access_token(), strict=True)
        )

        def with_token(match):
            url, query = match[1], match[3] or ""
            token = tokens.get(int(match[2]))
            if not token or "access_token=" in query:
                return match[0]
            return f"{url}{query}{'&' if query else '?'}access_token={token}"

        return Markup(IMAGE_LINK.sub(with_token, str(body)))

    @api.model
    def _dialog_pending_uploads(self, attachments):
        """The files among ``attachments`` that were uploaded in a composer
        and belong to nothing yet (in sudo)."""
        return attachments.sudo().filtered(
            lambda a: not a.res_model or a.res_model in COMPOSER_MODELS
        )

    def _dialog_note_model_in_use(self):
        """The first dialog message on a model makes the employees' access
        condition for dialog messages ask about its documents too."""
        if self._name not in self.env["mail.message"]._dialog_models():
            self.env.registry.clear_cache()
            # and once committed, for a worker that filled it meanwhile
            self.env.cr.postcommit.add(self.env.registry.clear_cache)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _dialog_posting(self):
        """This record, ready to create a dialog message: no default_* values
        from the caller's context can slip into the message."""
        context = clean_context(self.env.context)
        return self.with_context(
            context, customer_dialog_post=DIALOG_POST, mail_create_nosubscribe=True
        )

    def _dialog_get_customer(self, raise_if_missing=True):
        """The customer (commercial entity) whose file holds messages of this record."""
        self.ensure_one()
        if self._name == "res.partner":
            partner = self
        else:
            partner = self._mail_get_partners()[self.id][:1]
        customer = partner.commercial_partner_id
        if not customer and raise_if_missing:
            raise UserError(
                self.env._(
                    "%(record)s has no customer: a dialog message needs one.",
                    record=self.display_name,
                )
            )
        return customer

    def _dialog_validate(self, customer, **params):
        """Convert and check the arguments of dialog_post (see dialog_input)
        and return them as the values and records to store."""
        env = self.env
        to_choice(env, params["visibility"], VISIBILITIES, env._("visibility"))
        to_choice(env, params["channel"], CHANNELS, env._("channel"))
        to_choice(env, params["direction"], DIRECTIONS, env._("direction"))
        to_flag(env, params["send_content"], "send_content")
        values = {
            "body": to_body(env, params["body"]),
            "subject": to_subject(env, params["subject"]),
            "follow_up_date": to_follow_up_date(env, params["follow_up_date"]),
            "date": to_interaction_date(env, params["date"]),
        }
        topic = self._dialog_browse(
            "customer_dialog.topic", params["topic_id"], env._("topic")
        )
        user = self._dialog_browse("res.users", params["user_id"], env._("responsible"))
        if user and (not user.active or not user._is_internal()):
            raise ValidationError(
                env._(
                    "%(user)s is not an active employee and cannot be responsible.",
                    user=user.name,
                )
            )
        contact = self._dialog_browse(
            "res.partner", params["contact_id"], env._("contact person")
        )
        if contact and contact.commercial_partner_id != customer:
            raise ValidationError(
                env._(
                    "%(contact)s is not a contact of %(customer)s.",
                    contact=contact.display_name,
                    customer=customer.display_name,
                )
            )
        reply_to = self._dialog_browse(
            "mail.message", params["reply_to_id"], env._("message to answer")
        )
        if reply_to and (
            reply_to.dialog_partner_id != customer
            or reply_to.dialog_visibility != "customer"
        ):
            raise ValidationError(
                env._(
                    "The message to answer is not a customer message of %(customer)s.",
                    customer=customer.display_name,
                )
            )
        return {
            **values,
            "topic": topic,
            "user": user,
            "contact": contact,
            "attachments": self._dialog_check_attachments(params["attachment_ids"]),
            "reply_to": reply_to.dialog_reply_to_id or reply_to,
        }

    def _dialog_browse(self, model, record_id, label):
        """An existing record the current user may read, or an empty recordset."""
        record_id = to_id(self.env, record_id, label)
        if not record_id:
            return self.env[model]
        record = self.env[model].browse(record_id).exists()
        if not record or not record.has_access("read"):
            raise ValidationError(
                self.env._("Unknown %(label)s: %(id)s.", label=label, id=record_id)
            )
        if "active" in record._fields and not record.active:
            raise ValidationError(
                self.env._(
                    "The %(label)s %(name)s is archived.",
                    label=label,
                    name=record.display_name,
                )
            )
        return record

    def _dialog_check_attachments(self, attachment_ids):
        Attachment = self.env["ir.attachment"]
        attachment_ids = to_ids(self.env, attachment_ids, self.env._("attachments"))
        if not attachment_ids:
            return Attachment
        attachments = Attachment.browse(attachment_ids).exists()
        unknown = set(attachment_ids) - set(attachments.ids)
        if unknown or not attachments.has_access("read"):
            raise ValidationError(
                self.env._(
                    "Unknown attachments: %(ids)s.",
                    ids=sorted(unknown) or attachment_ids,
                )
            )
        foreign_upload = attachments.sudo().filtered(
            lambda a: (not a.res_model or a.res_model in COMPOSER_MODELS)
            and a.create_uid != self.env.user
        )
        if foreign_upload:
            raise ValidationError(
                self.env._("Unknown attachments: %(ids)s.", ids=foreign_upload.ids)
            )
        return attachments

    # ------------------------------------------------------------------
    # Odoo hooks
    # ------------------------------------------------------------------

    def _thread_to_store(self, store, /, *, fields=None, request_list=None, **kwargs):
        # a document's to-dos and scheduled messages are the employees' work
        # (a dialog follow-up names its hidden message, date and responsible):
        # a customer or a token holder of the document never gets them
        if request_list and not self.env.user._is_internal():
            request_list = [
                item
                for item in request_list
                if item not in ("activities", "scheduledMessages")
            ]
        return super()._thread_to_store(
            store, fields=fields, request_list=request_list, **kwargs
        )

    @api.model
    def _get_thread_with_access(self, thread_id, mode="read", **kwargs):
        # portal compares a token with the document's and reads ``pid`` as a
        # number: a document without a token, a token that is no text or a
        # pid that is no number gave a 500; such a visitor has no access
        token_field = self._mail_post_token_field
        token = kwargs.get("token")
        if token and not (
            isinstance(token, str)
            and token_field in self._fields
            and self.browse(thread_id).sudo().exists()[token_field]
        ):
            kwargs["token"] = None
        if kwargs.get("pid") is not None and not is_request_id(kwargs["pid"]):
            kwargs["pid"] = kwargs["hash"] = None
        return super()._get_thread_with_access(thread_id, mode, **kwargs)

    def _get_message_create_valid_field_names(self):
        # mail.message.create() still refuses them outside dialog_post
        return super()._get_message_create_valid_field_names() | {
            fname
            for fname in self.env["mail.message"]._fields
            if fname.startswith("dialog_")
        }

    @api.model
    def _get_mail_message_access(self, res_ids, operation, model_name=None):
        if (
            operation == "create"
            and self.env.context.get("customer_dialog_post") is DIALOG_POST
        ):
            return "read"
        return super()._get_mail_message_access(
            res_ids, operation, model_name=model_name
        )

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
            self = self.with_context(customer_dialog_gateway=DialogGateway())
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
            self = self.with_context(
                customer_dialog_gateway=DialogGateway(answered.id or None)
            )
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

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        """An email from a customer routed here by the real mail gateway is
        filed as an incoming message of that customer *before* Odoo notifies
        anyone (see _notify_get_recipients: employees who follow the
        document are told, share users never); its files become the
        message's own, and an answer to a delivery joins its conversation
        with a to-do for its responsible, exactly once."""
        gateway = DialogGateway.of(self.env)
        values = (
            self._dialog_incoming_email_values(kwargs, gateway)
            if gateway and kwargs.get("message_type") == "email"
            else None
        )
        if not values:
            return super().message_post(**kwargs)
        message = super(
            MailThread, self.with_context(customer_dialog_post=DIALOG_POST)
        ).message_post(**kwargs, **values)
        message = message.with_env(self.env)
        # Odoo files an email's attachments on the document, where its token
        # holders would list them: they are the message's, as for dialog_post
        message.sudo().attachment_ids.filtered(
            lambda a: a.res_model == self._name and a.res_id == self.id
        ).write({"res_model": "mail.message", "res_id": message.id})
        self._dialog_note_model_in_use()
        if values.get("dialog_reply_to_id"):
            responsible = message.sudo()._dialog_responsible()
            if responsible:
                self.with_context(
                    mail_activity_quick_update=True
                )._dialog_schedule_follow_up(
                    message, message.sudo().dialog_partner_id, responsible
                )
        return message

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
        portal reply)."""
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

    def unlink(self):
        """Deleting a document never deletes the dialog messages filed on it:
        they move to the customer's own file with a note of the object."""
        self._dialog_keep_messages_of_deleted_records()
        return super().unlink()

    def _dialog_keep_messages_of_deleted_records(self):
        if not self.ids:
            return
        if self._name == "res.partner":
            self._dialog_check_no_recipient_deleted()
        messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("dialog_visibility", "!=", False),
                ]
            )
        )
        if not messages:
            return
        if self._name == "res.partner":
            own_file = messages.filtered(lambda m: m.dialog_partner_id.id == m.res_id)
            if own_file:
                raise UserError(
                    self.env._(
                        "%(customer)s has a customer file with %(count)s dialog "
                        "messages and cannot be deleted: archive it instead.",
                        customer=own_file[0].dialog_partner_id.display_name,
                        count=len(own_file),
                    )
                )
        model_name = self.env["ir.model"]._get(self._name).name
        names = {record.id: record.display_name for record in self.sudo()}
        # a file several messages carry goes to a published one first, so
        # that the customer keeps it
        for message in messages.sorted(lambda m: not m.dialog_published):
            customer = message.dialog_partner_id
            note = f"{model_name} {names.get(message.res_id, message.res_id)}"
            moved = message | message.dialog_delivery_message_id
            moved.write(
                {
                    "model": "res.partner",
                    "res_id": customer.id,
                    "record_name": customer.display_name,
                }
            )
            # the document's files the message carries stay with the message
            # (Odoo deletes a deleted record's files with it)
            message.attachment_ids.filtered(
                lambda a: a.res_model == self._name and a.res_id in self.ids
            ).write({"res_model": "mail.message", "res_id": message.id})
            message.write(
                {
                    "dialog_deleted_reference": note,
                    "dialog_reference_model": "res.partner",
                }
            )
            message.dialog_activity_id.write(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": customer.id,
                }
            )

    def _dialog_check_no_recipient_deleted(self):
        """A contact who received a dialog message is part of the customer
        file: deleting it would also delete the notifications that tell
        whether the email arrived."""
        received = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("dialog_contact_id", "in", self.ids),
                    ("dialog_delivery", "in", ("content", "notice")),
                ],
                limit=1,
            )
        )
        if received:
            raise UserError(
                self.env._(
                    "%(contact)s received dialog messages of the customer file "
                    "and cannot be deleted: archive it instead.",
                    contact=received.dialog_contact_id.display_name,
                )
            )

    def _message_update_content(self, message, body, attachment_ids=None, **kwargs):
        """Files added while an employee edits a dialog message in the chatter
        become the message's own, as when it was posted (mail would file them
        on the document, where its token holders list them)."""
        uploads = self.env["ir.attachment"]
        if attachment_ids and message.sudo().dialog_visibility:
            uploads = self._dialog_pending_uploads(uploads.browse(attachment_ids))
        result = super()._message_update_content(
            message, body, attachment_ids=attachment_ids, **kwargs
        )
        if uploads:
            uploads.write({"res_model": "mail.message", "res_id": message.id})
        return result

    def _check_can_update_message_content(self, messages):
        """Odoo lets authors edit their messages, also customers through a
        document's token; dialog messages change only as dialog_post and
        the Customer Dialog rights allow (see mail.message.write)."""
        if not self.env.user._is_internal() and messages.sudo().filtered(
            "dialog_visibility"
        ):
            raise AccessError(self.env._("Customers cannot change dialog messages."))
        locked = messages.sudo().filtered("dialog_locked")
        if locked:
            raise UserError(locked[0]._dialog_locked_message())
        messages._dialog_check_legal_hold()
        return super()._check_can_update_message_content(messages)

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
        values = {
            "dialog_partner_id": customer.id,
            "dialog_contact_id": author.id if author != customer else False,
            "dialog_visibility": "customer",
            "dialog_published": True,
            "dialog_delivery": "none",
            "dialog_delivery_code": "received_email",
            "dialog_delivery_address": author.email_normalized,
            "dialog_channel": "email",
            "dialog_direction": "incoming",
            "dialog_reference_model": self._name,
        }
        answered = self.env["mail.message"].sudo().browse(gateway.answered or ())
        conversation = answered.dialog_reply_to_id or answered
        if conversation and conversation._dialog_visible_to_customer(author):
            responsible = conversation._dialog_responsible()
            values.update(
                dialog_reply_to_id=conversation.id,
                dialog_topic_id=conversation.dialog_topic_id.id,
                dialog_user_id=conversation.dialog_user_id.id,
                dialog_follow_up_date=bool(responsible)
                and fields.Date.context_today(self),
            )
        return values
