from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_datetime, html2plaintext

from .mail_thread import COMPOSER_MODELS

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

    dialog_mail_content = fields.Boolean(
        string="Send message content by email",
        help="For customers with portal access: email the full content of new "
        "customer messages. When unchecked they only get a notice that a new "
        "message is waiting in their portal (privacy by default). Customers "
        "without portal access always receive the content. Set on the "
        "customer; its contacts follow.",
    )
    dialog_portal_access = fields.Boolean(
        string="Portal access",
        compute="_compute_dialog_portal_access",
        search="_search_dialog_portal_access",
        help="The customer or one of its contacts has an active portal user.",
    )
    # the block and its reason are the company's internal judgement: never
    # readable by the customer (portal, RPC) nor by public token holders
    dialog_blocked = fields.Boolean(
        string="Blocked",
        tracking=True,
        copy=False,
        groups="customer_dialog.group_customer_dialog_user",
        help="Blocked customers are shown with a warning wherever they are dealt with.",
    )
    dialog_block_reason = fields.Text(
        string="Block Reason",
        tracking=True,
        copy=False,
        groups="customer_dialog.group_customer_dialog_user",
    )
    dialog_blocked_date = fields.Date(
        string="Blocked Since",
        copy=False,
        groups="customer_dialog.group_customer_dialog_user",
    )
    dialog_legal_hold = fields.Boolean(
        string="Legal Hold",
        tracking=True,
        copy=False,
        groups="customer_dialog.group_customer_dialog_manager",
        help="The customer's file must be kept (e.g. for a lawsuit or an "
        "audit): no retention period deletes its messages and it cannot be "
        "erased. Messages are still archived.",
    )
    dialog_message_count = fields.Integer(
        string="Dialog Messages", compute="_compute_dialog_message_count"
    )
    dialog_message_ids = fields.Many2many(
        "mail.message",
        string="Latest Dialog Messages",
        compute="_compute_dialog_message_ids",
    )

    @api.model
    def _commercial_fields(self):
        return [*super()._commercial_fields(), "dialog_mail_content"]

    @api.model
    def _dialog_customers_with_portal_access(self, customers=None):
        """Ids of the commercial entities of which the entity itself or a
        contact has an active portal user (limited to ``customers``)."""
        portal_group = self.env["ir.model.data"]._xmlid_to_res_id("base.group_portal")
        self.env["res.users"].flush_model(
            ["active", "share", "partner_id", "groups_id"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        query = SQL(
            """SELECT DISTINCT partner.commercial_partner_id
                 FROM res_users AS portal_user
                 JOIN res_partner AS partner ON partner.id = portal_user.partner_id
                 JOIN res_groups_users_rel AS membership
                   ON membership.uid = portal_user.id AND membership.gid = %s
                WHERE portal_user.active AND portal_user.share""",
            portal_group,
        )
        if customers is not None:
            query = SQL(
                "%s AND partner.commercial_partner_id = ANY(%s)", query, customers.ids
            )
        return {row[0] for row in self.env.execute_query(query)}

    def _dialog_has_portal_access(self):
        """Whether this partner's customer has portal access, read now (the
        computed field may be cached from before a user was created)."""
        self.ensure_one()
        customer = self.commercial_partner_id
        return customer.id in self._dialog_customers_with_portal_access(customer)

    @api.depends("commercial_partner_id")
    def _compute_dialog_portal_access(self):
        with_access = self._dialog_customers_with_portal_access(
            self.commercial_partner_id
        )
        for partner in self:
            partner.dialog_portal_access = (
                partner.commercial_partner_id.id in with_access
            )

    def _search_dialog_portal_access(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(
                self.env._("Portal access can only be searched with = or !=.")
            )
        with_access = list(self._dialog_customers_with_portal_access())
        positive = (operator == "=") == bool(value)
        return [("commercial_partner_id", "in" if positive else "not in", with_access)]

    def _dialog_messages_domain(self):
        return [
            ("dialog_partner_id", "in", self.commercial_partner_id.ids),
            ("dialog_visibility", "!=", False),
        ]

    @api.depends("commercial_partner_id")
    @api.depends_context("uid")
    def _compute_dialog_message_count(self):
        # what the user may read; for employees an SQL count (_dialog_search)
        counts = dict(
            self.env["mail.message"]._read_group(
                self._dialog_messages_domain(), ["dialog_partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.dialog_message_count = counts.get(partner.commercial_partner_id, 0)

    @api.depends("commercial_partner_id")
    @api.depends_context("uid")
    def _compute_dialog_message_ids(self):
        Message = self.env["mail.message"]
        for partner in self:
            partner.dialog_message_ids = Message.search(
                [*partner._dialog_messages_domain(), ("dialog_archived", "=", False)],
                order="date desc, id desc",
                limit=20,
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_dialog_open_messages(self):
        """The overview, restricted to this customer's file."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_dialog.mail_message_dialog_action"
        )
        customer = self.commercial_partner_id
        action["name"] = self.env._(
            "Dialog: %(customer)s", customer=customer.display_name
        )
        action["domain"] = self._dialog_messages_domain()
        action["context"] = {
            "default_partner_id": customer.id,
            "search_default_filter_active": 1,
        }
        return action

    def action_dialog_compose(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_dialog.customer_dialog_composer_action"
        )
        action["context"] = {
            "default_res_model": "res.partner",
            "default_res_id": self.commercial_partner_id.id,
            "default_contact_id": self.id if self.parent_id else False,
        }
        return action

    def action_dialog_block(self):
        return self._dialog_open_block_wizard("block")

    def action_dialog_unblock(self):
        return self._dialog_open_block_wizard("unblock")

    def _dialog_open_block_wizard(self, mode):
        self.ensure_one()
        self._dialog_check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Block customer")
            if mode == "block"
            else self.env._("Lift block"),
            "res_model": "customer_dialog.block.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_mode": mode,
            },
        }

    def _dialog_check_manager(self, reason=None):
        if not self.env.user.has_group("customer_dialog.group_customer_dialog_manager"):
            raise AccessError(
                reason
                or self.env._(
                    "Only Customer Dialog managers may block or unblock customers."
                )
            )

    def _dialog_log_note(self, text):
        """An internal note in the customer's chatter, outside its dialog
        file (e.g. what the retention job or an erasure did, as counts)."""
        self.ensure_one()
        self.sudo()._message_log(
            body=Markup("<p>%s</p>") % text, author_id=self.env.user.partner_id.id
        )

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

    def _dialog_file_messages(self):
        """This customer's file as the current user may read it: mail's
        rules and those of the documents, multi-company rules included (a
        manager of one company exports and erases that company's part). An
        export and an erasure act on exactly this.

        :return: (the messages they may read, those they may not), in sudo
        """
        self.ensure_one()
        domain = self._dialog_messages_domain()
        Message = self.env["mail.message"]
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

    def _dialog_export_values(self, messages, left_out=None):
        """The customer file of this customer made of ``messages`` (sudo), as
        JSON-serialisable data, labels in the language of the environment:
        a cover (customer, export date and user, counts, and what was
        ``left_out`` and why) and the messages grouped by reference object,
        oldest first."""
        self.ensure_one()
        messages = messages.with_env(self.env).sudo()
        left_out = left_out or messages.browse()
        Message = self.env["mail.message"]
        labels = {
            fname: dict(Message._fields[fname]._description_selection(self.env))
            for fname in EXPORT_SELECTIONS
        }
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
                self._dialog_export_message(message, labels, tz)
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
                "references": len(groups),
                "attachments": len(messages.attachment_ids),
            },
            "left_out": {
                "count": len(left_out),
                "reason": self._dialog_left_out_sentence(left_out) if left_out else "",
            },
            "references": list(groups.values()),
        }

    def _dialog_export_message(self, message, labels, tz):
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
