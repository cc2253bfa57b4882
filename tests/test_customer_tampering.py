"""What a customer (portal user, or anybody with the token of one of its
documents) tries after an attacker's review: changing its own filed replies,
reading the company's block reason, keeping files through access tokens,
asking about foreign messages, and answering where nobody is responsible."""

import base64
import html
import re
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_portal import PortalCase

# a 1x1 PNG, as a browser pastes an image into the editor
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d5b1f70000"
        "000049454e44ae426082"
    )
).decode()


@tagged("post_install", "-at_install")
class TestCustomerTampering(PortalCase):
    def setUp(self):
        super().setUp()
        self.authenticate("karl.portal", "karl.portal")
        files = {"attachments": ("brief.pdf", b"%PDF-1.4 Brief", "application/pdf")}
        self._reply(self.on_order, "Montag passt.", files=files)
        self.reply = self.env["mail.message"].search(
            [("dialog_reply_to_id", "=", self.on_order.id)]
        )
        self.order._portal_ensure_token()

    def _token_call(self, route, params):
        """A JSON route with the order's token, as the author of the reply
        (still logged in) calls it."""
        return self.make_jsonrpc_request(
            route, {**params, "token": self.order.access_token}
        )

    def test_filed_reply_cannot_be_rewritten_with_a_document_token(self):
        with self.assertRaisesRegex(Exception, "AccessError|NotFound"):
            self._token_call(
                "/mail/message/update_content",
                {
                    "message_id": self.reply.id,
                    "body": "<b>REWRITTEN</b>",
                    "attachment_ids": [],
                },
            )
        self.assertIn("Montag passt", self.reply.body)
        self.assertEqual(len(self.reply.attachment_ids), 1)

    def test_customers_still_edit_their_other_messages(self):
        """Only dialog messages are closed: the customer's own chatter
        message on the order stays editable, as in Odoo."""
        message = self.order.message_post(
            body="Bitte liefern Sie vormittags.",
            author_id=self.contact.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self._token_call(
            "/mail/message/update_content",
            {
                "message_id": message.id,
                "body": "Bitte nachmittags.",
                "attachment_ids": [],
            },
        )
        self.assertIn("nachmittags", message.body)

    def test_filed_reply_files_cannot_be_deleted(self):
        attachment = self.reply.attachment_ids
        with self.assertRaisesRegex(Exception, "AccessError|NotFound"):
            self._token_call(
                "/mail/attachment/delete", {"attachment_id": attachment.id}
            )
        self.assertTrue(attachment.exists())
        portal_attachment = attachment.with_user(self.user_portal)
        with self.assertRaises(AccessError):
            portal_attachment.unlink()
        with self.assertRaises(AccessError):
            portal_attachment.write({"raw": b"%PDF-1.4 forged"})
        with self.assertRaises(AccessError):
            self.env["ir.attachment"].with_user(self.user_portal).create(
                {
                    "name": "untergeschoben.pdf",
                    "raw": b"%PDF",
                    "res_model": "mail.message",
                    "res_id": self.reply.id,
                }
            )
        self.assertEqual(attachment.raw, b"%PDF-1.4 Brief")

    def test_filed_reply_cannot_be_changed_over_rpc(self):
        reply = self.reply.with_user(self.user_portal)
        for values in (
            {"record_name": "FORGED"},
            {"email_from": "ceo@evil.example"},
            {"reply_to": "evil@evil.example"},
            {"is_internal": True},
            {"partner_ids": [(4, self.user_manager.partner_id.id)]},
            {"parent_id": self.published.id},
            {"subtype_id": self.env.ref("mail.mt_note").id},
            {"body": "<p>anders</p>"},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                reply.write(values)
        self.assertFalse(self.reply.is_internal)
        self.assertNotEqual(self.reply.record_name, "FORGED")

    def test_employees_change_only_what_a_dialog_message_lets_them(self):
        message = self.published.with_user(self.user_manager)
        for values in ({"is_internal": True}, {"email_from": "x@evil.example"}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                message.write(values)
        message.write({"dialog_archived": True})
        self.assertTrue(self.published.dialog_archived)

    def test_block_reason_is_not_the_customers(self):
        self.customer.sudo().write(
            {"dialog_blocked": True, "dialog_block_reason": "zahlt nie"}
        )
        partner = self.customer.with_user(self.user_portal)
        for fname in ("dialog_block_reason", "dialog_blocked", "dialog_blocked_date"):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                partner.read([fname])
            with self.subTest(search=fname), self.assertRaises(AccessError):
                partner.search([(fname, "!=", False)])
        self.assertEqual(
            self.customer.with_user(self.user_employee).dialog_block_reason,
            "zahlt nie",
        )

    def test_file_tokens_open_nothing(self):
        attachment = self.published.attachment_ids
        formatted = self.published.with_user(self.user_portal).portal_message_format()
        token = formatted[0]["attachment_ids"][0]["access_token"]
        url = f"/web/content/{attachment.id}?access_token={token}&download=true"
        # with the login, the customer reads the file of a published message
        # through the token that Odoo's portal chatter puts into its link
        self.authenticate("karl.portal", "karl.portal")
        self.assertEqual(self.url_open(url).content, b"%PDF-1.4 Vertrag")
        # the token alone opens nothing
        self.authenticate(None, None)
        self.assertNotEqual(self.url_open(url).content, b"%PDF-1.4 Vertrag")
        # and once unpublished, not even with the login
        self.published.with_user(self.user_employee).action_dialog_unpublish()
        self.authenticate("karl.portal", "karl.portal")
        response = self.url_open(url)
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(b"Vertrag", response.content)

    def test_actions_on_foreign_messages_refused(self):
        for message in (self.foreign, self.internal, self.unpublished):
            for action in (
                "action_dialog_open_reference",
                "action_dialog_resend",
                "action_dialog_answer",
            ):
                with self.subTest(message=message.subject, action=action):
                    with self.assertRaises(AccessError):
                        getattr(message.with_user(self.user_portal), action)()

    def test_pasted_image_is_the_message_file(self):
        with self.mock_mail_gateway():
            message = self.post(
                self.order,
                f'<p>Intern</p><img src="data:image/png;base64,{PIXEL}">',
            )
        image = message.attachment_ids
        self.assertEqual(len(image), 1)
        self.assertEqual((image.res_model, image.res_id), ("mail.message", message.id))
        self.authenticate(None, None)
        result = self._token_call(
            "/mail/thread/data",
            {
                "thread_model": "sale.order",
                "thread_id": self.order.id,
                "request_list": ["attachments"],
            },
        )
        self.assertNotIn(image.id, [a["id"] for a in result.get("ir.attachment", [])])

    def test_reply_where_nobody_is_responsible(self):
        # the author of the conversation left the company; it has no
        # responsible and the customer no salesperson
        self.user_employee.sudo().action_archive()
        self.authenticate("karl.portal", "karl.portal")
        for text, salesperson in (("Noch eine Frage", None), ("Und noch eine", True)):
            with self.subTest(salesperson=salesperson):
                if salesperson:
                    self.customer.user_id = self.user_manager
                response = self._reply(self.on_order, text)
                self.assertEqual(response.status_code, 303)
                reply = self.env["mail.message"].search(
                    [
                        ("dialog_reply_to_id", "=", self.on_order.id),
                        ("body", "ilike", text),
                    ]
                )
                self.assertEqual(len(reply), 1)
                if salesperson:
                    self.assertEqual(
                        reply.dialog_activity_id.user_id, self.user_manager
                    )
                else:
                    self.assertFalse(reply.dialog_follow_up_date)
                    self.assertFalse(reply.dialog_activity_id)


@tagged("post_install", "-at_install")
class TestEmployeeFiles(PortalCase):
    """Files of dialog messages stay the message's, whoever adds them."""

    def test_read_only_employee_pastes_an_image(self):
        # an employee who may read partners but not edit them (no Sales:
        # CRM lets salesmen edit partners)
        reader = self._employee("rita.reader", "Rita Reader")
        self.assertFalse(self.customer.with_user(reader).has_access("write"))
        with self.mock_mail_gateway():
            message = self.post(
                self.customer,
                f'<p>Foto vom Schaden</p><img src="data:image/png;base64,{PIXEL}">',
                visibility="customer",
                contact_id=self.contact.id,
                user=reader,
            )
        image = message.attachment_ids
        self.assertEqual((image.res_model, image.res_id), ("mail.message", message.id))
        self.assertEqual(message.author_id, reader.partner_id)
        # the customer sees it in the portal with the link in the text
        token = image.sudo().access_token
        self.authenticate("karl.portal", "karl.portal")
        response = self.url_open(f"/web/image/{image.id}?access_token={token}")
        self.assertEqual(response.content, base64.b64decode(PIXEL))

    def test_image_inserted_with_the_editor_belongs_to_the_message(self):
        """The composer's editor uploads an image as a file of the composer
        that belongs to nothing; the text shows it by its URL."""
        Attachment = self.env["ir.attachment"]
        editor_image, foreign = (
            Attachment.with_user(user).create(
                {
                    "name": "schaden.png",
                    "datas": PIXEL,
                    "res_model": "customer_dialog.composer",
                    "res_id": 0,
                }
            )
            for user in (self.user_employee, self.user_manager)
        )
        Partner = type(self.customer)
        lookups = []
        look_up = Partner._dialog_images_uploaded_in_text

        def counting(record, body):
            lookups.append(body)
            return look_up(record, body)

        with (
            self.mock_mail_gateway(),
            patch.object(Partner, "_dialog_images_uploaded_in_text", counting),
        ):
            message = self.post(
                self.customer,
                f'<p>Foto</p><img src="/web/image/{editor_image.id}-1a2b3c4d/s.png">'
                f'<img src="/web/image/{foreign.id}">',
                visibility="customer",
                contact_id=self.contact.id,
                send_content=True,  # (its size is checked for the email too)
            )
        self.assertEqual(len(lookups), 1, "looked up once, for the check and the post")
        self.assertEqual(message.attachment_ids, editor_image)
        self.assertEqual(
            (editor_image.res_model, editor_image.res_id), ("mail.message", message.id)
        )
        self.assertEqual(foreign.res_model, "customer_dialog.composer")
        # the customer sees it in the portal with the link in the text
        src = re.search(rf'src="(/web/image/{editor_image.id}[^"]*)"', message.body)
        self.assertIn(editor_image.sudo().access_token, src[1])
        self.authenticate("karl.portal", "karl.portal")
        response = self.url_open(html.unescape(src[1]))
        self.assertEqual(response.content, base64.b64decode(PIXEL))

    def test_files_added_when_editing_belong_to_the_message(self):
        message = self.post(self.order, "Notiz")
        upload = self.upload("nachtrag.pdf", b"%PDF-1.4 Nachtrag")
        order = self.order.with_user(self.user_employee)
        order._message_update_content(
            message.with_user(self.user_employee),
            "Notiz mit Nachtrag",
            attachment_ids=upload.ids,
        )
        self.assertEqual(message.attachment_ids, upload)
        self.assertEqual(
            (upload.res_model, upload.res_id), ("mail.message", message.id)
        )

    def test_manager_without_contact_rights_unpublishes(self):
        manager = self.env["res.users"].create(
            {
                "name": "Mona Managerin",
                "login": "mona",
                "email": "mona@test.example.com",
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            self.env.ref("base.group_user").id,
                            self.env.ref(
                                "customer_dialog.group_customer_dialog_manager"
                            ).id,
                        ],
                    )
                ],
            }
        )
        self.assertFalse(self.customer.with_user(manager).has_access("write"))
        self.published.with_user(manager).action_dialog_unpublish()
        self.assertFalse(self.published.dialog_published)
        self.published.with_user(manager).action_dialog_archive()
        self.assertTrue(self.published.dialog_archived)

    def test_editing_mentions_colleagues_not_customers(self):
        message = self.post(self.order, "Notiz")
        order = self.order.with_user(self.user_employee)
        order._message_update_content(
            message.with_user(self.user_employee),
            "Notiz für Manfred",
            partner_ids=self.user_manager.partner_id.ids,
        )
        self.assertEqual(message.partner_ids, self.user_manager.partner_id)
        with self.assertRaises(AccessError):
            order._message_update_content(
                message.with_user(self.user_employee),
                "Notiz für den Kunden",
                partner_ids=self.contact.ids,
            )
        self.assertNotIn(self.contact, message.partner_ids)
