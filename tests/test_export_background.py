"""A big customer file is prepared in the background (customer_dialog.export):
rendered in parts by the cron, merged, kept for its requester alone and
removed with an erasure or after a week; the requester is told, the worker
that took the request is never held for minutes."""

import io
import os
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import pdf

from ..models.privacy import customer_dialog_export as export_module
from ..report.customer_file import BACKGROUND_PARAM
from ..tools import file_merge
from .test_export import REPORT, ExportCase


def pdf_pages(content):
    return len(pdf.PdfFileReader(io.BytesIO(content), strict=False).pages)


class BackgroundCase(ExportCase):
    def setUp(self):
        super().setUp()
        # files of more than 2 messages in the background, 2 messages a part
        self.env["ir.config_parameter"].sudo().set_param(BACKGROUND_PARAM, "2")
        self.startPatcher(patch.object(export_module, "EXPORT_PART", 2))
        self.Export = self.env["customer_dialog.export"]
        self.manager_customer = self.customer.with_user(self.user_manager)

    def prepare(self, record=None):
        """Run the cron until nothing is left; the number of calls."""
        calls = 0
        while self.Export.search_count([("state", "in", ("queued", "running"))]):
            (record or self.Export)._cron_prepare()
            calls += 1
            self.assertLess(calls, 20, "the preparation ends")
        return calls

    def texts_in_order(self, html, texts):
        positions = [html.find(text) for text in texts]
        self.assertNotIn(-1, positions, texts)
        return positions


