"""Who changes what on a dialog message: create, write and unlink by users.

A dialog message is created by dialog_post, the portal and the mail gateway
only (the DialogPost marker); a user's write goes through the same typed
boundary (dialog_input) as dialog_post, only the author or a dialog manager
changes a message, what went to the customer is final, and a change of its
visibility or publication is tracked in the chatter. Answers the direct RPC
write or create of a dialog message that would bypass dialog_post's checks.
"""

from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ...tools.dialog_constants import DialogPost
from ...tools.dialog_input import (
    check_selection_values,
    check_text,
    check_text_size,
    one_header_line,
    to_flag,
    to_follow_up_date,
    to_interaction_date,
    to_record,
    to_responsible,
    to_subject,
)
from ..privacy.mail_message import DECIDES_RETENTION, LOCKED_BY_LEGAL_HOLD

SELECTION_FIELDS = [
    "dialog_visibility",
    "dialog_channel",
    "dialog_direction",
    "dialog_delivery",
]
# The fields only a dialog message has (a log line or a delivery email of one
# has its readers and its link, never these).
DIALOG_MESSAGE_FIELDS = {
    *SELECTION_FIELDS,
    "dialog_partner_id",
    "dialog_contact_id",
    "dialog_recipient_id",
    "dialog_published",
    "dialog_delivery_code",
    "dialog_delivery_address",
    "dialog_delivery_message_id",
    "dialog_topic_id",
    "dialog_user_id",
    "dialog_follow_up_date",
    "dialog_reply_to_id",
    "dialog_archived",
}
# What the author or a dialog manager may change on a dialog message; every
# other field (customer, delivery, conversation, author, document, routing and
# Odoo's markers) is set by dialog_post, the portal and the mail gateway only.
USER_EDITABLE_FIELDS = {
    "body",
    "subject",
    "attachment_ids",
    "date",
    "dialog_visibility",
    "dialog_published",
    "dialog_channel",
    "dialog_direction",
    "dialog_topic_id",
    "dialog_user_id",
    "dialog_follow_up_date",
    "dialog_archived",
    "dialog_reader_user_ids",
    "dialog_reader_group_ids",
}
# What is final once the message went to the customer (its files too: see
# ir.attachment._dialog_check_not_delivered).
LOCKED_AFTER_DELIVERY = {"body", "subject", "attachment_ids", "dialog_visibility"}
TRACKED_FIELDS = ["dialog_visibility", "dialog_published"]


