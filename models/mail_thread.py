"""``dialog_post``, the public API, and the one way a dialog message comes
into being (``_dialog_message_post``): its files, and what happens to its
messages when a document is deleted.

The delivery rules are in delivery/mail_thread.py, incoming messages (portal
replies, the mail gateway) in incoming/mail_thread.py."""

from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import formataddr
from odoo.tools.misc import clean_context

from ..tools.dialog_constants import (
    CHANNELS,
    COMPOSER_MODELS,
    DIRECTIONS,
    IMAGE_LINK,
    VISIBILITIES,
    DialogPost,
    DialogSanitized,
)
from ..tools.dialog_input import (
    SanitizedHtml,
    is_request_id,
    to_body,
    to_choice,
    to_flag,
    to_follow_up_date,
    to_ids,
    to_interaction_date,
    to_record,
    to_responsible,
    to_subject,
)
from ..tools.dialog_input import (
    ensure_one as dialog_ensure_one,
)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def ensure_one(self):
        """Odoo's ensure_one, failing with a user's error (see NotOneRecord):
        every action and RPC method of the module checks with it."""
        return dialog_ensure_one(self)

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------

    def dialog_post(
        self,
        body=None,
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
        reader_user_ids=None,
        reader_group_ids=None,
        recipients=None,
        confirm_outside_recipients=None,
        *extra,
        **unknown,
    ):
        """Log a dialog message on this record for its customer, deliver it
        by the delivery rules and return the id of the new mail.message.

        Needs the Customer Dialog / User group and read access to the record;
        the author is always the current user. ``reply_to_id`` puts the
        message into the conversation of an earlier message of the customer.
        ``recipients`` names further recipients of a customer message, e.g.
        ``[{"partner_id": 7, "role": "cc"}]`` (roles cc, bcc, none); one
        outside the customer needs ``confirm_outside_recipients=True``.
        ``reader_user_ids`` and ``reader_group_ids`` restrict an internal
        message to these employees and groups (and its author).
        """
        if unknown:
            raise ValidationError(
                self.env._(
                    "Unknown arguments of dialog_post: %(names)s.",
                    names=", ".join(sorted(unknown)),
                )
            )
        if extra:
            raise ValidationError(
                self.env._(
                    "dialog_post was given %(count)s arguments more than it "
                    "takes: name them.",
                    count=len(extra),
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
        readers = self._dialog_validate_readers(
            visibility,
            values["topic"],
            reader_user_ids,
            reader_group_ids,
            stored_visibility=decision["visibility"],
        )
        further = self._dialog_validate_recipients(
            customer, recipient, decision, recipients, confirm_outside_recipients
        )
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
            **self._dialog_decision_values(decision),
            dialog_channel=channel,
            dialog_direction=direction,
            dialog_topic_id=values["topic"].id,
            dialog_user_id=values["user"].id,
            dialog_follow_up_date=values["follow_up_date"],
            dialog_reply_to_id=values["reply_to"].id,
            **readers,
        )
        self._dialog_store_recipients(message, further)
        if values["user"]:
            # (the reader rule, once the message is stored)
            message._dialog_check_reader(values["user"])
        if decision["delivery"] != "none":
            self._dialog_deliver(message, recipient)
        if values["follow_up_date"]:
            self._dialog_schedule_follow_up(message, customer)
        if values["reply_to"]:
            values["reply_to"]._dialog_close_answered_follow_ups()
        return message.id

    # ------------------------------------------------------------------
    # Checking the arguments of dialog_post
    # ------------------------------------------------------------------

    def _dialog_get_customer(self, raise_if_missing=True):
        """The customer (commercial entity) whose file holds messages of this record."""
        self.ensure_one()
        customer = self._mail_get_partners()[self.id][:1].commercial_partner_id
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
        user = to_responsible(env, params["user_id"])
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
        return to_record(self.env, model, record_id, label)

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
    # Creating a dialog message and its files
    # ------------------------------------------------------------------

    def _dialog_posting(self):
        """This record, ready to create a dialog message: no default_* values
        from the caller's context can slip into the message."""
        context = clean_context(self.env.context)
        return self.with_context(
            context, **DialogPost().context(), mail_create_nosubscribe=True
        )

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
        if isinstance(values["body"], SanitizedHtml):
            # sanitised once, by to_body: stored as it is
            poster = poster.with_context(**DialogSanitized(values["body"]).context())
        if pasted_images:
            # mail turns pasted images into files of the document, created as
            # the user: that needs write access, and posting only needs read
            poster = poster.sudo()
        message = poster.message_post(
            message_type="comment",
            attachment_ids=attachments.ids,
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
    # Odoo's hooks: message creation, chatter edits, deleted documents
    # ------------------------------------------------------------------

    def _get_message_create_valid_field_names(self):
        # mail.message.create() still refuses them outside dialog_post
        return super()._get_message_create_valid_field_names() | {
            fname
            for fname in self.env["mail.message"]._fields
            if fname.startswith("dialog_")
        }

    @api.model
    def _get_mail_message_access(self, res_ids, operation, model_name=None):
        if operation == "create" and DialogPost.of(self.env):
            return "read"
        return super()._get_mail_message_access(
            res_ids, operation, model_name=model_name
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

    def unlink(self):
        """Deleting a document never deletes the dialog messages filed on it:
        they move to the customer's own file with a note of the object."""
        self._dialog_keep_messages_of_deleted_records()
        return super().unlink()

    def _dialog_keep_messages_of_deleted_records(self):
        if not self.ids:
            return
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
            message.dialog_deleted_reference = note
            message.dialog_activity_id.write(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": customer.id,
                }
            )