class TestManagerExport(BackgroundCase):
    def test_big_file_is_prepared_in_parts_and_handed_to_its_requester(self):
        whole = self.manager_customer.dialog_export_file()
        order = [m["subject"] for ref in whole["references"] for m in ref["messages"]]
        self.assertEqual(len(order), 3)
        action = self.manager_customer.action_dialog_export_file()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("3 messages", action["params"]["message"])
        job = self.Export.sudo().search([("partner_id", "=", self.customer.id)])
        self.assertEqual((job.user_id, job.state), (self.user_manager, "queued"))
        cron = self.env.ref("customer_dialog.ir_cron_dialog_export")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]),
            "the request starts the cron at once",
        )
        # asking again while it is under way starts nothing new
        self.manager_customer.action_dialog_export_file()
        self.assertEqual(self.Export.sudo().search_count([]), 1)

        self.assertEqual(self.prepare(), 2, "two parts of two messages")
        self.assertEqual(job.state, "done")
        self.assertEqual(
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", job._name), ("res_id", "=", job.id)]),
            job.attachment_id,
            "the parts are gone, the file is left",
        )
        html = job.attachment_id.raw.decode()
        self.assertEqual(html.count("o_customer_dialog_file_cover"), 1)
        self.assertEqual(html.count("o_customer_dialog_file_message "), 3)
        positions = self.texts_in_order(html, order)
        self.assertEqual(positions, sorted(positions), "the file's order")
        self.assertNotIn("Fremde Nachricht", html)
        self.assertIn("Kunde zahlt oft spät.", html, "a manager's file is complete")

        # the manager gets a to-do with the link; the file is theirs alone
        todo = self.customer.activity_ids.filtered(
            lambda a: a.user_id == self.user_manager
        )
        self.assertEqual(todo.summary, "Customer file ready")
        self.assertIn(f"/web/content/{job.attachment_id.id}?download=true", todo.note)
        self.assertNotIn("Liefertermin", todo.note + todo.summary)
        self.assertTrue(job.attachment_id.with_user(self.user_manager).raw)
        other_manager = self.user_manager.copy({"login": "zweiter.manager"})
        for user in (other_manager, self.user_employee, self.user_portal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                job.attachment_id.with_user(user).read(["name"])
            self.assertFalse(self.Export.with_user(other_manager).search([]))

    def test_asking_again_within_the_hour_offers_the_ready_file(self):
        """The second click does not promise a to-do that never comes: the
        file is ready, and the notification links to it."""
        self.manager_customer.action_dialog_export_file()
        self.prepare()
        job = self.Export.sudo().search([])
        action = self.manager_customer.action_dialog_export_file()
        params = action["params"]
        self.assertEqual(
            (params["type"], params["title"]), ("success", "The customer file is ready")
        )
        self.assertIn("%s", params["message"])
        self.assertEqual(
            params["links"][0]["url"],
            f"/web/content/{job.attachment_id.id}?download=true",
        )
        self.assertEqual(self.Export.sudo().search([]), job)

    def test_the_report_refuses_a_big_file_in_one_piece(self):
        """/report/pdf/... called directly would hold the worker."""
        with self.assertRaisesRegex(UserError, "prepared in the background"):
            self.env["ir.actions.report"].with_user(
                self.user_manager
            )._render_qweb_html(REPORT, self.customer.ids)
        self.env["ir.config_parameter"].sudo().set_param(BACKGROUND_PARAM, "3")
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.user_manager)
            ._render_qweb_html(REPORT, self.customer.ids)
        )
        self.assertIn(b"Liefertermin", html)
        action = self.manager_customer.action_dialog_export_file()
        self.assertEqual(action["type"], "ir.actions.report", "a small file at once")

    def test_a_failure_is_told_not_retried_forever(self):
        self.manager_customer.action_dialog_export_file()
        job = self.Export.sudo().search([])
        with (
            patch.object(
                type(self.Export), "_dialog_render", side_effect=OSError("disk full")
            ),
            self.assertLogs(export_module.__name__, "ERROR"),
        ):
            self.assertEqual(self.prepare(), 1)
        self.assertEqual(job.state, "failed")
        self.assertFalse(
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", job._name), ("res_id", "=", job.id)])
        )
        todo = self.customer.activity_ids.filtered(
            lambda a: a.user_id == self.user_manager
        )
        self.assertEqual(todo.summary, "Customer file could not be prepared")
        # asked again, it is prepared
        self.manager_customer.action_dialog_export_file()
        self.prepare()
        self.assertEqual(self.Export.sudo().search([], limit=1).state, "done")

    def test_erasure_and_time_remove_prepared_files(self):
        self.manager_customer.action_dialog_export_file()
        self.prepare()
        job = self.Export.sudo().search([])
        attachment = job.attachment_id
        self.customer.with_user(self.user_manager)._dialog_erase_file()
        self.assertFalse(job.exists())
        self.assertFalse(attachment.exists())

        self.manager_customer.action_dialog_export_file()
        self.prepare()
        job = self.Export.sudo().search([])
        attachment = job.attachment_id
        self.env.cr.execute(
            "UPDATE customer_dialog_export SET create_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(days=6), job.id],
        )
        self.Export._cron_prepare()
        self.assertTrue(attachment.exists(), "kept for a week")
        self.env.cr.execute(
            "UPDATE customer_dialog_export SET create_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(days=8), job.id],
        )
        self.Export.invalidate_model()
        self.Export._cron_prepare()
        self.assertFalse(job.exists())
        self.assertFalse(attachment.exists())

    def test_nothing_outlives_its_job(self):
        """A deleted requester takes their files along; a file whose job
        went in SQL is removed by the next cron run."""
        other = self.user_manager.copy({"login": "zweiter.manager"})
        self.assertTrue(
            other.has_group("customer_dialog.group_customer_dialog_manager")
        )
        self.manager_customer.action_dialog_export_file()
        self.prepare()
        job = self.Export.sudo().search([])
        attachment = job.attachment_id
        self.user_manager.sudo().unlink()
        self.assertFalse(job.exists())
        self.assertFalse(attachment.exists())

        self.customer.with_user(other).action_dialog_export_file()
        self.prepare()
        job = self.Export.sudo().search([])
        attachment = job.attachment_id
        self.env.cr.execute(
            "DELETE FROM customer_dialog_export WHERE id = %s", [job.id]
        )
        self.Export.invalidate_model()
        self.Export._cron_prepare()
        self.assertFalse(attachment.exists())

    def test_asking_again_reuses_the_fresh_file(self):
        """A loop of requests neither keeps the cron busy nor stores a copy
        per request: within an hour the same file, later one new copy."""
        self.manager_customer.action_dialog_export_file()
        self.prepare()
        job = self.Export.sudo().search([])
        self.manager_customer.action_dialog_export_file()
        self.assertEqual(self.Export.sudo().search([]), job)
        self.assertEqual(self.prepare(), 0)
        self.env.cr.execute(
            "UPDATE customer_dialog_export SET create_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(hours=2), job.id],
        )
        self.Export.invalidate_model()
        old_file = job.attachment_id
        self.manager_customer.action_dialog_export_file()
        new = self.Export.sudo().search([])
        self.assertEqual(len(new), 1)
        self.assertNotEqual(new, job)
        self.assertFalse(old_file.exists(), "one copy per requester and customer")

    def test_several_customers_count_together(self):
        """/report/pdf/...,<ids> with many customers below the limit each:
        refused as one big file."""
        self.env["ir.config_parameter"].sudo().set_param(BACKGROUND_PARAM, "3")
        with self.mock_mail_gateway():
            self.post(self.other_customer, "Noch eine Notiz")
        Report = self.env["ir.actions.report"].with_user(self.user_manager)
        Report._render_qweb_html(REPORT, self.customer.ids)
        with self.assertRaisesRegex(UserError, "prepared in the background"):
            Report._render_qweb_html(REPORT, (self.customer | self.other_customer).ids)

    def rendered_as_pdf(self):
        """The job of the manager's request, rendered as PDF (tests render
        HTML unless forced), with the number of pages of each part."""
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() not in (
            "ok",
            "upgrade",
        ):
            self.skipTest("wkhtmltopdf is not installed")
        self.manager_customer.action_dialog_export_file()
        job = self.Export.sudo().search([]).with_context(force_report_rendering=True)
        pages = []
        attach = type(self.Export)._dialog_attach

        def counting_attach(job, name, content, kind):
            if name.startswith("part-"):
                pages.append(pdf_pages(content))
            return attach(job, name, content, kind)

        with patch.object(type(self.Export), "_dialog_attach", counting_attach):
            while job.state != "done":
                job._dialog_prepare_part()
        return job, pages

    def test_parts_are_merged_into_one_pdf(self):
        """Merged from files on disk by pdfunite or qpdf: the parts' pages,
        in order, in one PDF."""
        if not (shutil.which("pdfunite") or shutil.which("qpdf")):
            self.skipTest("neither pdfunite (poppler-utils) nor qpdf is installed")
        whole = self.manager_customer.dialog_export_file()
        order = [m["subject"] for ref in whole["references"] for m in ref["messages"]]
        job, pages = self.rendered_as_pdf()
        self.assertEqual(len(pages), 2)
        content = job.attachment_id.raw
        self.assertTrue(content.startswith(b"%PDF"))
        self.assertEqual(pdf_pages(content), sum(pages))
        self.assertGreaterEqual(sum(pages), 3, "cover and two parts")
        self.assertEqual(job.attachment_id.mimetype, "application/pdf")
        self.assertTrue(job.attachment_id.name.endswith(".pdf"))
        if shutil.which("pdftotext"):
            text = subprocess.run(
                ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
            ).stdout.decode()
            positions = self.texts_in_order(text, ["Customer file", *order])
            self.assertEqual(positions, sorted(positions))

    def test_without_a_merge_tool_the_parts_come_as_one_zip(self):
        """No PDF of thousands of pages is merged in Python (PyPDF2 took
        minutes and hundreds of MB): the volumes, in order, in one ZIP."""
        with patch.object(file_merge.shutil, "which", return_value=None):
            job, pages = self.rendered_as_pdf()
        self.assertEqual(job.attachment_id.mimetype, "application/zip")
        self.assertTrue(job.attachment_id.name.endswith(".zip"))
        with zipfile.ZipFile(io.BytesIO(job.attachment_id.raw)) as archive:
            names = archive.namelist()
            volumes = [pdf_pages(archive.read(name)) for name in names]
        self.assertEqual(
            names, [f"Customer file {self.customer.name} - {n:02d}.pdf" for n in (1, 2)]
        )
        self.assertEqual(volumes, pages)

    def test_a_failing_merge_tool_gives_the_zip(self):
        """A merge tool that fails (or times out) does not fail the file
        after all its parts were rendered: the volumes come as a ZIP, and
        the tool's message is logged. A customer's name with a folder in
        it names no folder in the archive."""
        self.customer.name = "Kunde/../../etc\\x"
        failure = subprocess.CalledProcessError(1, "pdfunite", stderr=b"Syntax Error")
        with (
            patch.object(file_merge.shutil, "which", return_value="/usr/bin/pdfunite"),
            patch.object(file_merge.subprocess, "run", side_effect=failure),
            self.assertLogs(file_merge.__name__, "WARNING") as logs,
        ):
            job, pages = self.rendered_as_pdf()
        self.assertIn("Syntax Error", logs.output[0])
        self.assertEqual(
            (job.state, job.attachment_id.mimetype), ("done", "application/zip")
        )
        with zipfile.ZipFile(io.BytesIO(job.attachment_id.raw)) as archive:
            names = archive.namelist()
            self.assertEqual([pdf_pages(archive.read(n)) for n in names], pages)
        self.assertEqual(
            names, [f"Customer file Kunde_.._.._etc_x - {n:02d}.pdf" for n in (1, 2)]
        )

    def test_many_parts_are_merged_in_rounds(self):
        """A merge tool keeps every file it merges open: many parts are
        merged MERGE_FILES at a time, then the merged ones."""
        if not (shutil.which("pdfunite") or shutil.which("qpdf")):
            self.skipTest("neither pdfunite (poppler-utils) nor qpdf is installed")
        with self.mock_mail_gateway():
            for day in (1, 2, 3):
                self.post(self.customer, f"Anruf am {day}. Mai")
        runs = []
        run = file_merge._run_merge

        def counting_run(tool, paths, output):
            runs.append(len(paths))
            return run(tool, paths, output)

        with (
            patch.object(file_merge, "MERGE_FILES", 2),
            patch.object(file_merge, "_run_merge", counting_run),
        ):
            job, pages = self.rendered_as_pdf()
        self.assertEqual(len(pages), 3)
        self.assertEqual(runs, [2, 1, 2], "two rounds of at most two files")
        self.assertEqual(job.attachment_id.mimetype, "application/pdf")
        self.assertEqual(pdf_pages(job.attachment_id.raw), sum(pages))

    def test_a_killed_merge_leaves_no_copy_behind(self):
        """A worker killed during a merge leaves its folder (a copy of the
        customer file) in the temporary folder: the cron removes it once it
        is stale; a merge under way is left alone."""
        stale = tempfile.mkdtemp(prefix=file_merge.FOLDER_PREFIX)
        fresh = tempfile.mkdtemp(prefix=file_merge.FOLDER_PREFIX)
        self.addCleanup(shutil.rmtree, fresh, True)
        self.addCleanup(shutil.rmtree, stale, True)
        with open(os.path.join(stale, "000000.pdf"), "wb") as file:
            file.write(b"%PDF-1.4 Kundenakte")
        old = time.time() - (file_merge.STALE_HOURS + 1) * 3600
        os.utime(stale, (old, old))
        self.Export._cron_prepare()
        self.assertFalse(os.path.exists(stale))
        self.assertTrue(os.path.exists(fresh))

    def test_a_part_killed_twice_fails_its_file(self):
        """A part that takes the worker past the cron's time or memory limit
        would be killed again on each retry: Odoo counts the killed calls
        (ir.cron.progress), and the second in a row fails the file and
        tells its requester; the next file is prepared."""
        with self.mock_mail_gateway():
            for day in (1, 2, 3):
                self.post(self.customer, f"Anruf am {day}. Mai")
        self.manager_customer.action_dialog_export_file()
        job = self.Export.sudo().search([])
        other_manager = self.user_manager.copy({"login": "zweiter.manager"})
        self.customer.with_user(other_manager).action_dialog_export_file()
        cron = self.env.ref("customer_dialog.ir_cron_dialog_export").sudo()

        def call_after(timeouts):
            # the progress record Odoo commits before each call: the count
            # of the calls killed just before, plus this one
            _cron, progress = cron._add_progress(timed_out_counter=timeouts)
            self.Export.with_context(ir_cron_progress_id=progress.id)._cron_prepare()

        call_after(0)
        call_after(1)
        self.assertEqual((job.state, job.done_count), ("running", 4), "retried")
        with self.assertLogs(export_module.__name__, "ERROR"):
            call_after(export_module.EXPORT_TIMEOUTS)
        self.assertEqual(job.state, "failed")
        self.assertFalse(job._dialog_parts())
        todo = self.customer.activity_ids.filtered(
            lambda a: a.user_id == self.user_manager
        )
        self.assertEqual(todo.summary, "Customer file could not be prepared")
        self.prepare()
        other = self.Export.sudo().search([("user_id", "=", other_manager.id)])
        self.assertEqual(other.state, "done", "the next file is prepared")


