"""The customer file of a big customer (Art. 15 GDPR), prepared in the
background: rendered by ir.cron EXPORT_PART messages at a time, each part
committed, then merged into one file; the requester is told when it is ready.

Answers the cost of a file of 100,000 messages: rendered in the request, it
held an HTTP worker for many minutes (and wkhtmltopdf its memory) and ended
in a timeout. A cron call renders one part, within a few seconds: the whole
file is read once, by the first call (order and cover), and merged outside
Python by the last one (tools/file_merge.py).
"""

import logging
import os
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models

from ...report.customer_file import PORTAL_EXPORT, ExportPart
from ...tools.file_merge import (
    merge_folder,
    merge_html_files,
    merge_pdf_files,
    remove_stale_folders,
    zip_files,
)

_logger = logging.getLogger(__name__)

# Messages rendered by one cron call (a few seconds of wkhtmltopdf).
EXPORT_PART = 1000
# Days a prepared file is kept for its download: it holds the customer's
# data, so it goes like any copy that has served its purpose.
EXPORT_KEEP_DAYS = 7
# A file asked for again within this many hours is the one prepared then.
EXPORT_REUSE_HOURS = 1
# A file whose part was killed this many times in a row (Odoo's count of the
# cron's timeouts: time or memory limit) fails: it would be killed again.
EXPORT_TIMEOUTS = 2
REPORT = "customer_dialog.action_report_customer_file"
MIMETYPES = {"pdf": "application/pdf", "html": "text/html", "zip": "application/zip"}


