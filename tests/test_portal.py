import json
import re

from odoo.tests import HttpCase, tagged

from .common import DialogCase, needs_sale


@tagged("post_install", "-at_install")
@needs_sale
class PortalCase(HttpCase, DialogCase):
    def setUp(self):
        super().setUp()
        self.attachment = self.upload("vertrag.pdf", b"%PDF-1.4 Vertrag")
        self.internal_attachment = self.upload("intern.pdf", b"%PDF-1.4 geheim")
        with self.mock_mail_gateway():
            self.published = self.post(
                self.customer,
                "Ihr Vertrag wurde verlängert.",
                visibility="customer",
                subject="Vertragsverlängerung",
                contact_id=self.contact.id,
                attachment_ids=self.attachment.ids,
                user_id=self.user_manager.id,
            )
            self.on_order = self.post(
                self.order,
                "Lieferung kommt Montag.",
                visibility="customer",
                subject="Lieferung",
            )
            self.internal = self.post(
                self.customer,
                "Bonität prüfen!",
                subject="Interne Bonitätsprüfung",
                attachment_ids=self.internal_attachment.ids,
            )
            self.unpublished = self.post(
                self.customer,
                "Zurückgezogen",
                visibility="customer",
                subject="Zurückgezogene Nachricht",
            )
            self.unpublished.with_user(self.user_employee).action_dialog_unpublish()
            self.foreign = self.post(
                self.other_customer,
                "Für die Fremdfirma",
                visibility="customer",
                subject="Fremde Nachricht",
                contact_id=self.other_contact.id,
            )

    def _csrf_token(self, url):
        page = self.url_open(url).text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def _reply(self, message, body, files=None, csrf=True):
        data = {"body": body}
        if csrf:
            data["csrf_token"] = self._csrf_token(f"/my/messages/{self.published.id}")
        return self.url_open(
            f"/my/messages/{message.id}/reply",
            data=data,
            files=files or {},
            allow_redirects=False,
        )

    def _counter(self):
        response = self.url_open(
            "/my/counters",
            data=json.dumps({"params": {"counters": ["dialog_message_count"]}}),
            headers={"Content-Type": "application/json"},
        )
        return response.json()["result"]["dialog_message_count"]