@tagged("post_install", "-at_install")
class TestPortalExport(HttpCase, BackgroundCase):
    def setUp(self):
        super().setUp()
        with self.mock_mail_gateway():
            for day in (1, 2):
                self.post(
                    self.customer,
                    f"Ihr Termin am {day}. März",
                    visibility="customer",
                    subject=f"Termin {day}",
                    contact_id=self.contact.id,
                )

    def test_the_customer_asks_for_the_file_and_gets_a_link(self):
        self.user_portal.partner_id.title = self.env.ref(
            "base.res_partner_title_mister"
        )
        self.authenticate("karl.portal", "karl.portal")
        page = self.url_open("/my/messages/export")
        self.assertEqual(page.status_code, 200)
        self.assertIn(
            "Messages in your customer file, replies included: <strong>3</strong>",
            page.text,
        )
        self.assertIn("Prepare my customer file", page.text)
        self.assertFalse(self.Export.sudo().search([]), "a page view stores nothing")
        refused = self.url_open("/my/messages/export/prepare", data={"x": "1"})
        self.assertEqual(refused.status_code, 400, "no CSRF token, no job")
        self.assertFalse(self.Export.sudo().search([]))
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        asked = self.url_open("/my/messages/export/prepare", data={"csrf_token": token})
        self.assertEqual(asked.status_code, 200)
        self.assertIn("is being prepared", asked.text)
        job = self.Export.sudo().search([])
        self.assertEqual((job.user_id, job.portal), (self.user_portal, True))

        mail_queue = self.env.ref("mail.ir_cron_mail_scheduler_action")
        Trigger = self.env["ir.cron.trigger"].sudo()
        Trigger.search([("cron_id", "=", mail_queue.id)]).unlink()
        with self.mock_mail_gateway():
            self.prepare()
            self.assertTrue(
                Trigger.search([("cron_id", "=", mail_queue.id)]),
                "the email goes now, not with the queue's next hourly run",
            )
            self.env["mail.mail"].sudo().process_email_queue()
        (mail,) = [
            m
            for m in self._mails
            if any(self.user_portal.email in to for to in m["email_to"])
        ]
        self.assertEqual(mail["subject"], "Your customer file is ready")
        self.assertIn(f"/my/messages/export/{job.id}", mail["body"])
        self.assertNotIn("Termin", mail["body"], "no content by email")

        download = self.url_open(f"/my/messages/export/{job.id}")
        self.assertEqual(download.status_code, 200)
        self.assertIn("attachment", download.headers["Content-Disposition"])
        text = download.text
        for subject in ("Liefertermin", "Termin 1", "Termin 2"):
            self.assertIn(subject, text)
        for hidden in ("Interne Zahlungsnotiz", "Zurückgezogen", "Fremde Nachricht"):
            self.assertNotIn(hidden, text)
        # the page offers the file, and no second copy within the hour
        ready = self.url_open("/my/messages/export").text
        self.assertIn(f'href="/my/messages/export/{job.id}"', ready)
        self.assertIn("Download my customer file", ready)
        self.assertNotIn("/my/messages/export/prepare", ready)
        self.assertIn("it can be downloaded", ready)
        self.assertIn("replies included", ready)
        self.assertIn("Dear Mr Kontakt,", mail["body"], "greeted as in a letter")

        # another customer, a made-up id, a huge one: not found
        for url in (
            f"/my/messages/export/{job.id + 1}",
            "/my/messages/export/" + "9" * 30,
        ):
            self.assertEqual(self.url_open(url).status_code, 404, url)
        # a contact moved to another company no longer gets the former's file
        self.contact.sudo().parent_id = self.other_customer
        self.assertEqual(
            self.url_open(f"/my/messages/export/{job.id}").status_code, 404
        )
        self.contact.sudo().parent_id = self.customer
        self.authenticate("olga.portal", "olga.portal")
        self.assertEqual(
            self.url_open(f"/my/messages/export/{job.id}").status_code, 404
        )
        self.authenticate(None, None)
        response = self.url_open(f"/my/messages/export/{job.id}", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