class CustomerDialogExport(models.Model):
    """One customer file being prepared for one user: a manager's export
    (their rights) or a portal customer's own download (their published
    messages). Only the requester can read it and its file (record rule;
    the portal goes through its own route, which checks the requester)."""

    _name = "customer_dialog.export"
    _description = "Customer file prepared in the background"
    _order = "id desc"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, ondelete="cascade", index=True
    )
    user_id = fields.Many2one(
        "res.users", "Requested by", required=True, ondelete="cascade", index=True
    )
    portal = fields.Boolean("Customer's own download", readonly=True)
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Being prepared"),
            ("done", "Ready"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        readonly=True,
    )
    # the file's message ids in its order, taken when the preparation starts:
    # every part is a slice of the same snapshot
    message_order = fields.Text(readonly=True)
    # the file's cover (counts, what is left out and why), taken at the same
    # time: the first part prints it without reading the whole file again
    cover = fields.Json(readonly=True)
    message_count = fields.Integer("Messages", readonly=True)
    done_count = fields.Integer("Rendered", readonly=True)
    attachment_id = fields.Many2one("ir.attachment", "File", readonly=True)
    dialog_download_url = fields.Char(compute="_compute_dialog_download_url")
    dialog_available_until = fields.Datetime(
        "Available until", compute="_compute_dialog_available_until"
    )
    # whether asking again prepares a new file (else it is this one)
    dialog_renewable = fields.Boolean(compute="_compute_dialog_renewable")
    # the email's opening line, in the language it is written in
    dialog_salutation = fields.Char(compute="_compute_dialog_salutation")

    # ------------------------------------------------------------------
    # Requests: the manager's button, the portal's form
    # ------------------------------------------------------------------

    @api.model
    def _dialog_request(self, customer, portal=False):
        """The preparation of ``customer``'s file for the current user: the
        one already under way, or a new one started now. The caller checked
        the right to the file."""
        # sudo: the requester may not create jobs themselves (portal); the
        # caller's check is the authorisation
        Export = self.sudo()
        mine = Export.search(
            [
                ("user_id", "=", self.env.uid),
                ("partner_id", "=", customer.id),
                ("portal", "=", portal),
            ]
        )
        current = mine.filtered(lambda job: not job.dialog_renewable)
        if current:
            return current[:1]
        # one copy per requester and customer: a loop of requests neither
        # keeps the cron busy nor fills the filestore
        mine.unlink()
        job = Export.create(
            {"partner_id": customer.id, "user_id": self.env.uid, "portal": portal}
        )
        self.env.ref("customer_dialog.ir_cron_dialog_export").sudo()._trigger()
        return job

    # ------------------------------------------------------------------
    # The cron job: one part per call
    # ------------------------------------------------------------------

    @api.model
    def _cron_prepare(self):
        """Render the next part of the oldest file under way; the cron runs
        again at once while parts remain (Odoo's progress API), each part in
        its own transaction. Old files are removed first."""
        self._dialog_expire()
        self.env.cr.execute(
            """SELECT id FROM customer_dialog_export
                WHERE state IN ('queued', 'running')
                ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"""
        )
        row = self.env.cr.fetchone()
        if not row:
            return
        job = self.browse(row[0])
        if self._dialog_timeouts() >= EXPORT_TIMEOUTS:
            # the calls before this one were killed, on this job's next part
            # (the cron's calls are serial and always take the oldest job)
            _logger.error("Customer file export %s failed: its part timed out", job.id)
            job._dialog_fail()
        else:
            job._dialog_prepare_part()
        remaining = self.search_count([("state", "in", ("queued", "running"))])
        self.env["ir.cron"]._notify_progress(done=1, remaining=remaining)

    @api.model
    def _dialog_timeouts(self):
        """How many calls of this cron were killed in a row just before this
        one (Odoo counts them in the call's progress record, committed
        before the call starts)."""
        progress_id = self.env.context.get("ir_cron_progress_id")
        if not progress_id:
            return 0
        progress = self.env["ir.cron.progress"].sudo().browse(progress_id)
        return max(progress.timed_out_counter - 1, 0)

    def _dialog_prepare_part(self):
        """Render the next EXPORT_PART messages of this file; after the last
        one, merge the parts and tell the requester. A failure fails the
        file (and says so) instead of being retried forever."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                if self.state == "queued":
                    self._dialog_start()
                order = self._dialog_order()
                start = self.done_count
                ids = order[start : start + EXPORT_PART]
                content, kind = self._dialog_render(
                    ids, cover=None if start else self.cover
                )
                self._dialog_attach(f"part-{start:09d}.{kind}", content, kind)
                self.done_count = start + len(ids)
                if self.done_count >= len(order):
                    self._dialog_finish()
        except Exception:
            _logger.exception("Customer file export %s failed", self.id)
            self._dialog_fail()

    def _dialog_fail(self):
        self.state = "failed"
        self._dialog_parts().unlink()
        try:
            with self.env.cr.savepoint():
                self._dialog_tell()
        except Exception:
            # the file stays failed: a retry would fail it again, forever
            _logger.exception("Customer file export %s: telling failed", self.id)

    def _dialog_start(self):
        """Take the snapshot of the file: what the requester may have of it
        now, in the file's order, and its cover. The only call that reads
        the whole file; the parts read their own messages only."""
        customer = self.partner_id.with_user(self.user_id)
        left_out = None
        if self.portal:
            messages = self.user_id.partner_id._dialog_portal_messages()
        else:
            customer._dialog_check_export()
            messages, left_out = customer._dialog_file_messages()
        # in the customer's language, as the report prints the file
        customer = customer.with_context(lang=customer.lang or self.env.lang).sudo()
        order = customer._dialog_export_order(messages)
        self.write(
            {
                "state": "running",
                "message_order": ",".join(map(str, order)),
                "message_count": len(order),
                "cover": customer._dialog_export_cover(messages, left_out),
            }
        )

    def _dialog_order(self):
        return [int(i) for i in (self.message_order or "").split(",") if i]

    def _dialog_render(self, ids, cover):
        """One part of the file as the requester gets it (report values:
        their rights, and for the portal only the published messages);
        ``cover``: the file's cover if the part starts the file."""
        Report = (
            self.env["ir.actions.report"]
            .with_user(self.user_id)
            .with_context(customer_dialog_export_part=ExportPart(ids, cover))
        )
        if self.portal:
            Report = Report.sudo().with_context(customer_dialog_export=PORTAL_EXPORT)
        if Report.get_wkhtmltopdf_state() in ("ok", "upgrade"):
            content, kind = Report._render_qweb_pdf(REPORT, self.partner_id.ids)
        else:
            content, kind = Report._render_qweb_html(REPORT, self.partner_id.ids)
        return content, kind

    def _dialog_finish(self):
        """Merge the parts into the file, from files on disk: one PDF (or
        HTML document without wkhtmltopdf); without a PDF merge tool, a ZIP
        of the parts (see tools/file_merge.py)."""
        parts = self._dialog_parts().sorted("name")
        kind = "pdf" if parts[:1].name.endswith(".pdf") else "html"
        name = self.with_context(lang=self._dialog_lang()).env._(
            "Customer file %(name)s", name=self.partner_id.name
        )
        with merge_folder() as folder:
            paths = []
            for number, part in enumerate(parts):
                paths.append(os.path.join(folder, f"{number:06d}.{kind}"))
                # one part in memory at a time (raw is computed for the
                # whole prefetch set otherwise)
                part = part.with_prefetch([part.id])
                with open(paths[-1], "wb") as file:
                    file.write(part.raw)
                part.invalidate_recordset(["raw", "datas", "db_datas"])
            output = os.path.join(folder, "file")
            if kind == "html":
                merge_html_files(paths, output)
            elif len(paths) == 1:
                output = paths[0]
            elif self._dialog_timeouts() or not merge_pdf_files(paths, output):
                # no merge tool, or it failed or got the call before killed
                kind = "zip"
                zip_files(
                    [
                        (path, f"{name} - {number:02d}.pdf")
                        for number, path in enumerate(paths, 1)
                    ],
                    output,
                )
            with open(output, "rb") as file:
                content = file.read()
        self.attachment_id = self._dialog_attach(f"{name}.{kind}", content, kind)
        parts.unlink()
        self.state = "done"
        self._dialog_tell()

    def _dialog_attach(self, name, content, kind):
        # sudo: the file belongs to the job, readable by its requester only
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": content,
                    "res_model": self._name,
                    "res_id": self.id,
                    "mimetype": MIMETYPES[kind],
                }
            )
        )

    def _dialog_parts(self):
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("name", "=like", "part-%"),
                ]
            )
        )

    # ------------------------------------------------------------------
    # Telling the requester; downloads; removal
    # ------------------------------------------------------------------

    def _dialog_lang(self):
        return self.user_id.lang or self.partner_id.lang or self.env.lang

    @api.depends("partner_id")
    def _compute_display_name(self):
        # the title of the email that tells the requester (its layout's header)
        for job in self:
            job.display_name = self.env._(
                "Customer file %(name)s", name=job.partner_id.name
            )

    @api.depends("portal", "attachment_id")
    def _compute_dialog_download_url(self):
        for job in self:
            job.dialog_download_url = (
                f"/my/messages/export/{job.id}"
                if job.portal
                else f"/web/content/{job.attachment_id.id}?download=true"
            )

    @api.depends("create_date")
    def _compute_dialog_available_until(self):
        for job in self:
            job.dialog_available_until = job.create_date and job.create_date + (
                timedelta(days=EXPORT_KEEP_DAYS)
            )

    @api.depends("state", "create_date")
    def _compute_dialog_renewable(self):
        recent = fields.Datetime.now() - timedelta(hours=EXPORT_REUSE_HOURS)
        for job in self:
            job.dialog_renewable = job.state == "failed" or (
                job.state == "done" and job.create_date <= recent
            )

    @api.depends("user_id")
    @api.depends_context("lang")
    def _compute_dialog_salutation(self):
        for job in self:
            job.dialog_salutation = job.user_id.partner_id._dialog_salutation()

    def _dialog_tell(self):
        """The customer gets an email with the link to their page; the
        manager a to-do on the customer with the download link. Neither
        names a message or a count."""
        if self.portal:
            template = self.env.ref(
                "customer_dialog.mail_template_dialog_export_ready"
            ).sudo()
            template.send_mail(
                self.id, email_layout_xmlid="customer_dialog.mail_layout_company_letter"
            )
            # sent now, not with the queue's next hourly run: the page said
            # "within a few minutes"
            self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()
            return
        env = self.with_context(lang=self._dialog_lang()).env
        if self.state == "done":
            summary = env._("Customer file ready")
            note = Markup('<p>%s <a href="%s">%s</a></p>') % (
                env._("The customer file you asked for is ready:"),
                self.dialog_download_url,
                env._("Download the customer file"),
            )
        else:
            summary = env._("Customer file could not be prepared")
            note = Markup("<p>%s</p>") % env._(
                "The customer file you asked for could not be prepared. "
                "Please try again or tell your administrator."
            )
        self.partner_id.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=self.user_id.id,
            summary=summary,
            note=note,
        )

    @api.model
    def _dialog_expire(self):
        """Prepared files are kept EXPORT_KEEP_DAYS days; a file whose job
        is gone (removed in SQL, e.g. by a cascade) goes too, and so does a
        merge folder that a killed worker left behind."""
        remove_stale_folders()
        limit = fields.Datetime.now() - timedelta(days=EXPORT_KEEP_DAYS)
        self.sudo().search([("create_date", "<", limit)]).unlink()
        self.env.cr.execute(
            """SELECT a.id FROM ir_attachment a
                WHERE a.res_model = %s
                  AND NOT EXISTS (SELECT 1 FROM customer_dialog_export e
                                   WHERE e.id = a.res_id)""",
            [self._name],
        )
        orphans = [row[0] for row in self.env.cr.fetchall()]
        self.env["ir.attachment"].sudo().browse(orphans).unlink()

    def unlink(self):
        # a job's files go with it: nothing of the customer file is left
        self.env["ir.attachment"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        ).unlink()
        return super().unlink()


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.ondelete(at_uninstall=False)
    def _unlink_dialog_exports(self):
        """A deleted user's prepared files go with their jobs (the SQL
        cascade would leave the files behind, readable by the job's ACL
        alone)."""
        self.env["customer_dialog.export"].sudo().search(
            [("user_id", "in", self.ids)]
        ).unlink()


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.ondelete(at_uninstall=False)
    def _unlink_dialog_exports(self):
        """A deleted customer's prepared files go with their jobs."""
        self.env["customer_dialog.export"].sudo().search(
            [("partner_id", "in", self.ids)]
        ).unlink()
