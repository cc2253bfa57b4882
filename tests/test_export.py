import io
import json
from unittest.mock import patch
from xmlrpc.client import Fault

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from ..models.privacy import res_partner_export as export_module
from .common import DialogCase, needs_sale

REPORT = "customer_dialog.action_report_customer_file"


@needs_sale
class ExportCase(DialogCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # an export covers what the manager may read (the orders too)
        cls.user_manager.groups_id += cls.env.ref(
            "sales_team.group_sale_salesman_all_leads"
        )

    def setUp(self):
        super().setUp()
        self.attachment = self.upload("angebot.pdf", b"%PDF-1.4 Angebot")
        with self.mock_mail_gateway():
            self.published = self.post(
                self.order,
                "Die Lieferung kommt am Montag.",
                visibility="customer",
                subject="Liefertermin",
                contact_id=self.contact.id,
                attachment_ids=self.attachment.ids,
                topic_id=self.topic_contract.id,
            )
            self.internal = self.post(
                self.customer,
                "Kunde zahlt oft spät.",
                subject="Interne Zahlungsnotiz",
                channel="phone",
                direction="incoming",
            )
            self.unpublished = self.post(
                self.contact,
                "Zurückgezogenes Angebot",
                visibility="customer",
                subject="Zurückgezogen",
            )
            self.unpublished.sudo().dialog_published = False
            self.foreign = self.post(
                self.other_customer,
                "Nachricht der Fremdfirma",
                visibility="customer",
                subject="Fremde Nachricht",
            )


class TestExport(ExportCase):
    def render_html(self, user, customer=None):
        html, report_type = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(REPORT, (customer or self.customer).ids)
        )
        self.assertEqual(report_type, "html")
        return html.decode()

    def test_report_holds_the_whole_file_for_a_manager(self):
        html = self.render_html(self.user_manager)
        for text in (
            "Liefertermin",
            "Die Lieferung kommt am Montag.",
            "Interne Zahlungsnotiz",
            "Kunde zahlt oft spät.",
            "Zurückgezogen",
            "angebot.pdf",
            self.order.name,  # grouped by reference object
            "Manfred Manager",  # who exported
            "Phone call",
            "Incoming",
            "Internal",
            "For the customer",
            self.contact.name,  # the recipient
        ):
            self.assertIn(text, html)
        self.assertNotIn("Fremde Nachricht", html)
        self.assertIn("o_customer_dialog_file_cover", html)

    def test_report_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["customer_dialog"], ["de_DE"])
        self.customer.lang = "de_DE"
        html = self.render_html(self.user_manager)
        self.assertIn("Kundenakte", html)
        self.assertIn("Telefonat", html)

    def test_json_holds_the_same_messages(self):
        data = self.customer.with_user(self.user_manager).dialog_export_file()
        self.assertEqual(json.loads(json.dumps(data)), data, "JSON-serialisable")
        ids = {m["id"] for group in data["references"] for m in group["messages"]}
        self.assertEqual(
            ids, {self.published.id, self.internal.id, self.unpublished.id}
        )
        self.assertEqual(data["counts"]["messages"], 3)
        self.assertEqual(data["counts"]["internal"], 1)
        self.assertEqual(data["customer"]["id"], self.customer.id)
        on_order = next(g for g in data["references"] if g["model"] == "sale.order")
        message = on_order["messages"][0]
        self.assertEqual(message["subject"], "Liefertermin")
        self.assertEqual(message["text"], "Die Lieferung kommt am Montag.")
        self.assertEqual(message["attachments"], ["angebot.pdf"])
        self.assertEqual(message["visibility"], "customer")
        self.assertEqual(message["topic"], self.topic_contract.name)
        self.assertEqual(message["recipient"], self.contact.name)
        self.assertTrue(message["delivery_state"])
        # the same from a contact: the file is the commercial entity's
        from_contact = self.contact.with_user(self.user_manager).dialog_export_file()
        self.assertEqual(from_contact["counts"], data["counts"])

    def test_plain_employee_cannot_export(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_employee).dialog_export_file()
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_employee).action_dialog_export_file()
        with self.assertRaises(AccessError):
            self.render_html(self.user_employee)

    def test_export_button_opens_the_report(self):
        action = self.contact.with_user(self.user_manager).action_dialog_export_file()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_name"], "customer_dialog.report_customer_file")
        self.assertEqual(action["context"]["active_ids"], self.customer.ids)