def _clean_sender(vals):
    """The sender and Reply-To of a message as one header line each (the
    header cleaning, see mail.mail._prepare_outgoing_list): the stored
    sender is what an email's From says."""
    for fname in ("email_from", "reply_to"):
        if fname in vals:
            vals[fname] = one_header_line(vals[fname])
    return vals


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        system = self.env.su or DialogPost.of(self.env)
        if not system and any(
            key.startswith("default_dialog_") and value
            for key, value in self.env.context.items()
        ):
            # (Odoo fills a create's missing fields from default_* keys)
            raise UserError(self._dialog_post_only_message())
        for vals in vals_list:
            check_selection_values(self, vals, SELECTION_FIELDS)
            if not vals.get("dialog_visibility") and any(
                vals.get(fname) for fname in DIALOG_MESSAGE_FIELDS
            ):
                # whoever creates it (sudo too): a message that is no dialog
                # message has none of a dialog message's fields
                raise UserError(self._dialog_post_only_message())
            if not system and any(
                fname.startswith("dialog_") and value for fname, value in vals.items()
            ):
                raise UserError(self._dialog_post_only_message())
            _clean_sender(vals)
        messages = super().create(vals_list)
        # checked after creation, so that default_* context keys count too
        if not system and messages.filtered("dialog_visibility"):
            raise UserError(self._dialog_post_only_message())
        return messages

    def _dialog_post_only_message(self):
        return self.env._(
            "Dialog messages are created with dialog_post, "
            "which applies the delivery rules."
        )

    def write(self, vals):
        check_selection_values(self, vals, SELECTION_FIELDS)
        vals = _clean_sender(dict(vals))
        if set(vals) & LOCKED_BY_LEGAL_HOLD:
            # whoever writes: Odoo's chatter edits messages in sudo
            self._dialog_check_legal_hold()
        if vals.get("body") and self.filtered("dialog_visibility"):
            # an edit in the chatter (sudo) is held to dialog_post's limit
            body = check_text(self.env, vals["body"], self.env._("message"))
            check_text_size(self.env, body)
        if not self.env.su:
            if self.filtered("dialog_visibility"):
                if not self.env.user._is_internal():
                    # (before any value is looked at: nothing to learn)
                    raise AccessError(
                        self.env._("Customers cannot change dialog messages.")
                    )
                vals = self._dialog_write_values(vals)
            self._dialog_check_write(vals)
            if "dialog_visibility" in vals:
                # a change of visibility is a new delivery decision
                vals = dict(vals)
                visibility = vals.pop("dialog_visibility")
                result = self.write(vals) if vals else True
                self.filtered(
                    lambda m: m.dialog_visibility and m.dialog_visibility != visibility
                )._dialog_set_visibility(visibility)
                return result
        if not set(vals) & set(TRACKED_FIELDS):
            return super().write(vals)
        dialog_messages = self.filtered("dialog_visibility")
        old_values = {m.id: {f: m[f] for f in TRACKED_FIELDS} for m in dialog_messages}
        result = super().write(vals)
        dialog_messages._dialog_sync_portal_flags(
            {
                m.id
                for m in dialog_messages
                if old_values[m.id]["dialog_visibility"] != m.dialog_visibility
            }
        )
        dialog_messages._dialog_track_changes(old_values)
        return result

    def _dialog_write_values(self, vals):
        """A user's ``vals`` for these dialog messages, converted and checked
        as dialog_post converts and checks its arguments (dialog_input): the
        same date ranges, an active employee as responsible, an existing
        topic, one-line subject, publication of customer messages only. A
        write is no back door around dialog_post (a date in 1800 that
        retention deletes at once, a customer as responsible, ...)."""
        env = self.env
        vals = dict(vals)
        converters = {
            "subject": to_subject,
            "date": lambda env, value: to_interaction_date(env, value, required=True),
            "dialog_follow_up_date": to_follow_up_date,
            "dialog_topic_id": lambda env, value: to_record(
                env, "customer_dialog.topic", value, env._("topic")
            ).id,
            "dialog_user_id": lambda env, value: to_responsible(env, value).id,
            "dialog_published": lambda env, value: to_flag(
                env, value, env._("Published")
            ),
            "dialog_archived": lambda env, value: to_flag(
                env, value, env._("Archived")
            ),
        }
        for fname, convert in converters.items():
            if fname in vals:
                vals[fname] = convert(env, vals[fname])
        if vals.get("dialog_published"):
            visibility = vals.get("dialog_visibility")
            if any(
                (visibility or message.dialog_visibility) != "customer"
                for message in self.filtered("dialog_visibility")
            ):
                raise ValidationError(
                    env._(
                        "Only messages for the customer are published; "
                        "an internal message never is."
                    )
                )
        return vals

    def _dialog_check_write(self, vals):
        """Rights and integrity of a write by a user (not the system): dialog
        fields are set by dialog_post only; on a dialog message a customer
        changes nothing and an employee only USER_EDITABLE_FIELDS (not its
        routing, recipients, author or Odoo's markers such as is_internal)."""
        changed = set(vals)
        dialog_messages = self.filtered("dialog_visibility")
        if self - dialog_messages and any(f.startswith("dialog_") for f in changed):
            raise UserError(self._dialog_post_only_message())
        copies = self.filtered(lambda m: m.message_type == "user_notification")
        if copies and self.sudo().search_count(
            [("dialog_delivery_message_id", "in", copies.ids)], limit=1
        ):
            raise AccessError(
                self.env._(
                    "A delivery email is the proof of what was sent to the "
                    "customer: nobody changes it."
                )
            )
        if not dialog_messages:
            return
        if not self.env.user._is_internal():
            raise AccessError(self.env._("Customers cannot change dialog messages."))
        system = changed - USER_EDITABLE_FIELDS
        if "partner_ids" in system and dialog_messages._dialog_adds_employees_only(
            vals["partner_ids"]
        ):
            # colleagues mentioned while editing the message in the chatter
            system.discard("partner_ids")
        if system:
            raise AccessError(
                self.env._(
                    "These fields of a dialog message are set by the system: "
                    "%(fields)s.",
                    fields=", ".join(sorted(system)),
                )
            )
        dialog_messages._dialog_check_author_or_manager()
        locked = dialog_messages.filtered("dialog_locked").filtered(
            lambda m: any(
                m._dialog_differs(f, vals[f]) for f in changed & LOCKED_AFTER_DELIVERY
            )
        )
        if locked:
            raise UserError(locked[0]._dialog_locked_message())
        if changed & DECIDES_RETENTION and not self._dialog_is_manager():
            dialog_messages.filtered("dialog_locked")._dialog_check_deletion_kept(vals)

    def _dialog_adds_employees_only(self, partner_ids):
        """Whether writing ``partner_ids`` adds nobody but employees to the
        recipients of these messages (recipients may read a message)."""
        field = self._fields["partner_ids"]
        for message in self.sudo():
            added = (
                message.partner_ids.browse(field.convert_to_cache(partner_ids, message))
                - message.partner_ids
            )
            if added.filtered("partner_share"):
                return False
        return True

    def _dialog_locked_message(self):
        return self.env._(
            "“%(subject)s” was delivered to the customer: its content, "
            "visibility and customer can no longer be changed. "
            "You can still unpublish it.",
            subject=self.subject or self.record_name,
        )

    def _dialog_differs(self, field_name, value):
        field = self._fields[field_name]
        current = self[field_name]
        if field.type in ("many2one",):
            return current.id != (value or False)
        if field.type == "html":
            return (current or "") != (value or "")
        if field.type in ("one2many", "many2many"):
            return True
        return current != value

    def _dialog_is_manager(self):
        return self.env.user.has_group("customer_dialog.group_customer_dialog_manager")

    def _dialog_check_author_or_manager(self):
        if self._dialog_is_manager():
            return
        foreign = self.filtered(lambda m: m.author_id != self.env.user.partner_id)
        if foreign:
            raise AccessError(
                self.env._(
                    "Only the author or a Customer Dialog manager may change or delete "
                    "the dialog message “%(subject)s”.",
                    subject=foreign[0].subject or foreign[0].record_name,
                )
            )

    def _dialog_track_changes(self, old_values):
        """Log every change of visibility or publication in the chatter of
        the reference object, with Odoo's tracking values."""
        fields_info = self.fields_get(TRACKED_FIELDS)
        Tracking = self.env["mail.tracking.value"]
        for message in self.sudo():
            tracking_values = [
                Tracking._create_tracking_values(
                    old_values[message.id][fname],
                    message[fname],
                    fname,
                    fields_info[fname],
                    message,
                )
                for fname in TRACKED_FIELDS
                if old_values[message.id][fname] != message[fname]
            ]
            record = message._dialog_thread()
            if not tracking_values or record is None:
                continue
            # sudo: logging needs write access on the document, changing the
            # message only needed the author/manager check done in write()
            # the log names no subject: an erasure must not leave text behind
            log = record.sudo()._message_log(
                body=Markup('<p><a href="%s">%s</a></p>')
                % (
                    message._dialog_backend_url(),
                    self.env._("Dialog message changed."),
                ),
                tracking_value_ids=[(0, 0, values) for values in tracking_values],
                author_id=self.env.user.partner_id.id,
            )
            log.dialog_log_for_id = message

    @api.ondelete(at_uninstall=False)
    def _unlink_dialog_by_author_or_manager(self):
        if self.env.su:
            return
        dialog_messages = self.filtered("dialog_visibility")
        if not dialog_messages:
            return
        dialog_messages._dialog_check_author_or_manager()
        if not self._dialog_is_manager() and dialog_messages.filtered("dialog_locked"):
            raise AccessError(
                self.env._(
                    "A message delivered to the customer can only be deleted "
                    "by a manager."
                )
            )
