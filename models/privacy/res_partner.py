"""The customer's rights over their file: access (Art. 15 GDPR, the file as
data) and erasure (Art. 17 GDPR)."""

from markupsafe import Markup

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime, html2plaintext

from ...tools.dialog_constants import COMPOSER_MODELS, DialogFileAccess

# Selections of a dialog message in the customer file export.
EXPORT_SELECTIONS = [
    "dialog_channel",
    "dialog_direction",
    "dialog_visibility",
    "dialog_delivery",
    "dialog_delivery_state",
]
# Messages searched at once for the log lines that quote an erased message.
ERASE_CHUNK = 500


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------
    # Access request (Art. 15 GDPR): the customer file as data
    # ------------------------------------------------------------------

    def action_dialog_export_file(self):
        """The customer file as a PDF (QWeb report)."""
        self.ensure_one()
        self._dialog_check_export()
        return self.env.ref(
            "customer_dialog.action_report_customer_file"
        ).report_action(self.commercial_partner_id)

    def dialog_export_file(self):
        """The customer file as data, for RPC: the same content as the PDF,
        with the codes and (in the caller's language) the labels of the
        selections. Customer Dialog managers only."""
        self.ensure_one()
        self._dialog_check_export()
        customer = self.commercial_partner_id
        return customer._dialog_export_values(*customer._dialog_file_messages())

    def _dialog_portal_file(self):
        """The file a portal visitor (this partner) downloads, as data (Art.
        15 and 20 GDPR): the messages published for them, exactly those the
        portal shows; nothing internal, nothing of
        another customer, whatever the request says (it takes no id)."""
        self.ensure_one()
        Message = self.env["mail.message"].sudo()
        messages = Message.search(Message._dialog_portal_domain(self))
        customer = self.commercial_partner_id
        # in the customer's language, as the file's PDF
        customer = customer.with_context(lang=customer.lang or self.env.lang).sudo()
        return customer._dialog_export_values(messages, staff=False)

    def _dialog_file_messages(self):
        """This customer's file as the current user may read it: mail's
        rules and those of the documents, multi-company rules included (a
        manager of one company exports and erases that company's part). An
        export and an erasure act on exactly this.

        Restricted messages are part of it for a Customer Dialog manager,
        reader or not: the data subject has a right to them (the cover
        counts them).

        :return: (the messages they may read, those they may not), in sudo
        """
        self.ensure_one()
        domain = self._dialog_messages_domain()
        Message = self.env["mail.message"]
        if Message._dialog_is_manager():
            Message = Message.with_context(**DialogFileAccess().context())
        readable = Message.search(domain)
        every = Message.sudo().search(domain)
        return readable.sudo(), every - readable.sudo()

    def _dialog_left_out_sentence(self, left_out):
        """What of the customer file ``left_out`` (sudo) holds, and why it
        is not there: counts by kind of document and company, no content."""
        Message = self.env["mail.message"]
        model_names = dict(Message._selection_dialog_reference())
        places = {}
        for message in left_out:
            key = (
                model_names.get(message.model, message.model or ""),
                message.record_company_id.name or "",
            )
            places[key] = places.get(key, 0) + 1
        where = ", ".join(
            f"{kind}" + (f" ({company})" if company else "") + f": {count}"
            for (kind, company), count in sorted(places.items())
        )
        return self.env._(
            "%(count)s dialog messages are left out: they are filed on "
            "documents you may not read (%(where)s). A manager with access "
            "to them, e.g. of their company, handles that part of the file.",
            count=len(left_out),
            where=where,
        )

    def _dialog_check_export(self):
        self._dialog_check_manager(
            self.env._("Only Customer Dialog managers may export a customer file.")
        )

    def _dialog_export_values(self, messages, left_out=None, staff=True):
        """The customer file of this customer made of ``messages`` (sudo), as
        JSON-serialisable data, labels in the language of the environment:
        a cover (customer, export date and user, counts, and what was
        ``left_out`` and why) and the messages grouped by reference object,
        oldest first. Without ``staff`` (the customer's own download), the
        recipients leave out blind copies, as the portal does, and no
        internal discussion of a message is listed."""
        self.ensure_one()
        messages = messages.with_env(self.env).sudo()
        left_out = left_out or messages.browse()
        Message = self.env["mail.message"]
        labels = {
            fname: dict(Message._fields[fname]._description_selection(self.env))
            for fname in EXPORT_SELECTIONS
        }
        labels["role"] = dict(
            self.env["customer_dialog.recipient"]
            ._fields["role"]
            ._description_selection(self.env)
        )
        model_names = dict(Message._selection_dialog_reference())
        tz = self.tz or self.env.user.tz or "UTC"
        groups = {}
        for message in messages.sorted(lambda m: (m.date, m.id)):
            key = (message.model or "", message.res_id or 0)
            if key not in groups:
                groups[key] = {
                    "model": key[0],
                    "res_id": key[1],
                    "type": model_names.get(key[0], key[0]),
                    "name": message.record_name or "",
                    "messages": [],
                }
            groups[key]["messages"].append(
                self._dialog_export_message(message, labels, tz, staff)
            )
        now = fields.Datetime.now()
        return {
            "customer": {"id": self.id, "name": self.display_name},
            "exported_on": fields.Datetime.to_string(now),
            "exported_on_label": format_datetime(self.env, now, tz=tz),
            "exported_by": self.env.user.name,
            "counts": {
                "messages": len(messages),
                "internal": len(
                    messages.filtered(lambda m: m.dialog_visibility == "internal")
                ),
                "customer": len(
                    messages.filtered(lambda m: m.dialog_visibility == "customer")
                ),
                "restricted": len(messages.filtered("dialog_restricted")),
                "references": len(groups),
                "attachments": len(messages.attachment_ids),
            },
            "left_out": {
                "count": len(left_out),
                "reason": self._dialog_left_out_sentence(left_out) if left_out else "",
            },
            "references": list(groups.values()),
        }

    def _dialog_export_message(self, message, labels, tz, staff=True):
        values = {
            "id": message.id,
            "date": fields.Datetime.to_string(message.date),
            "date_label": format_datetime(self.env, message.date, tz=tz),
            "topic": message.dialog_topic_id.name or "",
            "published": message.dialog_published,
            "archived": message.dialog_archived,
            "author": message.author_id.name or message.email_from or "",
            "recipient": message.dialog_recipient_id.name or "",
            "delivery_address": message.dialog_delivery_address or "",
            "deleted_reference": message.dialog_deleted_reference or "",
            "subject": message.subject or "",
            "text": html2plaintext(message.body or "").strip(),
            "attachments": message.attachment_ids.mapped("name"),
            "recipients": [
                {
                    "name": row.partner_id.name or "",
                    "role": row.role,
                    "role_label": labels["role"].get(row.role, ""),
                    "address": row.address or "",
                }
                for row in message.dialog_recipient_ids
                if staff or row.role != "bcc"
            ],
        }
        for fname in EXPORT_SELECTIONS:
            key = fname.removeprefix("dialog_")
            values[key] = message[fname] or ""
            values[f"{key}_label"] = labels[fname].get(message[fname], "")
        return values

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
