"""The customer's right to erasure (Art. 17 GDPR); the file as data (Art.
15) is in res_partner_export.py."""

from markupsafe import Markup

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from ...tools.dialog_constants import COMPOSER_MODELS

# Messages searched at once for the log lines that quote an erased message.
ERASE_CHUNK = 500


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------
    # Erasure (Art. 17 GDPR)
    # ------------------------------------------------------------------

    def action_dialog_erase_file(self):
        """The confirmation of an erasure, which names what goes."""
        self.ensure_one()
        customer = self.commercial_partner_id
        customer._dialog_check_erase()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Erase customer file"),
            "res_model": "customer_dialog.erase.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_partner_id": customer.id},
        }

    def _dialog_check_erase(self):
        self.ensure_one()
        self._dialog_check_manager(
            self.env._("Only Customer Dialog managers may erase a customer file.")
        )
        if self.sudo().dialog_legal_hold:
            raise UserError(
                self.env._(
                    "%(customer)s is under legal hold: its customer file must be "
                    "kept and cannot be erased. Lift the legal hold first.",
                    customer=self.display_name,
                )
            )

    def _dialog_erase_targets(self):
        """What an erasure of this customer's file by the current user
        changes (sudo records): what they may read of it (see
        _dialog_file_messages) and, in ``left_out``, what they may not."""
        self.ensure_one()
        messages, left_out = self._dialog_file_messages()
        copies = messages.dialog_delivery_message_id
        log_lines = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("dialog_log_for_id", "in", messages.ids),
                    ("message_type", "=", "notification"),
                ]
            )
        )
        everything = messages | copies
        owned = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "mail.message"),
                    ("res_id", "in", (everything | log_lines).ids),
                ]
            )
        )
        # the messages' own files and uploads that belong to nothing; a
        # document's file stays the document's (its link is removed), and a
        # file another message shows too (of another customer, or left out)
        # stays with it
        files = owned | (everything.attachment_ids | log_lines.attachment_ids).filtered(
            lambda a: not a.res_model or a.res_model in COMPOSER_MODELS
        )
        attachments, _hand_over = files._dialog_split(everything | log_lines)
        return {
            "files": files,
            "messages": messages,
            "copies": copies,
            "log_lines": log_lines,
            "attachments": attachments,
            "activities": messages.dialog_activity_id,
            "mails": self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "in", everything.ids)]),
            "left_out": left_out,
        }

    def _dialog_erase_file(self):
        """Remove the texts, subjects and files of this customer's dialog
        messages, of their delivery emails and follow-up activities; keep
        the metadata (date, channel, direction, topic, delivery). Returns the
        counts, which are logged on the customer."""
        self.ensure_one()
        self._dialog_check_erase()
        targets = self._dialog_erase_targets()
        messages = targets["messages"]
        everything = messages | targets["copies"]
        log_lines = targets["log_lines"]
        counts = {
            "messages": len(messages),
            "attachments": len(targets["attachments"]),
            "deliveries": len(targets["copies"]),
            "activities": len(targets["activities"]),
            "left_out": len(targets["left_out"]),
        }
        # sudo from here: delivered messages and their files are locked for
        # users; the manager check above is the authorisation
        mails = targets["mails"]
        queued = mails.filtered(lambda m: m.state in ("outgoing", "exception"))
        # a queued email is never sent now, and the delivery state says so
        self.env["mail.notification"].sudo().search(
            [("mail_mail_id", "in", queued.ids)]
        ).write({"notification_status": "canceled"})
        queued.write({"state": "cancel"})
        mails.write({"body_html": False})
        files = targets["files"]._dialog_release(everything | log_lines)
        self._dialog_erase_log_lines(messages, log_lines)
        erased = Markup("<p>%s</p>") % self.with_context(
            lang=self.lang or self.env.lang
        ).env._(
            "Content erased on %(date)s at the customer's request.",
            date=fields.Date.to_string(fields.Date.context_today(self)),
        )
        everything.write(
            {"body": erased, "subject": False, "attachment_ids": [Command.clear()]}
        )
        files.unlink()
        # copies of the file prepared for a download go with the texts
        self.env["customer_dialog.export"].sudo().search(
            [("partner_id", "=", self.id)]
        ).unlink()
        everything.link_preview_ids.unlink()
        self.env["mail.message.translation"].sudo().search(
            [("message_id", "in", everything.ids)]
        ).unlink()
        targets["activities"].write({"note": False, "summary": False})
        self._dialog_log_note(
            self.env._(
                "Customer file erased by %(user)s: the texts of %(messages)s "
                "dialog messages and %(deliveries)s delivery emails, "
                "%(attachments)s files and the notes of %(activities)s follow-ups.",
                user=self.env.user.name,
                **counts,
            )
            + (
                " " + self._dialog_left_out_sentence(targets["left_out"])
                if targets["left_out"]
                else ""
            )
        )
        return counts

    def _dialog_erase_log_lines(self, messages, linked):
        """Clear the log lines that may quote an erased message: those linked
        to it (``linked``: done follow-ups and delivery to-dos with their
        feedback and files, changes of visibility) and visibility changes
        logged with the subject by versions before 18.0.1.5.0."""
        Message = self.env["mail.message"].sudo()
        tracked = (
            self.env["ir.model.fields"]
            .sudo()
            .search(
                [
                    ("model", "=", "mail.message"),
                    ("name", "in", ["dialog_visibility", "dialog_published"]),
                ]
            )
        )
        changes = Message
        for start in range(0, len(messages), ERASE_CHUNK):
            chunk = messages[start : start + ERASE_CHUNK]
            subjects = {s for s in chunk.mapped("subject") if s}
            if not subjects:
                continue
            changes |= Message.search(
                [
                    ("tracking_value_ids.field_id", "in", tracked.ids),
                    ("model", "in", list(set(chunk.mapped("model")))),
                    ("res_id", "in", list(set(chunk.mapped("res_id")))),
                ]
            ).filtered(
                lambda log, subjects=subjects: any(
                    s in html2plaintext(log.body or "") for s in subjects
                )
            )
        linked.write({"body": "", "attachment_ids": [Command.clear()]})
        changes.write({"body": ""})