class TestPortalAccess(PortalCase):
    """Two portal users of different customers each see exactly their own
    published customer messages; everything else is a 404."""

    def test_list_detail_counter_of_own_messages(self):
        self.authenticate("karl.portal", "karl.portal")
        page = self.url_open("/my/messages").text
        self.assertIn("Vertragsverlängerung", page)
        self.assertIn("Lieferung", page)
        for hidden in (
            "Interne Bonitätsprüfung",
            "Zurückgezogene Nachricht",
            "Fremde Nachricht",
        ):
            self.assertNotIn(hidden, page)
        self.assertEqual(page.count("o_customer_dialog_portal_row"), 2)
        self.assertEqual(self._counter(), 2)

        detail = self.url_open(f"/my/messages/{self.published.id}")
        self.assertEqual(detail.status_code, 200)
        self.assertIn("Ihr Vertrag wurde verlängert.", detail.text)
        self.assertIn("vertrag.pdf", detail.text)

        self.authenticate("olga.portal", "olga.portal")
        page = self.url_open("/my/messages").text
        self.assertIn("Fremde Nachricht", page)
        self.assertNotIn("Vertragsverlängerung", page)
        self.assertEqual(self._counter(), 1)

    def test_message_without_subject_shows_its_text(self):
        with self.mock_mail_gateway():
            message = self.post(
                self.customer,
                "Wir haben Ihre Adresse geändert und bestätigen dies hiermit gern.",
                visibility="customer",
            )
        self.assertEqual(
            message.dialog_title,
            "Wir haben Ihre Adresse geändert und bestätigen dies hiermit…",
        )
        self.authenticate("karl.portal", "karl.portal")
        page = self.url_open("/my/messages").text
        link = re.search(rf'href="/my/messages/{message.id}"[^>]*>([^<]*)<', page)
        self.assertEqual(link.group(1).strip(), message.dialog_title)
        detail = self.url_open(f"/my/messages/{message.id}").text
        title = re.search(r'o_customer_dialog_subject">([^<]*)<', detail)
        self.assertEqual(title.group(1), message.dialog_title)

    def test_everything_else_is_404(self):
        self.authenticate("karl.portal", "karl.portal")
        for message in (self.internal, self.unpublished, self.foreign):
            with self.subTest(message=message.subject):
                self.assertEqual(
                    self.url_open(f"/my/messages/{message.id}").status_code, 404
                )
                attachment = self.internal_attachment.id
                attachment_url = f"/my/messages/{message.id}/attachment/{attachment}"
                self.assertEqual(self.url_open(attachment_url).status_code, 404)
                before = self.env["mail.message"].search_count([])
                response = self._reply(message, "Hallo")
                self.assertEqual(response.status_code, 404)
                self.assertEqual(self.env["mail.message"].search_count([]), before)
        self.assertEqual(self.url_open("/my/messages/999999999").status_code, 404)
        self.assertEqual(
            self.url_open("/my/messages/999999999/attachment/1").status_code, 404
        )

    def test_attachment_download_rechecks_access(self):
        self.authenticate("karl.portal", "karl.portal")
        response = self.url_open(
            f"/my/messages/{self.published.id}/attachment/{self.attachment.id}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"%PDF-1.4 Vertrag")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        # an attachment of another message, through a message the user may read
        mixed = (
            f"/my/messages/{self.published.id}/attachment/{self.internal_attachment.id}"
        )
        self.assertEqual(self.url_open(mixed).status_code, 404)
        # Odoo's generic download routes do not serve it either
        for url in (
            f"/web/content/{self.internal_attachment.id}",
            f"/web/content/{self.attachment.id}",
        ):
            response = self.url_open(url)
            self.assertNotEqual(response.status_code, 200, url)
            self.assertNotIn(b"geheim", response.content)

        self.authenticate("olga.portal", "olga.portal")
        response = self.url_open(
            f"/my/messages/{self.published.id}/attachment/{self.attachment.id}"
        )
        self.assertEqual(response.status_code, 404)

    def test_anonymous_goes_through_login(self):
        url = f"/my/messages/{self.published.id}"
        response = self.url_open(url, allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
        self.assertIn("redirect=%2Fmy%2Fmessages%2F", response.headers["Location"])
        self.assertEqual(
            self.url_open("/my/messages", allow_redirects=False).status_code, 303
        )
        self.authenticate("karl.portal", "karl.portal")
        landed = self.url_open(url)
        self.assertEqual(landed.status_code, 200)
        self.assertIn("Vertragsverlängerung", landed.text)

    def test_notice_links_to_the_message(self):
        with self.mock_mail_gateway():
            message = self.post(
                self.customer,
                "Geheim",
                visibility="customer",
                contact_id=self.contact.id,
            )
        notice = self.sent_emails_to(self.contact.email)[0]
        self.assertIn(f"/my/messages/{message.id}", notice["body"])

    def test_reference_object_linked_to_its_portal_page(self):
        self.authenticate("karl.portal", "karl.portal")
        page = self.url_open(f"/my/messages/{self.on_order.id}").text
        self.assertIn(f'href="/my/orders/{self.order.id}"', page)
        self.assertIn(self.order.name, page)
        page = self.url_open(f"/my/messages/{self.published.id}").text
        self.assertNotIn(
            "o_customer_dialog_reference", page, "a customer has no portal page"
        )

    def test_filters_and_search(self):
        self.authenticate("karl.portal", "karl.portal")
        page = self.url_open("/my/messages?filterby=ref_sale.order").text
        self.assertIn("Lieferung", page)
        self.assertNotIn("Vertragsverlängerung", page)
        page = self.url_open("/my/messages?search_in=body&search=verlängert").text
        self.assertIn("Vertragsverlängerung", page)
        self.assertNotIn(">Lieferung<", page)
        page = self.url_open("/my/messages?sortby=subject").text
        self.assertLess(page.index(">Lieferung<"), page.index("Vertragsverlängerung"))
        self.published.sudo().dialog_topic_id = self.topic_contract
        page = self.url_open(
            f"/my/messages?filterby=topic_{self.topic_contract.id}"
        ).text
        self.assertIn("Vertragsverlängerung", page)
        self.assertNotIn(">Lieferung<", page)
        # unknown values fall back to the defaults instead of failing
        self.assertEqual(
            self.url_open("/my/messages?filterby=bogus&sortby=bogus").status_code, 200
        )

    def test_an_empty_search_says_so_in_the_portals_style(self):
        self.authenticate("karl.portal", "karl.portal")
        page = self.url_open("/my/messages?search=gibtesnicht").text
        self.assertIn("No message matches your search or filter.", page)
        self.assertIn('class="alert alert-warning o_customer_dialog_no_match"', page)
        self.assertNotIn("There are currently no messages for you.", page)
        self.authenticate("olga.portal", "olga.portal")
        self.env["mail.message"].search(
            [("dialog_partner_id", "=", self.other_customer.id)]
        ).sudo().write({"dialog_published": False})
        page = self.url_open("/my/messages").text
        self.assertIn("There are currently no messages for you.", page)

    def test_columns_stay_aligned_whatever_is_empty(self):
        """A row without a topic or an author keeps its five cells."""
        self.published.sudo().write({"dialog_topic_id": False, "author_id": False})
        self.on_order.sudo().dialog_topic_id = self.topic_contract
        self.authenticate("karl.portal", "karl.portal")
        page = self.url_open("/my/messages").text
        rows = re.findall(
            r'<tr class="o_customer_dialog_portal_row">(.*?)</tr>', page, re.S
        )
        self.assertGreaterEqual(len(rows), 2)
        for row in rows:
            self.assertEqual(row.count("<td"), 5)


class TestPortalReply(PortalCase):
    def _replies(self):
        return self.env["mail.message"].search(
            [("dialog_reply_to_id", "=", self.published.id)]
        )

    def test_reply_stored_for_customer_and_reference(self):
        self.authenticate("karl.portal", "karl.portal")
        response = self._reply(
            self.published, "Danke!\nBitte auch die Kündigungsfrist prüfen."
        )
        self.assertEqual(response.status_code, 303)
        reply = self._replies()
        self.assertEqual(len(reply), 1)
        self.assertIn(
            f"/my/messages/{self.published.id}#message-{reply.id}",
            response.headers["Location"],
        )
        self.assertEqual((reply.model, reply.res_id), ("res.partner", self.customer.id))
        self.assertEqual(reply.dialog_partner_id, self.customer)
        self.assertEqual(reply.dialog_contact_id, self.contact)
        self.assertEqual(reply.author_id, self.contact)
        self.assertEqual(reply.dialog_direction, "incoming")
        self.assertEqual(reply.dialog_channel, "portal")
        self.assertEqual(reply.dialog_visibility, "customer")
        self.assertTrue(reply.dialog_published)
        self.assertIn("Kündigungsfrist", reply.body)
        # the responsible employee is notified
        self.assertIn(
            self.user_manager.partner_id, reply.notification_ids.res_partner_id
        )
        self.assertIn(self.user_manager.partner_id, reply.partner_ids)
        page = self.url_open(response.headers["Location"]).text
        self.assertIn("Kündigungsfrist", page)
        self.assertIn(f'id="message-{reply.id}"', page)
        # the reply is in the customer's file, counted once as a conversation
        self.assertIn(reply, self.customer.dialog_message_ids)
        self.assertEqual(self._counter(), 2)

    def test_reply_on_order_message_stays_on_the_order(self):
        self.authenticate("karl.portal", "karl.portal")
        self._reply(self.on_order, "Montag passt.")
        reply = self.env["mail.message"].search(
            [("dialog_reply_to_id", "=", self.on_order.id)]
        )
        self.assertEqual((reply.model, reply.res_id), ("sale.order", self.order.id))
        # the responsible falls back to the author of the message
        self.assertIn(self.partner_employee, reply.partner_ids)

    def test_reply_with_attachment(self):
        self.authenticate("karl.portal", "karl.portal")
        files = {
            "attachments": ("kuendigung.pdf", b"%PDF-1.4 reply", "application/pdf")
        }
        self._reply(self.published, "Anbei mein Schreiben", files=files)
        reply = self._replies()
        self.assertEqual(reply.attachment_ids.name, "kuendigung.pdf")
        download = self.url_open(
            f"/my/messages/{reply.id}/attachment/{reply.attachment_ids.id}"
        )
        self.assertEqual(download.content, b"%PDF-1.4 reply")

    def test_missing_csrf_refused(self):
        self.authenticate("karl.portal", "karl.portal")
        response = self._reply(self.published, "Ohne Token", csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._replies())

    def test_empty_reply_refused(self):
        self.authenticate("karl.portal", "karl.portal")
        response = self._reply(self.published, "   ")
        self.assertEqual(response.status_code, 400)
        self.assertIn("Please write your reply", response.text)
        self.assertFalse(self._replies())

    def test_oversized_attachment_refused(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_dialog.portal_reply_max_bytes", 1024 * 1024
        )
        self.authenticate("karl.portal", "karl.portal")
        attachments_before = self.env["ir.attachment"].search_count([])
        files = {
            "attachments": (
                "gross.bin",
                b"x" * (1024 * 1024 + 1),
                "application/octet-stream",
            )
        }
        response = self._reply(self.published, "Mit großer Datei", files=files)
        self.assertEqual(response.status_code, 413)
        self.assertIn("too large", response.text)
        self.assertIn("Mit großer Datei", response.text, "the typed text is kept")
        self.assertFalse(self._replies())
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments_before)

    def test_script_neutralised_everywhere(self):
        payload = "<script>alert('xss')</script>"
        with self.mock_mail_gateway():
            evil = self.post(
                self.customer,
                f"<p>Text</p>{payload}<img src=x onerror=alert(1)>",
                visibility="customer",
                subject=payload,
                contact_id=self.contact.id,
            )
        self.authenticate("karl.portal", "karl.portal")
        self._reply(evil, payload)
        pages = [
            self.url_open("/my/messages").text,
            self.url_open(f"/my/messages/{evil.id}").text,
            self.url_open("/my").text,
        ]
        for page in pages:
            self.assertNotIn(payload, page)
            self.assertNotIn("onerror=alert", page)
        self.assertIn("&lt;script&gt;alert(", pages[1])


class TestPortalPerformance(PortalCase):
    def _create_published(self, count):
        subtype = self.env.ref("customer_dialog.mt_dialog_customer")
        self.env["mail.message"].sudo().create(
            [
                {
                    "model": "res.partner",
                    "res_id": self.customer.id,
                    "message_type": "comment",
                    "subtype_id": subtype.id,
                    "body": f"<p>Nachricht {index}</p>",
                    "subject": f"Nachricht {index}",
                    "author_id": self.partner_employee.id,
                    "dialog_partner_id": self.customer.id,
                    "dialog_visibility": "customer",
                    "dialog_published": True,
                    "dialog_delivery": "none",
                    "dialog_channel": "letter",
                    "dialog_direction": "outgoing",
                    "dialog_topic_id": (self.topic_general | self.topic_contract)[
                        index % 2
                    ].id,
                    "dialog_reference_model": "res.partner",
                }
                for index in range(count)
            ]
        )

    def _list_queries(self):
        self.url_open("/my/messages")  # warm caches
        before = self.env.cr.sql_log_count
        response = self.url_open("/my/messages")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text.count("o_customer_dialog_portal_row"), 20)
        return self.env.cr.sql_log_count - before

    def test_list_queries_do_not_grow_with_messages(self):
        self.authenticate("karl.portal", "karl.portal")
        self._create_published(18)
        with_20 = self._list_queries()
        self._create_published(480)
        with_500 = self._list_queries()
        self.assertEqual(with_20, with_500)


