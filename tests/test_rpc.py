import xmlrpc.client

from odoo.tests import HttpCase, tagged

from .common import DialogCase


@tagged("post_install", "-at_install")
class TestRpc(HttpCase, DialogCase):
    """Other systems (phone system, web shop, importer) over XML-RPC and
    JSON-RPC; portal users never see internal messages through RPC."""

    def _xmlrpc(self, login, model, method, args, kwargs=None):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, login, login, {})
        self.assertTrue(uid, f"{login} can log in")
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, uid, login, model, method, args, kwargs or {}
        )

    def test_dialog_post_over_xmlrpc(self):
        with self.mock_mail_gateway():
            message_id = self._xmlrpc(
                "employee",
                "res.partner",
                "dialog_post",
                [[self.customer_no_portal.id], "Anruf über die Telefonanlage"],
                {
                    "visibility": "customer",
                    "channel": "phone",
                    "direction": "incoming",
                    "subject": "Rückruf",
                },
            )
        self.assertIsInstance(message_id, int)
        message = self.env["mail.message"].browse(message_id)
        self.assertEqual(message.author_id, self.partner_employee)
        self.assertEqual(message.dialog_partner_id, self.customer_no_portal)
        self.assertEqual(message.dialog_channel, "phone")
        self.assertEqual(message.dialog_delivery, "content")

        history = self._xmlrpc(
            "employee",
            "mail.message",
            "search_read",
            [[("dialog_partner_id", "=", self.customer_no_portal.id)]],
            {
                "fields": [
                    "subject",
                    "dialog_channel",
                    "dialog_visibility",
                    "dialog_delivery_state",
                ]
            },
        )
        self.assertEqual(
            history,
            [
                {
                    "id": message_id,
                    "subject": "Rückruf",
                    "dialog_channel": "phone",
                    "dialog_visibility": "customer",
                    "dialog_delivery_state": "pending",
                }
            ],
            "queued: the request's emails go out after its commit",
        )
        with self.mock_mail_gateway():
            self.env["mail.mail"].sudo().search(
                [("mail_message_id", "=", message.dialog_delivery_message_id.id)]
            ).send()
        self.assertEqual(len(self.sent_emails_to(self.customer_no_portal.email)), 1)
        state = self._xmlrpc(
            "employee",
            "mail.message",
            "read",
            [[message_id], ["dialog_delivery_state"]],
        )
        self.assertEqual(state[0]["dialog_delivery_state"], "sent")

    def test_a_system_user_without_email_logs_and_delivers(self):
        """A phone system's user often has no email address; mail alone
        refuses to log anything for it."""
        self._employee("telefonanlage", "Telefonanlage").password = "telefonanlage"
        self.env.company.email = "info@firma.example.com"
        with self.mock_mail_gateway():
            for visibility in ("internal", "customer"):
                message = self.env["mail.message"].browse(
                    self._xmlrpc(
                        "telefonanlage",
                        "res.partner",
                        "dialog_post",
                        [[self.customer_no_portal.id], "Anruf"],
                        {"visibility": visibility, "channel": "phone"},
                    )
                )
                self.assertEqual(
                    message.email_from, '"Telefonanlage" <info@firma.example.com>'
                )
        # delivered (sent after the request's commit)
        self.assertEqual(message.dialog_delivery, "content")
        mail = self.env["mail.mail"].search(
            [("mail_message_id", "=", message.dialog_delivery_message_id.id)]
        )
        # the delivery email: the company speaks, in the author's name
        self.assertEqual(
            mail.email_from,
            f'"Telefonanlage ({self.env.company.name})" <info@firma.example.com>',
        )
        self.assertEqual(mail.state, "outgoing")

    def test_bad_input_over_xmlrpc(self):
        with self.assertRaises(xmlrpc.client.Fault) as error:
            self._xmlrpc(
                "employee",
                "res.partner",
                "dialog_post",
                [[self.customer.id], "x"],
                {"channel": "fax"},
            )
        self.assertIn("not a valid value for channel", error.exception.faultString)

    def test_dialog_post_over_jsonrpc(self):
        response = self.jsonrpc_execute(
            self.user_employee.id,
            "employee",
            "res.partner",
            "dialog_post",
            [[self.customer.id], "Notiz aus dem Webshop"],
            {"channel": "other"},
        ).json()
        message = self.env["mail.message"].browse(response["result"])
        self.assertEqual(message.dialog_visibility, "internal")
        self.assertEqual(message.author_id, self.partner_employee)

    def test_portal_user_never_sees_internal_over_rpc(self):
        with self.mock_mail_gateway():
            internal = self.post(self.customer, "Intern: Bonität prüfen")
            published = self.post(
                self.customer,
                "Für Sie",
                visibility="customer",
                contact_id=self.contact.id,
            )
        found = self._xmlrpc(
            "karl.portal",
            "mail.message",
            "search_read",
            [[]],
            {"fields": ["body", "dialog_visibility"]},
        )
        ids = [values["id"] for values in found]
        self.assertIn(published.id, ids)
        self.assertNotIn(internal.id, ids)
        self.assertFalse([v for v in found if "Bonität" in (v["body"] or "")])
        count = self._xmlrpc(
            "karl.portal",
            "mail.message",
            "search_count",
            [[("dialog_visibility", "=", "internal")]],
        )
        self.assertEqual(count, 0)
        with self.assertRaises(xmlrpc.client.Fault):
            self._xmlrpc(
                "karl.portal", "mail.message", "read", [[internal.id], ["body"]]
            )
        with self.assertRaises(xmlrpc.client.Fault):
            self._xmlrpc(
                "karl.portal",
                "res.partner",
                "dialog_post",
                [[self.customer.id], "Hallo"],
            )
        # another customer's portal user does not see the published one either
        other = self._xmlrpc(
            "olga.portal", "mail.message", "search_read", [[]], {"fields": ["id"]}
        )
        self.assertNotIn(published.id, [values["id"] for values in other])

    def test_portal_user_cannot_move_a_reply_over_rpc(self):
        with self.mock_mail_gateway():
            published = self.post(
                self.customer,
                "Für Sie",
                visibility="customer",
                contact_id=self.contact.id,
            )
        reply = published.sudo()._dialog_portal_reply(
            self.contact, "<p>Meine Antwort</p>", []
        )
        with self.assertRaises(xmlrpc.client.Fault):
            self._xmlrpc(
                "karl.portal",
                "mail.message",
                "write",
                [
                    [reply.id],
                    {
                        "dialog_partner_id": self.other_customer.id,
                        "body": "Zahlen Sie an",
                    },
                ],
            )
        self.assertEqual(reply.dialog_partner_id, self.customer)
