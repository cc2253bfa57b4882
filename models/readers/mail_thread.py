"""The readers of a new dialog message: those dialog_post names, else its
topic's reader groups; only an internal message has readers."""

from odoo import Command, models
from odoo.exceptions import ValidationError

from ...tools.dialog_input import to_ids

# Readers (users, groups) one message names at most: a list, not a directory.
MAX_READERS = 100


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _dialog_validate_readers(
        self, visibility, topic, user_ids, group_ids, stored_visibility=None
    ):
        """The reader values of a new message from dialog_post's
        ``reader_user_ids`` and ``reader_group_ids`` (lists of ids): existing
        active employees and groups, for an internal message only. When
        neither is given (None, not an empty list), an internal message of a
        topic with reader groups is restricted to them (also a message for
        the customer that the delivery rules keep internal:
        ``stored_visibility``)."""
        env = self.env
        stored_visibility = stored_visibility or visibility
        if not user_ids and not group_ids and stored_visibility != "internal":
            # (a customer message names none: nothing to read or store)
            return {}
        users = self._dialog_browse_many("res.users", user_ids, env._("readers"))
        groups = self._dialog_browse_many(
            "res.groups", group_ids, env._("reader groups")
        )
        employees = users.filtered(lambda user: user._is_internal())
        if users - employees:
            raise ValidationError(
                env._(
                    "Readers are active employees: %(names)s is not.",
                    names=(users - employees)[0].name,
                )
            )
        if (users or groups) and visibility != "internal":
            raise ValidationError(
                env._(
                    "Only an internal message can be restricted to readers: "
                    "a message for the customer is read by the customer."
                )
            )
        if user_ids is None and group_ids is None and stored_visibility == "internal":
            groups = topic.sudo().reader_group_ids
        return {
            "dialog_reader_user_ids": [Command.set(users.ids)],
            "dialog_reader_group_ids": [Command.set(groups.ids)],
        }

    def _dialog_browse_many(self, model, values, label):
        """Existing, active records of ``model`` by the ids in ``values``,
        each named once, at most MAX_READERS."""
        ids = to_ids(self.env, values, label)
        if len(ids) != len(set(ids)):
            raise ValidationError(
                self.env._("The %(label)s name someone twice.", label=label)
            )
        if len(ids) > MAX_READERS:
            raise ValidationError(
                self.env._(
                    "At most %(max)s %(label)s: %(count)s were given.",
                    max=MAX_READERS,
                    label=label,
                    count=len(ids),
                )
            )
        records = self.env[model].browse(ids).exists()
        unknown = sorted(set(ids) - set(records.ids))
        if unknown:
            raise ValidationError(
                self.env._("Unknown %(label)s: %(ids)s.", label=label, ids=unknown)
            )
        if "active" in records._fields and records.filtered(lambda r: not r.active):
            raise ValidationError(
                self.env._(
                    "The %(label)s %(name)s is archived.",
                    label=label,
                    name=records.filtered(lambda r: not r.active)[0].display_name,
                )
            )
        return records
