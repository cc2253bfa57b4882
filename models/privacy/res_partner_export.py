"""The customer's right of access (Art. 15 GDPR) and to data portability
(Art. 20): the customer file as data, for the report (PDF), the portal's
downloads and RPC, read in batches whatever the file's size."""

import json

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_datetime, html2plaintext, split_every

from ...report.customer_file import background_from
from ...tools.dialog_constants import DialogFileAccess
from ...tools.dialog_input import to_count

# Selections of a dialog message in the customer file export.
EXPORT_SELECTIONS = [
    "dialog_channel",
    "dialog_direction",
    "dialog_visibility",
    "dialog_delivery",
    "dialog_delivery_state",
]
# Messages read at once into an export (the ORM's cache holds one batch).
EXPORT_BATCH = 1000
# The most messages one RPC answer of dialog_export_file holds.
EXPORT_RPC_LIMIT = 5000


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------
    # Access request (Art. 15 GDPR): the customer file as data
    # ------------------------------------------------------------------

    def action_dialog_export_file(self):
        """The customer file as a PDF (QWeb report); a big one is prepared
        in the background, and the manager gets a to-do with its link."""
        self.ensure_one()
        self._dialog_check_export()
        customer = self.commercial_partner_id
        count = len(customer._dialog_file_messages()[0])
        if count <= background_from(self.env):
            return self.env.ref(
                "customer_dialog.action_report_customer_file"
            ).report_action(customer)
        job = self.env["customer_dialog.export"]._dialog_request(customer)
        if job.state == "done":
            # asked again within the hour: the file prepared then, at once
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "success",
                    "sticky": True,
                    "title": self.env._("The customer file is ready"),
                    # (%s: where the web client puts the link)
                    "message": self.env._("It was prepared less than an hour ago:")
                    + " %s",
                    "links": [
                        {
                            "label": self.env._("Download the customer file"),
                            "url": job.dialog_download_url,
                        }
                    ],
                },
            }
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "sticky": True,
                "title": self.env._("The customer file is being prepared"),
                "message": self.env._(
                    "The customer file of %(customer)s holds %(count)s messages: "
                    "it is prepared in the background. You will get a to-do "
                    "with the download link when it is ready.",
                    customer=customer.name,
                    count=count,
                ),
            },
        }

    def dialog_export_file(self, offset=0, limit=None):
        """The customer file as data, for RPC: the same content as the PDF,
        with the codes and (in the caller's language) the labels of the
        selections. Customer Dialog managers only.

        A big file comes in pages: ``limit`` messages from ``offset`` in the
        file's order (a reference object may continue on the next page),
        with ``page`` saying where the next one starts. Without a limit, a
        file of more than EXPORT_RPC_LIMIT messages is refused, as one
        answer would hold a worker and its memory for minutes."""
        self.ensure_one()
        self._dialog_check_export()
        offset = to_count(self.env, offset, "offset")
        limit = to_count(self.env, limit, "limit") if limit is not None else None
        customer = self.commercial_partner_id
        messages, left_out = customer._dialog_file_messages()
        if limit is None and len(messages) > EXPORT_RPC_LIMIT:
            raise UserError(
                self.env._(
                    "This customer file holds %(count)s messages: ask for it in "
                    "pages of at most %(max)s (offset and limit).",
                    count=len(messages),
                    max=EXPORT_RPC_LIMIT,
                )
            )
        if limit is not None and not 0 < limit <= EXPORT_RPC_LIMIT:
            raise UserError(
                self.env._("A page holds 1 to %(max)s messages.", max=EXPORT_RPC_LIMIT)
            )
        order = customer._dialog_export_order(messages)
        end = len(order) if limit is None else offset + limit
        page = messages.browse(order[offset:end])
        values = customer._dialog_export_values(messages, left_out, page=page)
        values["page"] = {
            "offset": offset,
            "messages": len(page),
            "next_offset": end if end < len(order) else False,
        }
        return values

    def _dialog_portal_file(self, stream=None):
        """The file a portal visitor (this partner) downloads, as data (Art.
        15 and 20 GDPR): the messages published for them, exactly those the
        portal shows; nothing internal, nothing of
        another customer, whatever the request says (it takes no id). With
        ``stream``, written into it as JSON, one message at a time."""
        self.ensure_one()
        messages = self._dialog_portal_messages()
        customer = self.commercial_partner_id
        # in the customer's language, as the file's PDF
        customer = customer.with_context(lang=customer.lang or self.env.lang).sudo()
        if stream is not None:
            return customer._dialog_export_json(stream, messages, staff=False)
        return customer._dialog_export_values(messages, staff=False)

    def _dialog_portal_messages(self, ids=None):
        """The messages of the file of this portal visitor (sudo): exactly
        those the portal shows them (portal/mail_message.py).

        :param ids: only these messages of the file (a part of it)"""
        Message = self.env["mail.message"].sudo()
        domain = Message._dialog_portal_domain(self)
        if ids is not None:
            domain = [*domain, ("id", "in", list(ids))]
        return Message.search(domain)

    def _dialog_file_messages(self, ids=None):
        """This customer's file as the current user may read it: mail's
        rules and those of the documents, multi-company rules included (a
        manager of one company exports and erases that company's part). An
        export and an erasure act on exactly this.

        Restricted messages are part of it for a Customer Dialog manager,
        reader or not: the data subject has a right to them (the cover
        counts them).

        :param ids: only these messages of the file (a part of it)
        :return: (the messages they may read, those they may not), in sudo
        """
        self.ensure_one()
        domain = self._dialog_messages_domain()
        if ids is not None:
            domain = [*domain, ("id", "in", list(ids))]
        Message = self.env["mail.message"]
        if Message._dialog_is_manager():
            Message = Message.with_context(**DialogFileAccess().context())
        readable = Message.search(domain)
        every = Message.sudo().search(domain)
        return readable.sudo(), every - readable.sudo()

    def _dialog_left_out_sentence(self, left_out):
        """What of the customer file ``left_out`` holds, and why it is not
        there: counts by kind of document and company, no content. One
        grouped query, whatever the number of messages left out."""
        Message = self.env["mail.message"]
        model_names = dict(Message._selection_dialog_reference())
        Message.flush_model(["model", "record_company_id"])
        self.env.cr.execute(
            SQL(
                """SELECT coalesce(m.model, ''), coalesce(c.name, ''), count(*)
                     FROM mail_message m
                     LEFT JOIN res_company c ON c.id = m.record_company_id
                    WHERE m.id = ANY(%s)
                    GROUP BY 1, 2""",
                left_out.ids,
            )
        )
        places = {}
        for model, company, count in self.env.cr.fetchall():
            key = (model_names.get(model, model), company)
            places[key] = places.get(key, 0) + count
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

    def _dialog_export_values(
        self, messages, left_out=None, staff=True, page=None, cover=None
    ):
        """The customer file of this customer made of ``messages`` (sudo), as
        JSON-serialisable data, labels in the language of the environment:
        a cover (customer, export date and user, counts, and what was
        ``left_out`` and why) and the messages grouped by reference object,
        oldest first. Without ``staff`` (the customer's own download), the
        recipients leave out blind copies, as the portal does, and no
        internal discussion of a message is listed. The file of a big
        customer is written piece by piece instead (_dialog_export_json);
        ``page`` (some of ``messages``): only those are listed, under the
        cover of the whole file, in their order (a slice of the file's);
        ``cover``: the cover already taken (a part of a file prepared in the
        background: the whole file's cover, or none after the first part)."""
        if cover is None:
            cover = self._dialog_export_cover(messages, left_out)
        values = dict(cover)
        references = []
        if page is None:
            rows = self._dialog_export_rows(messages, staff)
        else:
            rows = self._dialog_export_rows(page, staff, order=page.ids)
        for group, message_values in rows:
            if not references or references[-1]["key"] != group["key"]:
                references.append({**group, "messages": []})
            references[-1]["messages"].append(message_values)
        for reference in references:
            del reference["key"]
        values["references"] = references
        return values

    def _dialog_export_cover(self, messages, left_out=None):
        """The cover of the file: counts from one query, whatever its size."""
        self.ensure_one()
        left_out = left_out or messages.browse()
        tz = self.tz or self.env.user.tz or "UTC"
        self.env.cr.execute(
            SQL(
                """SELECT count(*),
                          count(*) FILTER (WHERE m.dialog_visibility = 'internal'),
                          count(*) FILTER (WHERE m.dialog_visibility = 'customer'),
                          count(*) FILTER (WHERE m.dialog_restricted),
                          count(DISTINCT (coalesce(m.model, ''),
                                          coalesce(m.res_id, 0))),
                          (SELECT count(DISTINCT r.attachment_id)
                             FROM message_attachment_rel r
                            WHERE r.message_id = ANY(%(ids)s))
                     FROM mail_message m
                    WHERE m.id = ANY(%(ids)s)""",
                ids=messages.ids,
            )
        )
        total, internal, customer, restricted, references, attachments = (
            self.env.cr.fetchone()
        )
        now = fields.Datetime.now()
        return {
            "customer": {"id": self.id, "name": self.display_name},
            "exported_on": fields.Datetime.to_string(now),
            "exported_on_label": format_datetime(self.env, now, tz=tz),
            "exported_by": self.env.user.name,
            "counts": {
                "messages": total,
                "internal": internal,
                "customer": customer,
                "restricted": restricted,
                "references": references,
                "attachments": attachments,
            },
            "left_out": {
                "count": len(left_out),
                "reason": self._dialog_left_out_sentence(left_out) if left_out else "",
            },
        }

    def _dialog_export_order(self, messages):
        """The ids of ``messages`` in the file's order: by reference object,
        each where its first message falls, then oldest first."""
        if not messages:
            return []
        self.env.cr.execute(
            SQL(
                """SELECT id FROM (
                       SELECT id, date,
                              first_value(date) OVER w AS first_date,
                              first_value(id) OVER w AS first_id
                         FROM mail_message
                        WHERE id = ANY(%s)
                       WINDOW w AS (PARTITION BY model, res_id ORDER BY date, id)
                   ) ordered
                   ORDER BY first_date, first_id, date, id""",
                messages.ids,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _dialog_export_rows(self, messages, staff=True, order=None):
        """(reference group, message values) of each of ``messages`` (sudo)
        in the file's order (or the given ``order`` of their ids), read
        EXPORT_BATCH messages at a time: the ORM's cache is emptied after
        each batch, so that a file of 100,000 messages costs the memory of
        one batch (and of what the caller keeps)."""
        self.ensure_one()
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
        group = None
        if order is None:
            order = self._dialog_export_order(messages)
        for ids in split_every(EXPORT_BATCH, order):
            for message in messages.browse(ids).with_env(self.env).sudo():
                key = (message.model or "", message.res_id or 0)
                if group is None or group["key"] != key:
                    group = {
                        "key": key,
                        "model": key[0],
                        "res_id": key[1],
                        "type": model_names.get(key[0], key[0]),
                        "name": message.record_name or "",
                    }
                yield group, self._dialog_export_message(message, labels, tz, staff)
            self.env.invalidate_all()

    def _dialog_export_json(self, stream, messages, left_out=None, staff=True):
        """Write the file as JSON into the binary ``stream``, one message at a
        time: the same content as _dialog_export_values, in the memory of
        one batch whatever the size of the file."""
        cover = self._dialog_export_cover(messages, left_out)
        head = json.dumps(cover, ensure_ascii=False, indent=2)
        stream.write(head[: head.rindex("}")].rstrip().encode())
        stream.write(b',\n  "references": [')
        key = None
        for group, message_values in self._dialog_export_rows(messages, staff):
            if group["key"] != key:
                if key is not None:
                    stream.write(b"]},")
                key = group["key"]
                header = {k: v for k, v in group.items() if k != "key"}
                stream.write(b"\n    ")
                stream.write(json.dumps(header, ensure_ascii=False)[:-1].encode())
                stream.write(b', "messages": [\n      ')
            else:
                stream.write(b",\n      ")
            stream.write(json.dumps(message_values, ensure_ascii=False).encode())
        if key is not None:
            stream.write(b"]}")
        stream.write(b"\n  ]\n}\n")

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