@tagged("post_install", "-at_install")
class TestExportRpcAndPortal(HttpCase, ExportCase):
    def test_rpc_export(self):
        uid = self.xmlrpc_common.authenticate(
            self.env.cr.dbname, "dialog_manager", "dialog_manager", {}
        )
        data = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            uid,
            "dialog_manager",
            "res.partner",
            "dialog_export_file",
            [[self.customer.id]],
        )
        self.assertEqual(data["counts"]["messages"], 3)
        employee = self.xmlrpc_common.authenticate(
            self.env.cr.dbname, "employee", "employee", {}
        )
        with self.assertRaises(Fault) as refused:
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                employee,
                "employee",
                "res.partner",
                "dialog_export_file",
                [[self.customer.id]],
            )
        self.assertIn("managers may export", str(refused.exception))

    def test_portal_download_holds_only_published_messages(self):
        self.authenticate("karl.portal", "karl.portal")
        page = self.url_open("/my/messages").text
        self.assertIn('href="/my/messages/export"', page)
        response = self.url_open("/my/messages/export")
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            response.headers["Content-Type"].split(";")[0],
            ("application/pdf", "text/html"),
        )
        text = response.text
        self.assertIn("Liefertermin", text)
        self.assertIn("Die Lieferung kommt am Montag.", text)
        self.assertNotIn("Interne Zahlungsnotiz", text)
        self.assertNotIn("Kunde zahlt oft spät", text)
        self.assertNotIn("Zurückgezogen", text)
        self.assertNotIn("Fremde Nachricht", text)
        # its cover says what it is made of: no count of internal notes
        self.assertIn("Every message published for you", text)
        self.assertIn("Internal notes of our staff", text)
        for staff_only in ("of which internal", "Reference objects", "Dialog messages"):
            self.assertNotIn(staff_only, text)
        staff = (
            self.env["ir.actions.report"]
            .with_user(self.user_manager)
            ._render_qweb_html(REPORT, self.customer.ids)[0]
            .decode()
        )
        for staff_only in ("of which internal", "Reference objects", "Dialog messages"):
            self.assertIn(staff_only, staff)

    def test_other_customers_file_unreachable(self):
        self.authenticate("olga.portal", "olga.portal")
        text = self.url_open("/my/messages/export").text
        self.assertIn("Fremde Nachricht", text)
        self.assertNotIn("Liefertermin", text)
        # the generic report routes refuse the file to a customer
        for url in (
            f"/report/html/customer_dialog.report_customer_file/{self.customer.id}",
            f"/report/pdf/customer_dialog.report_customer_file/{self.customer.id}",
        ):
            response = self.url_open(url)
            self.assertNotIn("Liefertermin", response.text)
            self.assertNotEqual(response.status_code, 200)

    def test_public_user_goes_to_login(self):
        response = self.url_open("/my/messages/export", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])


