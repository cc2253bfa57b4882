"""Data protection holds everywhere: every test here is an attacker's, a
careless colleague's or a failing mechanism's call that once broke a promise
of the README (files, companies, the mail gateway, headers, fields)."""

import base64
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import DialogCase, needs_sale

SECRET = "Rückenleiden laut Telefonat"
FEEDBACK = "Kunde hat Diagnose Bandscheibe bestätigt"
FILE = b"%PDF-1.4 Befund geteilt"

EMAIL = """Return-Path: <{email_from}>
To: {to}
From: {email_from}
Subject: {subject}
MIME-Version: 1.0
Message-ID: {msg_id}
{reply_headers}Content-Type: multipart/mixed; boundary="XYZ"

--XYZ
Content-Type: text/plain; charset="utf-8"

{text}
--XYZ
Content-Type: application/pdf; name="befund.pdf"
Content-Disposition: attachment; filename="befund.pdf"
Content-Transfer-Encoding: base64

{attachment}
--XYZ--
"""


class EverywhereCase(DialogCase):
    def email(self, email_from, text, msg_id, parent=None, subject="Frage"):
        reply_headers = (
            f"In-Reply-To: {parent}\nReferences: {parent}\n" if parent else ""
        )
        return EMAIL.format(
            email_from=email_from,
            # (not the catchall alone: Odoo bounces what only writes to it)
            to="service@kundenfirma-partner.example.com",
            subject=subject,
            msg_id=msg_id,
            reply_headers=reply_headers,
            text=text,
            attachment=base64.b64encode(FILE).decode(),
        )

    def received(self, msg_id):
        return self.env["mail.message"].sudo().search([("message_id", "=", msg_id)])


# ----------------------------------------------------------------------
# 1. Erasure and retention see everything they touch
# ----------------------------------------------------------------------


