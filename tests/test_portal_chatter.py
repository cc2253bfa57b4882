"""A document's portal chatter and the customer file: the order's page lists
the dialog messages published for its customer (each leading to its
conversation on /my/messages), and a customer's post there is an incoming
dialog message with a to-do, exactly as a reply on /my/messages. Tested as
the customer, another customer, a token holder without login and a forged
request."""

import json

from odoo.tests import HttpCase, tagged

from .common import DialogCase, needs_sale


@tagged("post_install", "-at_install")
@needs_sale
class TestPortalChatter(HttpCase, DialogCase):
    def setUp(self):
        super().setUp()
        self.order.user_id = self.user_employee
        with self.mock_mail_gateway():
            self.published = self.post(
                self.order,
                "Die Lieferung kommt am Montag.",
                visibility="customer",
                subject="Liefertermin",
            )
            self.internal = self.post(self.order, "Kunde zahlt spät.", subject="Intern")
        self.other_order = self.env["sale.order"].create(
            {"partner_id": self.other_contact.id}
        )

    def fetch(self, order, **kw):
        return self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {"thread_model": "sale.order", "thread_id": order.id, **kw},
        )

    def bodies(self, result):
        return " ".join(m["body"] for m in result["data"]["mail.message"])

    def refusal(self, order, body, **kw):
        """The error message of a refused post (a JSON-RPC error, never a
        traceback page)."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "thread_model": "sale.order",
                "thread_id": order.id,
                "post_data": {"body": body, "message_type": "comment"},
                **kw,
            },
        }
        response = self.url_open(
            "/mail/message/post",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("error", response.json(), response.text[:300])
        return response.json()["error"]["data"]["message"]

    def post_in_chatter(self, order, body, **kw):
        return self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "sale.order",
                "thread_id": order.id,
                "post_data": {
                    "body": body,
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
                **kw,
            },
        )

    def test_the_orders_chatter_shows_its_published_dialog(self):
        self.authenticate("karl.portal", "karl.portal")
        for kw in ({}, {"token": self.order._portal_ensure_token()}):
            with self.subTest(**kw):
                bodies = self.bodies(self.fetch(self.order, **kw))
                self.assertIn("Die Lieferung kommt am Montag.", bodies)
                self.assertIn("Liefertermin", bodies)
                self.assertIn(f'href="/my/messages/{self.published.id}"', bodies)
                self.assertNotIn("Kunde zahlt spät.", bodies)

    def test_nothing_of_another_customer_with_or_without_token(self):
        self.authenticate("olga.portal", "olga.portal")
        self.assertNotIn("Die Lieferung", self.bodies(self.fetch(self.order)))
        bodies = self.bodies(
            self.fetch(self.order, token=self.order._portal_ensure_token())
        )
        self.assertNotIn("Die Lieferung", bodies)
        self.assertNotIn("Kunde zahlt", bodies)
        # a token holder without login
        self.authenticate(None, None)
        bodies = self.bodies(self.fetch(self.order, token=self.order.access_token))
        self.assertNotIn("Die Lieferung", bodies)
        self.assertNotIn("Kunde zahlt", bodies)

    def test_a_customers_post_is_an_incoming_dialog_message_with_a_todo(self):
        self.authenticate("karl.portal", "karl.portal")
        with self.mock_mail_gateway():
            self.post_in_chatter(
                self.order,
                "Bitte liefern Sie erst am Dienstag.",
                token=self.order._portal_ensure_token(),
            )
        message = self.env["mail.message"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", self.order.id),
                ("body", "ilike", "erst am Dienstag"),
            ]
        )
        self.assertEqual(message.dialog_partner_id, self.customer)
        self.assertEqual(message.dialog_contact_id, self.contact)
        self.assertEqual(message.dialog_direction, "incoming")
        self.assertEqual(message.dialog_channel, "portal")
        self.assertEqual(message.dialog_delivery_code, "portal_reply")
        self.assertTrue(message.dialog_published)
        self.assertEqual(message.dialog_user_id, self.user_employee)
        self.assertTrue(message.dialog_activity_id)
        self.assertEqual(message.dialog_activity_id.user_id, self.user_employee)
        # it is in the customer file and on /my/messages
        self.assertIn(
            message,
            self.env["mail.message"].search(
                self.env["mail.message"]._dialog_portal_domain(self.contact)
            ),
        )
        page = self.url_open(f"/my/messages/{message.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("erst am Dienstag", page.text)
        # the customer is not emailed their own post; the salesperson is told
        self.assertFalse(self.sent_emails_to(self.contact.email))

    def test_the_customer_writes_without_the_documents_token(self):
        """Odoo asks write access on the order: its own customer, logged in,
        may still write there, as a dialog message."""
        self.authenticate("karl.portal", "karl.portal")
        self.post_in_chatter(self.order, "Ohne Token geschrieben.")
        message = self.env["mail.message"].search([("body", "ilike", "Ohne Token")])
        self.assertEqual(message.dialog_partner_id, self.customer)
        self.assertEqual(message.dialog_direction, "incoming")
        # not a way to change the order, nor to write on another kind of
        # document (no dialog message is filed on it)
        self.assertFalse(self.order.with_user(self.user_portal).has_access("write"))

    def test_a_token_holder_without_login_posts_as_the_customer(self):
        self.authenticate(None, None)
        self.post_in_chatter(
            self.order,
            "Ohne Anmeldung geschrieben.",
            token=self.order._portal_ensure_token(),
        )
        message = self.env["mail.message"].search([("body", "ilike", "Ohne Anmeldung")])
        self.assertEqual(message.dialog_partner_id, self.customer)
        self.assertEqual(message.author_id, self.contact)
        self.assertEqual(message.dialog_direction, "incoming")

    def test_a_forged_thread_is_refused_with_a_sentence(self):
        self.authenticate("karl.portal", "karl.portal")
        for thread_id in (self.other_order.id, 10**9):
            with self.subTest(thread_id=thread_id):
                message = self.refusal(
                    self.other_order.browse(thread_id), "Eingeschmuggelt"
                )
                self.assertIn("could not be posted here", message)
        self.assertFalse(
            self.env["mail.message"].search_count(
                [("body", "ilike", "Eingeschmuggelt")]
            )
        )

    def test_ten_megabytes_of_text_are_refused(self):
        self.authenticate("karl.portal", "karl.portal")
        message = self.refusal(
            self.order,
            "x" * (10 * 1024 * 1024),
            token=self.order._portal_ensure_token(),
        )
        self.assertIn("too long", message)
        self.assertFalse(
            self.env["mail.message"].search_count(
                [
                    ("model", "=", "sale.order"),
                    ("res_id", "=", self.order.id),
                    ("dialog_direction", "=", "incoming"),
                ]
            )
        )

    def raw_post(self, params):
        """/mail/message/post as the browser (or an attacker) sends it."""
        return self.url_open(
            "/mail/message/post",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json"},
        )

    def test_a_customer_cannot_choose_kind_subtype_or_context(self):
        """Whatever the request says, the post is a comment filed as the
        system files it: its subtype, an active to-do, no new follower."""
        self.customer.user_id = self.user_employee
        self.authenticate("karl.portal", "karl.portal")
        response = self.raw_post(
            {
                "thread_model": "res.partner",
                "thread_id": self.customer.id,
                "post_data": {
                    "body": "Als Notiz getarnt",
                    "message_type": "notification",
                    "subtype_xmlid": "mail.mt_note",
                    "subtype_id": 1,
                },
                "context": {"default_active": False, "tz": "Europe/Berlin"},
            }
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("error", response.json())
        message = self.env["mail.message"].search([("body", "ilike", "Als Notiz")])
        self.assertEqual(message.message_type, "comment")
        self.assertEqual(
            message.subtype_id, self.env.ref("customer_dialog.mt_dialog_customer")
        )
        self.assertFalse(message.is_internal)
        self.assertEqual(message.dialog_direction, "incoming")
        self.assertTrue(message.dialog_activity_id.active)
        self.assertNotIn(self.contact, self.customer.message_partner_ids)

    def test_an_employee_with_the_token_sees_no_unpublished_message(self):
        self.published.sudo().dialog_published = False
        plain = self._employee("plain.employee", "Paula Plain")
        plain.password = "plain.employee"
        self.authenticate("plain.employee", "plain.employee")
        bodies = self.bodies(
            self.fetch(self.order, token=self.order._portal_ensure_token())
        )
        self.assertNotIn("Die Lieferung", bodies)
        self.assertNotIn("Kunde zahlt", bodies)

    def test_requests_of_the_wrong_shape_are_4xx(self):
        self.authenticate("karl.portal", "karl.portal")
        post_data = {"body": "Hallo", "message_type": "comment"}
        for params in (
            {"thread_model": "sale.order", "thread_id": "abc", "post_data": post_data},
            {"thread_model": "sale.order", "thread_id": 1.5, "post_data": post_data},
            {"thread_model": "sale.order", "thread_id": True, "post_data": post_data},
            {
                "thread_model": "sale.order",
                "thread_id": [self.order.id, self.other_order.id],
                "post_data": post_data,
            },
            {"thread_model": "no.such.model", "thread_id": 1, "post_data": post_data},
            {
                "thread_model": "sale.order",
                "thread_id": self.order.id,
                "post_data": "x",
            },
            {
                "thread_model": "sale.order",
                "thread_id": self.order.id,
                "post_data": post_data,
                "context": "x",
            },
        ):
            with self.subTest(params=params):
                response = self.raw_post(params)
                self.assertLess(response.status_code, 500)
                if response.status_code == 200 and "error" in response.json():
                    self.assertNotIn(
                        response.json()["error"]["data"]["name"],
                        (
                            "builtins.AttributeError",
                            "builtins.TypeError",
                            "builtins.ValueError",
                            "werkzeug.exceptions.InternalServerError",
                        ),
                    )
        for thread_id in ("abc", 1.5, [self.order.id, self.other_order.id]):
            with self.subTest(fetch=thread_id):
                response = self.url_open(
                    "/mail/chatter_fetch",
                    data=json.dumps(
                        {
                            "jsonrpc": "2.0",
                            "method": "call",
                            "params": {
                                "thread_model": "sale.order",
                                "thread_id": thread_id,
                            },
                        }
                    ),
                    headers={"Content-Type": "application/json"},
                )
                self.assertLess(response.status_code, 500)
                self.assertNotIn("Die Lieferung", response.text)
                error = response.json().get("error")
                self.assertTrue(error)
                self.assertEqual(error["data"]["name"], "werkzeug.exceptions.NotFound")

    def test_which_chatters_are_part_of_the_customer_file(self):
        """Sales orders, invoices and tasks from their first day (before any
        dialog message is filed on them), any kind of document that holds
        dialog messages; never a discussion, nor what is not a chatter."""
        Message = self.env["mail.message"]
        models = Message._dialog_customer_chatter_models()
        self.assertIn("sale.order", models)
        self.assertIn("account.move", models)
        self.assertIn("res.partner", models)  # holds dialog messages
        self.assertNotIn("discuss.channel", models)
        self.env["ir.config_parameter"].set_param(
            "customer_dialog.portal_chatter_models", "res.users, no.such.model,"
        )
        models = Message._dialog_customer_chatter_models()
        self.assertNotIn("account.move", models)
        self.assertNotIn("no.such.model", models)
        self.assertIn("sale.order", models)  # holds dialog messages