@tagged("post_install", "-at_install")
class TestPortalSelfService(HttpCase, ExportCase):
    """The customer's machine-readable copy (Art. 20 GDPR) and the page that
    says what is stored: their own customer's published messages only,
    whatever the request asks for."""

    def json_file(self, url="/my/messages/export.json"):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.headers["Content-Type"], "application/json; charset=utf-8"
        )
        self.assertIn("attachment", response.headers["Content-Disposition"])
        return response.json()

    def texts(self, data):
        return [
            message["text"]
            for reference in data["references"]
            for message in reference["messages"]
        ]

    def test_the_json_copy_holds_what_the_pdf_holds(self):
        self.authenticate("karl.portal", "karl.portal")
        page = self.url_open("/my/messages").text
        self.assertIn('href="/my/messages/export.json"', page)
        data = self.json_file()
        self.assertEqual(data["customer"]["id"], self.customer.id)
        self.assertEqual(self.texts(data), ["Die Lieferung kommt am Montag."])
        self.assertEqual(data["counts"]["internal"], 0)
        (message,) = data["references"][0]["messages"]
        self.assertEqual(message["visibility"], "customer")
        self.assertTrue(message["published"])
        # the same as the PDF's data
        self.assertEqual(
            self.texts(data), self.texts(self.contact.sudo()._dialog_portal_file())
        )

    def test_another_customers_copy_cannot_be_asked_for(self):
        self.authenticate("olga.portal", "olga.portal")
        for url in (
            "/my/messages/export.json",
            f"/my/messages/export.json?partner_id={self.customer.id}",
            f"/my/messages/export.json?customer_id={self.customer.id}&id=1",
        ):
            with self.subTest(url=url):
                data = self.json_file(url)
                self.assertEqual(data["customer"]["id"], self.other_customer.id)
                self.assertEqual(self.texts(data), ["Nachricht der Fremdfirma"])

    def test_no_copy_without_login_and_no_post(self):
        response = self.url_open("/my/messages/export.json", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
        self.authenticate("karl.portal", "karl.portal")
        response = self.url_open("/my/messages/export.json", data={"x": "1"})
        self.assertEqual(response.status_code, 405)

    def test_the_privacy_page_says_what_is_stored_and_whom_to_ask(self):
        self.env.company.email = "datenschutz@firma.example.com"
        self.authenticate("karl.portal", "karl.portal")
        page = self.url_open("/my/messages").text
        self.assertIn('href="/my/messages/privacy"', page)
        response = self.url_open("/my/messages/privacy")
        self.assertEqual(response.status_code, 200)
        self.assertIn("What we store about our communication with you", response.text)
        self.assertIn("mailto:datenschutz@firma.example.com", response.text)
        self.assertIn('href="/my/messages/export.json"', response.text)


class TestBigFiles(ExportCase):
    """A file of 100,000 messages is read in batches (the ORM's cache holds
    one), written one message at a time, and over RPC comes in pages: each
    way gives the same file as the small file's one answer (make bench
    measures time and memory)."""

    def setUp(self):
        super().setUp()
        with self.mock_mail_gateway():
            for day in range(1, 6):
                self.post(
                    self.customer, f"Anruf {day}", date=f"2026-01-0{day} 09:00:00"
                )
        self.manager_customer = self.customer.with_user(self.user_manager)

    def listed(self, data):
        return [m["id"] for ref in data["references"] for m in ref["messages"]]

    def test_batches_give_the_same_file(self):
        whole = self.manager_customer.dialog_export_file()
        with patch.object(export_module, "EXPORT_BATCH", 2):
            batched = self.manager_customer.dialog_export_file()
        for data in (whole, batched):
            data.pop("exported_on"), data.pop("exported_on_label")
        self.assertEqual(batched, whole)
        self.assertEqual(whole["counts"]["messages"], 8)
        self.assertEqual(len(self.listed(whole)), 8)

    def test_json_written_piece_by_piece_is_the_same_file(self):
        customer = self.customer.sudo()
        messages, left_out = customer.with_user(
            self.user_manager
        )._dialog_file_messages()
        stream = io.BytesIO()
        with patch.object(export_module, "EXPORT_BATCH", 3):
            customer._dialog_export_json(stream, messages, left_out)
        written = json.loads(stream.getvalue())
        whole = customer._dialog_export_values(messages, left_out)
        for data in (written, whole):
            data.pop("exported_on"), data.pop("exported_on_label")
        self.assertEqual(written, whole)
        empty = io.BytesIO()
        customer._dialog_export_json(empty, messages.browse())
        self.assertEqual(json.loads(empty.getvalue())["references"], [])

    def test_rpc_pages(self):
        whole = self.listed(self.manager_customer.dialog_export_file())
        with patch.object(export_module, "EXPORT_RPC_LIMIT", 3):
            with self.assertRaisesRegex(UserError, "holds 8 messages: ask for it"):
                self.manager_customer.dialog_export_file()
            pages, offset = [], 0
            while offset is not False:
                page = self.manager_customer.dialog_export_file(offset=offset, limit=3)
                self.assertEqual(page["counts"]["messages"], 8, "the whole file's")
                pages += self.listed(page)
                offset = page["page"]["next_offset"]
            self.assertEqual(pages, whole)
            for offset, limit in [(0, 0), (0, 4), (0, 10**12), (-1, 2)]:
                with (
                    self.subTest(offset=offset, limit=limit),
                    self.assertRaises(UserError),  # ValidationError too
                ):
                    self.manager_customer.dialog_export_file(offset, limit)
        for offset, limit in [("0", 2), (0, "2"), (True, 2), (0, 1.5)]:
            with (
                self.subTest(offset=offset, limit=limit),
                self.assertRaisesRegex(ValidationError, "whole number"),
            ):
                self.manager_customer.dialog_export_file(offset, limit)
        beyond = self.manager_customer.dialog_export_file(offset=100, limit=3)
        self.assertEqual(beyond["references"], [])
        self.assertFalse(beyond["page"]["next_offset"])