class TestErasureAndRetentionSeeEverything(EverywhereCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.topic_delete = cls.env["customer_dialog.topic"].create(
            {
                "name": "Löschen nach 30 Tagen",
                "retention_days": 30,
                "retention_action": "delete",
            }
        )

    def shared_file(self):
        """A file of a message of ``customer`` that a colleague attached to a
        message of ``other_customer`` too."""
        upload = self.upload("befund.pdf", FILE)
        with self.mock_mail_gateway():
            own = self.post(
                self.customer,
                SECRET,
                attachment_ids=upload.ids,
                topic_id=self.topic_delete.id,
                date=fields.Datetime.to_string(
                    fields.Datetime.now() - timedelta(days=40)
                ),
            )
            other = self.post(
                self.other_customer, "Gleicher Befund", attachment_ids=upload.ids
            )
        self.assertEqual(upload.res_model, "mail.message")
        self.assertEqual(upload.res_id, own.id)
        return upload, own, other

    def test_done_follow_up_feedback_is_erased(self):
        """The feedback an employee types when marking a follow-up done is
        linked to its message and goes with the erasure."""
        with self.mock_mail_gateway():
            message = self.post(
                self.customer, SECRET, follow_up_date=fields.Date.today()
            )
        message.dialog_activity_id.with_user(self.user_employee).action_feedback(
            feedback=FEEDBACK
        )
        log = self.env["mail.message"].search([("dialog_log_for_id", "=", message.id)])
        self.assertEqual(len(log), 1)
        self.assertIn(FEEDBACK, log.body)
        self.customer.with_user(self.user_manager)._dialog_erase_file()
        self.assertFalse(
            self.env["mail.message"].search([("body", "ilike", "Bandscheibe")])
        )

    def test_erasure_leaves_another_customers_held_file(self):
        upload, own, other = self.shared_file()
        self.other_customer.sudo().dialog_legal_hold = True
        self.customer.with_user(self.user_manager)._dialog_erase_file()
        self.assertTrue(upload.exists(), "the other customer still shows it")
        self.assertEqual(other.attachment_ids, upload)
        self.assertFalse(own.attachment_ids)
        self.assertEqual((upload.res_model, upload.res_id), ("mail.message", other.id))
        self.assertEqual(upload.raw, FILE)

    def test_erasure_confirmation_counts_no_shared_file(self):
        upload, _own, _other = self.shared_file()
        wizard = (
            self.env["customer_dialog.erase.wizard"]
            .with_user(self.user_manager)
            .create({"partner_id": self.customer.id})
        )
        self.assertEqual(wizard.attachment_count, 0)
        self.assertTrue(upload.exists())

    def test_retention_leaves_a_shared_file(self):
        upload, own, other = self.shared_file()
        self.env["customer_dialog.topic"]._cron_apply_retention()
        self.assertFalse(own.exists())
        self.assertTrue(upload.exists())
        self.assertEqual(other.attachment_ids, upload)
        self.assertEqual(upload.res_id, other.id)

    def test_deleting_a_message_leaves_a_shared_file(self):
        upload, own, other = self.shared_file()
        own.with_user(self.user_employee).unlink()
        self.assertTrue(upload.exists())
        self.assertEqual(other.attachment_ids, upload)

    def test_legal_hold_protects_files_from_their_author(self):
        upload = self.upload("befund.pdf", FILE)
        with self.mock_mail_gateway():
            note = self.post(self.customer, SECRET, attachment_ids=upload.ids)
        self.customer.sudo().dialog_legal_hold = True
        author = self.user_employee
        attempts = {
            "unlink the file": lambda: upload.with_user(author).unlink(),
            "unlink the file as the system": lambda: upload.sudo().unlink(),
            "clear the files": lambda: note.with_user(author).write(
                {"attachment_ids": [(5,)]}
            ),
            "replace the content": lambda: upload.with_user(author).write(
                {"raw": b"leer"}
            ),
            "rewrite the text": lambda: note.with_user(author).write(
                {"body": "<p>nichts</p>"}
            ),
        }
        for name, attempt in attempts.items():
            with self.subTest(name), self.assertRaisesRegex(UserError, "legal hold"):
                attempt()
        self.assertEqual(note.attachment_ids, upload)
        self.assertEqual(upload.raw, FILE)
        self.customer.sudo().dialog_legal_hold = False
        upload.with_user(author).unlink()
        self.assertFalse(upload.exists())

    def test_legal_hold_protects_files_of_delivery_emails(self):
        upload = self.upload("vertrag.pdf", FILE)
        with self.mock_mail_gateway():
            delivered = self.post(
                self.customer_no_portal,
                "Ihr Vertrag",
                visibility="customer",
                attachment_ids=upload.ids,
            )
        self.customer_no_portal.sudo().dialog_legal_hold = True
        self.assertEqual(delivered.dialog_delivery_message_id.attachment_ids, upload)
        with self.assertRaisesRegex(UserError, "legal hold"):
            upload.sudo().unlink()

    def test_legal_hold_holds_for_odoos_chatter_edit(self):
        """Odoo's /mail/message/update_content edits (and, with an empty
        body, deletes) a message in sudo once it checked the author."""
        with self.mock_mail_gateway():
            note = self.post(self.customer, SECRET)
        self.customer.sudo().dialog_legal_hold = True
        for body in ("<p>nichts</p>", ""):
            with self.subTest(body=body), self.assertRaisesRegex(UserError, "hold"):
                self.customer.with_user(self.user_employee)._message_update_content(
                    note.sudo(), body=body, attachment_ids=[]
                )
        self.assertIn(SECRET, note.body)

    def test_log_lines_and_delivery_emails_are_part_of_the_held_file(self):
        upload = self.upload("feedback.pdf", FILE)
        with self.mock_mail_gateway():
            message = self.post(
                self.customer_no_portal,
                SECRET,
                visibility="customer",
                follow_up_date=fields.Date.today(),
            )
        message.dialog_activity_id.with_user(self.user_employee).action_feedback(
            feedback=FEEDBACK, attachment_ids=upload.ids
        )
        log = self.env["mail.message"].search([("dialog_log_for_id", "=", message.id)])
        self.customer_no_portal.sudo().dialog_legal_hold = True
        copy = message.dialog_delivery_message_id
        for name, attempt in {
            "delete the log line": lambda: log.sudo().unlink(),
            "delete its file": lambda: log.attachment_ids.sudo().unlink(),
            "rewrite the delivery email": lambda: copy.sudo().write({"body": "x"}),
        }.items():
            with self.subTest(name), self.assertRaisesRegex(UserError, "hold"):
                attempt()
        self.assertIn(FEEDBACK, log.body)

    def test_nobody_changes_a_delivery_email(self):
        with self.mock_mail_gateway():
            message = self.post(
                self.customer_no_portal, "Ihr Vertrag", visibility="customer"
            )
        copy = message.dialog_delivery_message_id.with_user(self.user_employee)
        for values in ({"body": "<p>anders</p>"}, {"attachment_ids": [(5,)]}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                copy.write(values)

    def test_deleting_a_message_takes_its_log_lines(self):
        with self.mock_mail_gateway():
            message = self.post(
                self.customer, SECRET, follow_up_date=fields.Date.today()
            )
        message.dialog_activity_id.action_feedback(feedback=FEEDBACK)
        log = self.env["mail.message"].search([("dialog_log_for_id", "=", message.id)])
        self.assertTrue(log)
        message.with_user(self.user_employee).unlink()
        self.assertFalse(log.exists())

    def test_forged_dialog_defaults_are_refused(self):
        """Odoo fills a create's missing fields from default_* context keys:
        an employee must not plant a log line, a customer or a delivery."""
        with self.mock_mail_gateway():
            message = self.post(self.customer, SECRET)
        Message = self.env["mail.message"].with_user(self.user_employee)
        for key, value in (
            ("default_dialog_log_for_id", message.id),
            ("default_dialog_partner_id", self.customer.id),
            ("default_dialog_delivery_message_id", message.id),
        ):
            with self.subTest(key), self.assertRaises(UserError):
                Message.with_context(**{key: value}).create(
                    {"body": "x", "message_type": "comment"}
                )

    def test_erasure_leaves_a_documents_own_file(self):
        """A file of the document that a message carries is the document's:
        the erasure removes the link, the document keeps the file."""
        contract = self.env["ir.attachment"].create(
            {
                "name": "vertrag.pdf",
                "raw": FILE,
                "res_model": "res.partner",
                "res_id": self.customer.id,
            }
        )
        with self.mock_mail_gateway():
            message = self.post(self.customer, SECRET, attachment_ids=contract.ids)
        self.customer.with_user(self.user_manager)._dialog_erase_file()
        self.assertTrue(contract.exists())
        self.assertFalse(message.attachment_ids)

    def test_moving_a_held_file_between_storages_passes(self):
        upload = self.upload("befund.pdf", FILE)
        with self.mock_mail_gateway():
            self.post(self.customer, SECRET, attachment_ids=upload.ids)
        self.customer.sudo().dialog_legal_hold = True
        upload.sudo().write({"raw": FILE, "mimetype": upload.mimetype})
        with self.assertRaisesRegex(UserError, "legal hold"):
            upload.sudo().write({"raw": b"anders"})

    def test_author_cannot_bring_a_delivered_messages_deletion_forward(self):
        with self.mock_mail_gateway():
            delivered = self.post(
                self.customer_no_portal, "Ihr Vertrag", visibility="customer"
            )
        long_ago = fields.Datetime.to_string(
            fields.Datetime.now() - timedelta(days=400)
        )
        for values in (
            {"dialog_topic_id": self.topic_delete.id, "date": long_ago},
            {"dialog_topic_id": self.topic_delete.id},
        ):
            with self.subTest(values=values), self.assertRaises(UserError):
                delivered.with_user(self.user_employee).write(values)
        self.env["customer_dialog.topic"]._cron_apply_retention()
        self.assertTrue(delivered.exists())
        # a topic that only archives stays the author's choice
        delivered.with_user(self.user_employee).write(
            {"dialog_topic_id": self.topic_general.id}
        )
        # a manager, who may delete it anyway, may
        delivered.with_user(self.user_manager).write(
            {"dialog_topic_id": self.topic_delete.id, "date": long_ago}
        )
        self.env["customer_dialog.topic"]._cron_apply_retention()
        self.assertFalse(delivered.exists())


# ----------------------------------------------------------------------
# 2. Managers act within their companies
# ----------------------------------------------------------------------


@needs_sale
class TestManagersWithinTheirCompanies(EverywhereCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.env["res.company"].create({"name": "Tochter GmbH"})
        cls.user_manager.groups_id += cls.env.ref(
            "sales_team.group_sale_salesman_all_leads"
        )
        cls.order_2 = (
            cls.env["sale.order"]
            .with_company(cls.company_2)
            .create({"partner_id": cls.contact.id, "company_id": cls.company_2.id})
        )

    def setUp(self):
        super().setUp()
        with self.mock_mail_gateway():
            self.ours = self.post(self.customer, "Unsere Notiz")
            self.theirs = self.post(
                self.order_2, SECRET, user=self.env.ref("base.user_root")
            )

    def test_export_covers_what_the_manager_may_read(self):
        data = self.customer.with_user(self.user_manager).dialog_export_file()
        ids = {
            message["id"]
            for reference in data["references"]
            for message in reference["messages"]
        }
        self.assertIn(self.ours.id, ids)
        self.assertNotIn(self.theirs.id, ids)
        self.assertNotIn(SECRET, str(data))
        self.assertEqual(data["left_out"]["count"], 1)
        self.assertIn("Tochter GmbH", data["left_out"]["reason"])

    def test_report_cover_says_what_was_left_out(self):
        html, _type = (
            self.env["ir.actions.report"]
            .with_user(self.user_manager)
            ._render_qweb_html(
                "customer_dialog.action_report_customer_file", self.customer.ids
            )
        )
        html = html.decode()
        self.assertNotIn(SECRET, html)
        self.assertIn("o_customer_dialog_file_left_out", html)
        self.assertIn("Tochter GmbH", html)

    def test_background_file_cover_says_what_was_left_out(self):
        """The cover of a file prepared in parts is taken once, at the
        start, as the whole file's: the same counts and sentence."""
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_dialog.export_background_from", "1"
        )
        with self.mock_mail_gateway():
            self.post(self.customer, "Zweite Notiz")
        self.customer.with_user(self.user_manager).action_dialog_export_file()
        Export = self.env["customer_dialog.export"]
        while Export.search_count([("state", "in", ("queued", "running"))]):
            Export._cron_prepare()
        job = Export.sudo().search([("partner_id", "=", self.customer.id)])
        self.assertEqual(job.state, "done")
        self.assertEqual(job.cover["left_out"]["count"], 1)
        html = job.attachment_id.raw.decode()
        self.assertNotIn(SECRET, html)
        self.assertIn("o_customer_dialog_file_left_out", html)
        self.assertIn("Tochter GmbH", html)

    def test_erasure_leaves_the_other_companys_part(self):
        wizard = (
            self.env["customer_dialog.erase.wizard"]
            .with_user(self.user_manager)
            .create({"partner_id": self.customer.id})
        )
        self.assertEqual(wizard.left_out_count, 1)
        self.assertIn("Tochter GmbH", wizard.left_out_reason)
        counts = self.customer.with_user(self.user_manager)._dialog_erase_file()
        self.assertEqual(counts["left_out"], 1)
        self.assertIn(SECRET, self.theirs.body)
        self.assertNotIn("Unsere Notiz", self.ours.body)

    def test_a_manager_of_both_companies_gets_everything(self):
        self.user_manager.company_ids |= self.company_2
        data = self.customer.with_user(self.user_manager).dialog_export_file()
        self.assertEqual(data["left_out"]["count"], 0)
        self.assertIn(SECRET, str(data))


# ----------------------------------------------------------------------
# 3. The mail gateway is not a way around the rules
# ----------------------------------------------------------------------


@tagged("post_install", "-at_install")
class TestGatewayOverRpc(HttpCase, EverywhereCase):
    def rpc(self, login, model, method, *args, **kwargs):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, login, login, {})
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, uid, login, model, method, list(args), kwargs
        )

    @needs_sale
    def test_employee_cannot_file_an_email_in_the_customers_name(self):
        raw = self.email(
            self.contact.email_formatted, "Ich kündige.", "<forged-1@example.com>"
        )
        with self.mock_mail_gateway():
            self.rpc(
                "employee",
                "mail.thread",
                "message_process",
                "sale.order",
                raw,
                thread_id=self.order.id,
            )
        forged = self.received("<forged-1@example.com>")
        self.assertTrue(forged, "Odoo's own chatter email stays Odoo's")
        self.assertFalse(forged.dialog_visibility)
        self.assertFalse(
            self.env["mail.message"]
            .with_user(self.user_portal)
            .search(self.env["mail.message"]._dialog_portal_domain(self.contact))
        )

    def test_mailgate_user_files_the_answer_into_its_conversation(self):
        """odoo-mailgate logs in as a user of the gateway group: the answer
        to a delivery joins its conversation with exactly one to-do."""
        self.env["res.users"].create(
            {
                "name": "Mailgate",
                "login": "mailgate",
                "password": "mailgate",
                "groups_id": [
                    (4, self.env.ref("base.group_user").id),
                    (
                        4,
                        self.env.ref(
                            "customer_dialog.group_customer_dialog_mail_gateway"
                        ).id,
                    ),
                ],
            }
        )
        with self.mock_mail_gateway():
            sent = self.post(
                self.customer_no_portal,
                "Ihre Anfrage",
                visibility="customer",
                user_id=self.user_manager.id,
            )
        raw = self.email(
            self.customer_no_portal.email_formatted,
            "Danke, passt.",
            "<answer-1@ohneportal.example.com>",
            parent=sent.dialog_delivery_message_id.message_id,
        )
        with self.mock_mail_gateway():
            self.rpc("mailgate", "mail.thread", "message_process", False, raw)
        answer = self.received("<answer-1@ohneportal.example.com>")
        self.assertEqual(answer.dialog_visibility, "customer")
        self.assertEqual(answer.dialog_reply_to_id, sent)
        todos = self.env["mail.activity"].search(
            [("dialog_message_id", "=", answer.id)]
        )
        self.assertEqual(len(todos), 1)
        self.assertEqual(todos.user_id, self.user_manager)


