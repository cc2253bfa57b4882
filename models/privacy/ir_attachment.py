"""Shared and held files: the one place that decides them. A file another
message still shows is handed over, never deleted with one message; a file
of a customer under legal hold changes for nobody."""

import base64

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _dialog_split(self, messages):
        """Which of these files may go with ``messages`` (deleted, or their
        content erased): a file that any other message carries, or that
        another message owns, stays. Nothing is changed here (the erasure's
        confirmation counts with it).

        :return: (the files that may go, {file id: id of a message that
            still carries it} for the files one of ``messages`` owns)
        """
        files = self.sudo()
        if not files or not messages:
            return files, {}
        message_ids = list(messages.ids)
        self.env["mail.message"].flush_model(["attachment_ids", "dialog_visibility"])
        files.flush_recordset(["res_model", "res_id"])
        # a dialog message first: its file keeps the dialog rules (a token
        # opens it only after login, for a reader of the message)
        carriers = dict(
            self.env.execute_query(
                SQL(
                    """SELECT DISTINCT ON (rel.attachment_id)
                              rel.attachment_id, rel.message_id
                         FROM message_attachment_rel AS rel
                         JOIN mail_message AS message ON message.id = rel.message_id
                        WHERE rel.attachment_id = ANY(%s)
                          AND rel.message_id != ALL(%s)
                     ORDER BY rel.attachment_id,
                              message.dialog_visibility IS NULL,
                              rel.message_id""",
                    list(files.ids),
                    message_ids,
                )
            )
        )
        ids = set(message_ids)

        def owned(file):
            return file.res_model == "mail.message" and file.res_id in ids

        def owned_elsewhere(file):
            return file.res_model == "mail.message" and file.res_id not in ids

        hand_over = {
            f.id: carriers[f.id] for f in files if f.id in carriers and owned(f)
        }
        stays = files.filtered(lambda f: f.id in carriers or owned_elsewhere(f))
        return files - stays, hand_over

    def _dialog_release(self, messages):
        """Of these files, those that may go with ``messages`` (see
        _dialog_split); a shared file one of them owns passes to a message
        that still carries it, so that deleting a message (Odoo deletes its
        own files with it), an erasure or retention never takes a file from
        under another message, of another customer or under legal hold."""
        removable, hand_over = self._dialog_split(messages)
        by_carrier = {}
        for file_id, carrier in hand_over.items():
            by_carrier.setdefault(carrier, []).append(file_id)
        for carrier, file_ids in by_carrier.items():
            self.sudo().browse(file_ids).write(
                {"res_model": "mail.message", "res_id": carrier}
            )
        return removable

    def _dialog_held(self):
        """The files of these that are part of the file of a customer under
        legal hold: owned or carried by one of its dialog messages, by their
        delivery emails or by their log lines (done to-dos)."""
        if not self.ids:
            return self.browse()
        self.flush_recordset(["res_model", "res_id"])
        self.env["mail.message"].flush_model(
            [
                "attachment_ids",
                "dialog_visibility",
                "dialog_partner_id",
                "dialog_delivery_message_id",
                "dialog_log_for_id",
            ]
        )
        self.env["res.partner"].flush_model(["dialog_legal_hold"])
        rows = self.env.execute_query(
            SQL(
                """WITH carrier AS (
                       SELECT rel.attachment_id AS file_id, rel.message_id
                         FROM message_attachment_rel AS rel
                        WHERE rel.attachment_id = ANY(%(ids)s)
                    UNION ALL
                       SELECT file.id, file.res_id
                         FROM ir_attachment AS file
                        WHERE file.id = ANY(%(ids)s)
                          AND file.res_model = 'mail.message'
                   )
                   SELECT DISTINCT carrier.file_id
                     FROM carrier
                     JOIN mail_message AS message ON message.id = carrier.message_id
                     JOIN mail_message AS dialog
                       ON dialog.dialog_visibility IS NOT NULL
                      AND (dialog.id = message.id
                           OR dialog.dialog_delivery_message_id = message.id
                           OR dialog.id = message.dialog_log_for_id)
                     JOIN res_partner AS customer
                       ON customer.id = dialog.dialog_partner_id
                    WHERE customer.dialog_legal_hold""",
                ids=list(self.ids),
            )
        )
        return self.browse(row[0] for row in rows)

    def _dialog_same_content(self, vals):
        """Whether ``vals`` writes the content these files already have (as
        Odoo's move between database and file storage does)."""
        if set(vals) - {"raw", "datas", "mimetype"}:
            return False
        if "raw" in vals:
            raw = vals["raw"] or b""
        elif "datas" in vals:
            raw = base64.b64decode(vals["datas"] or b"")
        else:
            return True
        if isinstance(raw, str):
            raw = raw.encode()
        checksum = self._compute_checksum(raw)
        return all(file.checksum == checksum for file in self.sudo())

    def _dialog_check_not_held(self):
        held = self._dialog_held()
        if held:
            raise UserError(
                self.env._(
                    "The file “%(name)s” is part of the file of a customer "
                    "under legal hold: it cannot be changed or deleted until "
                    "a manager lifts the legal hold.",
                    name=held[0].sudo().name,
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_legal_hold(self):
        """A legal hold stops every deletion of the customer's content, its
        files included, by anyone (author, manager, the system) until a
        manager lifts it."""
        self._dialog_check_not_held()