class TestPortalWizard(PortalCase):
    def _grant(self, partner, send_content):
        wizard = (
            self.env["portal.wizard"]
            .with_user(self.user_manager)
            .with_context(active_ids=partner.ids, active_model="res.partner")
            .create({})
        )
        wizard_user = wizard.user_ids.filtered(lambda u: u.partner_id == partner)
        wizard_user.dialog_mail_content = send_content
        wizard_user.action_grant_access()

    def test_checkbox_sets_flag_and_next_message_follows_it(self):
        self.user_manager.groups_id += self.env.ref("base.group_erp_manager")
        arch = self.env["portal.wizard"].get_view(
            self.env.ref("portal.wizard_view").id
        )["arch"]
        self.assertIn('name="dialog_mail_content"', arch)
        partner = self.customer_no_portal
        with self.mock_mail_gateway():
            self._grant(partner, send_content=True)
        self.assertTrue(partner.dialog_mail_content)
        self.assertTrue(partner.dialog_portal_access)
        with self.mock_mail_gateway():
            content = self.post(partner, "Inhalt per Mail", visibility="customer")
        self.assertEqual(content.dialog_delivery, "content")

        second = self.env["res.partner"].create(
            {"name": "Nur Hinweis", "email": "hinweis@example.com"}
        )
        second.dialog_mail_content = True
        with self.mock_mail_gateway():
            self._grant(second, send_content=False)
        self.assertFalse(second.dialog_mail_content)
        with self.mock_mail_gateway():
            notice = self.post(second, "Nur im Portal", visibility="customer")
        self.assertEqual(notice.dialog_delivery, "notice")
        self.assertNotIn(
            "Nur im Portal", self.sent_emails_to("hinweis@example.com")[0]["body"]
        )