class TestGateway(EverywhereCase):
    def process(self, raw, model="sale.order", thread_id=None):
        self.env["mail.thread"].sudo().message_process(model, raw, thread_id=thread_id)

    @needs_sale
    def test_filed_email_reaches_no_other_customer(self):
        employee = self._employee("eva.follower", "Eva", "eva@test.example.com")
        self.order.sudo().message_subscribe(
            partner_ids=(self.other_contact | employee.partner_id).ids,
            subtype_ids=self.env["mail.message.subtype"].search([]).ids,
        )
        raw = self.email(self.contact.email_formatted, SECRET, "<in-1@example.com>")
        with self.mock_mail_gateway():
            self.process(raw, thread_id=self.order.id)
        received = self.received("<in-1@example.com>")
        self.assertEqual(received.dialog_partner_id, self.customer)
        self.assertFalse(self.sent_emails_to(self.other_contact.email))
        notified = received.notification_ids.res_partner_id
        self.assertIn(employee.partner_id, notified, "employees are still told")
        self.assertFalse(notified.filtered("partner_share"))

    @needs_sale
    def test_files_of_a_filed_email_are_the_messages(self):
        raw = self.email(self.contact.email_formatted, SECRET, "<in-2@example.com>")
        with self.mock_mail_gateway():
            self.process(raw, thread_id=self.order.id)
        received = self.received("<in-2@example.com>")
        files = received.attachment_ids
        self.assertTrue(files)
        self.assertEqual(set(files.mapped("res_model")), {"mail.message"})
        self.assertEqual(set(files.mapped("res_id")), {received.id})
        # once it is made internal, a token handed out earlier opens nothing
        token = files[0].generate_access_token()[0]
        received.with_user(self.user_manager).write({"dialog_visibility": "internal"})
        public = self.env.ref("base.public_user")
        with self.assertRaises(AccessError):
            files[0].with_user(public).validate_access(token)
        with self.assertRaises(AccessError):
            files[0].with_user(self.user_portal).validate_access(token)


# ----------------------------------------------------------------------
# 4. Headers and fields say nothing they shouldn't
# ----------------------------------------------------------------------


class TestHeadersAndFields(EverywhereCase):
    def header_values(self, mail):
        values = [mail["email_from"], mail["subject"], mail.get("reply_to")]
        values += list(mail["email_to"]) + list(mail.get("email_cc") or [])
        values += [f"{k}: {v}" for k, v in (mail.get("headers") or {}).items()]
        return [value for value in values if value]

    def test_no_header_injection_through_names(self):
        contact = self.env["res.partner"].create(
            {
                "name": "Karl\r\nBcc: x@y.example\r\nX-Injected: 1",
                "parent_id": self.customer_no_portal.id,
                "email": "karl@ohneportal.example.com",
            }
        )
        author = self._employee(
            "eve.injector", "Eve\nX-Author: 1", "eve@test.example.com"
        )
        author.groups_id |= self.env.ref("customer_dialog.group_customer_dialog_user")
        with self.mock_mail_gateway():
            self.post(
                self.customer_no_portal,
                "Ihr Vertrag",
                visibility="customer",
                contact_id=contact.id,
                user=author,
            )
        mails = self.sent_emails_to("karl@ohneportal.example.com")
        self.assertEqual(len(mails), 1)
        for value in self.header_values(mails[0]):
            self.assertNotIn("\r", value)
            self.assertNotIn("\n", value)
        message = self.build_email_message(mails[0])
        self.assertNotIn("X-Injected", message)
        self.assertNotIn("X-Author", message)
        self.assertIsNone(message["Bcc"])

    def build_email_message(self, mail):
        built = self.env["ir.mail_server"].build_email(
            mail["email_from"],
            mail["email_to"],
            mail["subject"],
            mail["body"],
            reply_to=mail.get("reply_to"),
            headers=mail.get("headers"),
            message_id=mail.get("message_id"),
        )
        return built

    @needs_sale
    def test_a_notice_names_no_document(self):
        with self.mock_mail_gateway():
            notice = self.post(
                self.order,
                "Neuigkeiten",
                visibility="customer",
                contact_id=self.contact.id,
                send_content=False,
            )
        self.assertEqual(notice.dialog_delivery, "notice")
        (mail,) = self.sent_emails_to(self.contact.email)
        headers = mail.get("headers") or {}
        self.assertNotIn("X-Odoo-Objects", headers)
        self.assertNotIn("sale.order", mail.get("message_id") or "")
        self.assertNotIn(self.order.name, " ".join(self.header_values(mail)))

    def test_customers_read_no_internal_follow_up_data(self):
        with self.mock_mail_gateway():
            message = self.post(
                self.customer,
                "Ihr Vertrag",
                visibility="customer",
                user_id=self.user_manager.id,
                follow_up_date=fields.Date.today(),
            )
        as_customer = message.with_user(self.user_portal)
        self.assertTrue(as_customer.has_access("read"))
        for fname in (
            "dialog_follow_up_date",
            "dialog_activity_id",
            "dialog_user_id",
            "dialog_delivery_message_id",
        ):
            with self.subTest(fname), self.assertRaises(AccessError):
                as_customer.read([fname])
        offered = as_customer.fields_get()
        self.assertNotIn("dialog_user_id", offered)
        self.assertNotIn("dialog_follow_up_date", offered)
        self.assertIn("dialog_topic_id", offered)
        with self.assertRaises(AccessError):
            as_customer.search([("dialog_user_id", "=", self.user_manager.id)])
        # employees read them as before
        self.assertEqual(
            message.with_user(self.user_employee).read(["dialog_user_id"])[0][
                "dialog_user_id"
            ][0],
            self.user_manager.id,
        )
