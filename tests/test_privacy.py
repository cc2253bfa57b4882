"""Only the delivery rules reach a customer (SPEC §2): every test here is an
attacker's or a follower's call that once leaked a dialog message."""

import hashlib
from urllib.parse import urlencode

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import DialogCase, needs_sale

SECRET = "Geheim: Kunde steht auf der Sperrliste"
SUBJECT = "Interne Bonitätsprüfung"
PUBLIC = "Ihr Vertrag wurde verlängert"
SECRET_FILE = b"%PDF-1.4 geheim"


class PrivacyCase(DialogCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_follower = cls._employee(
            "fritz.follower", "Fritz Follower", "fritz@test.example.com"
        )
        cls.all_subtypes = cls.env["mail.message.subtype"].search([])

    def follow_everything(self, record, partners):
        record.sudo().message_subscribe(
            partner_ids=partners.ids, subtype_ids=self.all_subtypes.ids
        )

    def sent_mails(self):
        """(recipient address, subject, body) of every email sent."""
        return [
            (to, mail["subject"] or "", mail["body"] or "", mail["attachments"])
            for mail in self._mails
            for to in mail["email_to"]
        ]


class TestFollowerMatrix(PrivacyCase):
    """For each row of SPEC §2, on a customer and on an order, outgoing and
    incoming, with followers of every kind following every subtype: the
    emails sent are exactly those the delivery rules allow."""

    def rows(self):
        customer_notice = self.customer  # contact Karl uses the portal
        return [
            # (customer, visibility, send_content, expected delivery)
            (self.customer, "internal", None, "none"),
            (self.customer_no_email, "customer", None, "none"),
            (self.customer_no_portal, "customer", None, "content"),
            (customer_notice, "customer", True, "content"),
            (customer_notice, "customer", False, "notice"),
        ]

    @needs_sale
    def test_matrix(self):
        followers = (
            self.user_follower.partner_id  # an employee
            | self.contact  # the customer's own contact (portal user)
            | self.other_contact  # another customer's contact (portal user)
        )
        for customer, visibility, send_content, expected in self.rows():
            order = self.env["sale.order"].create({"partner_id": customer.id})
            for record in (customer, order):
                self.follow_everything(record, followers)
                for direction in ("outgoing", "incoming"):
                    with (
                        self.subTest(
                            customer=customer.name,
                            record=record._name,
                            visibility=visibility,
                            send_content=send_content,
                            direction=direction,
                        ),
                        self.mock_mail_gateway(),
                    ):
                        message = self.post(
                            record,
                            SECRET,
                            subject=SUBJECT,
                            visibility=visibility,
                            direction=direction,
                            send_content=send_content,
                            attachment_ids=self.upload("geheim.pdf", SECRET_FILE).ids,
                        )
                        self.assertEqual(message.dialog_delivery, expected)
                        sent = self.sent_mails()
                        if expected == "none":
                            self.assertEqual(sent, [])
                            continue
                        self.assertEqual(
                            [to for to, *_rest in sent],
                            [f'"{customer.name}" <{customer.email}>'],
                        )
                        _to, subject, body, attachments = sent[0]
                        if expected == "notice":
                            self.assertNotIn("Sperrliste", body)
                            self.assertNotIn(SUBJECT, subject + body)
                            self.assertFalse(attachments)
                        else:
                            self.assertIn("Sperrliste", body)
                            self.assertEqual(len(attachments), 1)

    @needs_sale
    def test_portal_reply_notifies_only_the_responsible_employee(self):
        with self.mock_mail_gateway():
            conversation = self.post(
                self.order,
                PUBLIC,
                visibility="customer",
                user_id=self.user_follower.id,
            )
        self.follow_everything(
            self.order, self.contact | self.other_contact | self.partner_employee
        )
        with self.mock_mail_gateway():
            self.order.sudo()._dialog_post_portal_reply(
                conversation, self.contact, "<p>Danke, passt.</p>", []
            )
        self.assertEqual(
            [to for to, *_rest in self.sent_mails()],
            [f'"{self.user_follower.name}" <{self.user_follower.email}>'],
        )

    @needs_sale
    def test_portal_user_subscribing_himself_gets_nothing(self):
        """message_subscribe needs only read access: a portal user follows
        his own order and company with every subtype there is."""
        portal_env = self.user_portal.partner_id
        for record in (self.order, self.customer):
            record.with_user(self.user_portal).message_subscribe(
                partner_ids=portal_env.ids, subtype_ids=self.all_subtypes.ids
            )
        for record in (self.order, self.customer):
            with self.subTest(record=record._name), self.mock_mail_gateway():
                self.post(record, SECRET, subject=SUBJECT)
                self.post(record, PUBLIC, visibility="customer", send_content=False)
                sent = self.sent_mails()
                self.assertEqual(len(sent), 1, "only the notice of the second")
                self.assertNotIn("Sperrliste", sent[0][2])
                self.assertNotIn(PUBLIC, sent[0][2])

    @needs_sale
    def test_dialog_subtype_not_offered_to_followers(self):
        subtype = self.env.ref("customer_dialog.mt_dialog_customer")
        self.assertNotIn(subtype, self.order._mail_get_message_subtypes())
        self.assertNotIn(subtype, self.customer._mail_get_message_subtypes())


class TestVisibilityChange(PrivacyCase):
    """Changing internal to customer after posting is a new delivery
    decision under the same rules, or refused with the reason."""

    @needs_sale
    def test_internal_to_customer_is_delivered_like_a_post(self):
        with self.mock_mail_gateway():
            message = self.post(self.order, PUBLIC, subject="Vertrag")
        self.assertFalse(self._mails)
        with self.mock_mail_gateway():
            message.with_user(self.user_employee).write(
                {"dialog_visibility": "customer"}
            )
        self.assertEqual(message.dialog_visibility, "customer")
        self.assertTrue(message.dialog_published)
        self.assertFalse(message.is_internal)
        self.assertEqual(message.dialog_delivery, "notice")
        self.assertEqual(message.dialog_delivery_code, "notice")
        self.assertEqual(message.dialog_delivery_address, self.customer.email)
        self.assertTrue(message.dialog_delivery_message_id)
        self.assertIn(self.customer.email, message.dialog_delivery_info)
        self.assertEqual(len(self._mails), 1)
        self.assertNotIn(PUBLIC, self._mails[0]["body"])
        self.assertTrue(message.dialog_locked)

    def test_refused_without_valid_email(self):
        self.contact.email = "foo"
        message = self.post(self.customer, SECRET, contact_id=self.contact.id)
        for email in ("foo", False):
            self.contact.email = email
            with (
                self.subTest(email=email),
                self.mock_mail_gateway(),
                self.assertRaisesRegex(UserError, "no valid email address"),
            ):
                message.with_user(self.user_employee).write(
                    {"dialog_visibility": "customer"}
                )
            self.assertEqual(message.dialog_visibility, "internal")
            self.assertFalse(message.dialog_published)
            self.assertEqual(message.dialog_delivery_code, "internal")
            self.assertFalse(self._mails)

    @needs_sale
    def test_undelivered_customer_message_to_internal(self):
        with self.mock_mail_gateway():
            reply = self.order.sudo()._dialog_post_portal_reply(
                self.post(self.order, PUBLIC, visibility="customer"),
                self.contact,
                "<p>Meine Antwort</p>",
                [],
            )
        reply.with_user(self.user_manager).write({"dialog_visibility": "internal"})
        self.assertFalse(reply.dialog_published)
        self.assertTrue(reply.is_internal)
        self.assertEqual(reply.dialog_delivery_code, "internal")


@needs_sale
class TestShareUserRule(PrivacyCase):
    """One rule for share users over every path to mail.message."""

    def setUp(self):
        super().setUp()
        with self.mock_mail_gateway():
            self.internal = self.post(
                self.order,
                SECRET,
                subject=SUBJECT,
                follow_up_date="2030-01-01",
                attachment_ids=self.upload("intern-bonitaet.pdf", SECRET_FILE).ids,
            )
            self.published = self.post(
                self.order,
                PUBLIC,
                visibility="customer",
                send_content=True,
                subject="Vertrag",
            )

    def assertPortalCannotRead(self, message):
        Message = self.env["mail.message"].with_user(self.user_portal)
        with self.assertRaises(AccessError):
            message.with_user(self.user_portal).read(["body"])
        self.assertFalse(Message.search([("id", "=", message.id)]))
        self.assertFalse(Message._get_with_access(message.id, "read"))

    def test_tracking_log_of_publication_unreadable(self):
        self.published.with_user(self.user_employee).action_dialog_unpublish()
        log = self.env["mail.message"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", self.order.id),
                ("message_type", "=", "notification"),
                ("tracking_value_ids", "!=", False),
            ]
        )
        self.assertTrue(log)
        self.assertPortalCannotRead(log)

    def test_follow_up_activity_copies_no_text(self):
        activity = self.internal.dialog_activity_id
        self.assertTrue(activity)
        self.assertNotIn("Sperrliste", activity.note)
        # its title names the subject (a clerk tells to-dos apart by it),
        # never the text; customers get no to-dos (portal/mail_thread.py)
        self.assertNotIn("Sperrliste", activity.summary)
        self.assertIn(f"/{self.internal.id}", activity.note)
        activity.action_feedback(feedback="erledigt")
        done = self.env["mail.message"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", self.order.id),
                ("mail_activity_type_id", "!=", False),
            ]
        )
        self.assertTrue(done)
        self.assertNotIn("Sperrliste", done.body)
        self.assertPortalCannotRead(done)

    def test_internal_attachment_belongs_to_the_message(self):
        attachment = self.internal.attachment_ids
        self.assertEqual(
            (attachment.res_model, attachment.res_id),
            ("mail.message", self.internal.id),
        )
        with self.assertRaises(AccessError):
            attachment.with_user(self.user_portal).read(["name"])
        self.assertFalse(
            self.order.with_user(self.user_portal)
            .sudo()
            ._get_mail_thread_data_attachments()
            .filtered(lambda a: a.name == "intern-bonitaet.pdf")
        )

    def test_counters_count_only_what_the_customer_may_read(self):
        own = self.customer.with_user(self.user_portal)
        self.assertEqual(own.dialog_message_count, 1, "only the published one")
        self.assertEqual(
            self.customer.with_user(self.user_employee).dialog_message_count, 2
        )

    def test_delivery_copy_hidden_after_unpublish(self):
        copy = self.published.dialog_delivery_message_id
        self.assertTrue(copy)
        self.published.with_user(self.user_employee).action_dialog_unpublish()
        self.assertPortalCannotRead(copy)
        self.assertPortalCannotRead(self.published)

    def test_delivery_copy_is_never_a_second_way_in(self):
        self.assertPortalCannotRead(self.published.dialog_delivery_message_id)
        self.assertEqual(
            self.published.with_user(self.user_portal).read(["body"])[0]["id"],
            self.published.id,
        )

    def test_search_oracle_through_message_ids(self):
        Order = self.env["sale.order"].with_user(self.user_portal)
        Partner = self.env["res.partner"].with_user(self.user_portal)
        customer_message = self.post(self.customer, SECRET, subject=SUBJECT)
        self.assertTrue(customer_message)
        guesses = [
            ("message_ids.body", "ilike", "Sperrliste"),
            ("message_ids.subject", "ilike", "Bonität"),
            ("website_message_ids.body", "ilike", "Sperrliste"),
            ("website_message_ids.subject", "=", SUBJECT),
            ("message_ids", "any", [("body", "ilike", "Sperrliste")]),
            ("website_message_ids", "any", [("body", "ilike", "Sperrliste")]),
        ]
        for leaf in guesses:
            with self.subTest(leaf=leaf):
                self.assertEqual(
                    Order.search_count([("id", "=", self.order.id), leaf]), 0
                )
                self.assertEqual(
                    Partner.search_count([("id", "=", self.customer.id), leaf]), 0
                )
                self.assertFalse(
                    Order.search([("id", "=", self.order.id), "!", "!", leaf])
                )
        # auto_join chains that start on models without a chatter
        Users = self.env["res.users"].with_user(self.user_portal)
        own_partner = self.post(self.contact, SECRET, subject=SUBJECT)
        self.assertTrue(own_partner)
        chains = [
            (Users, [("partner_id.message_ids.body", "ilike", "Sperrliste")]),
            (Users, [("message_ids.subject", "ilike", "Bonität")]),
            (Users, [("partner_id.website_message_ids.body", "ilike", "Sperrliste")]),
            (
                Users,
                [
                    (
                        "partner_id.message_ids",
                        "any",
                        [
                            ("body", "=like", "<p>Geheim%"),
                            ("dialog_visibility", "=", "internal"),
                        ],
                    )
                ],
            ),
            (
                Partner,
                [("user_ids.partner_id.message_ids.body", "ilike", "Sperrliste")],
            ),
            (
                Order,
                [("partner_id.user_ids.partner_id.message_ids.body", "ilike", "Sperr")],
            ),
        ]
        for model, domain in chains:
            with self.subTest(model=model._name, domain=domain):
                self.assertEqual(model.search_count(domain), 0)
                self.assertFalse(
                    model.read_group(domain, ["id:count"], [])[0]["__count"]
                )
        # mail.message's rules apply to the whole path: a portal user may
        # not search attachments at all, instead of learning their names
        with self.assertRaises(AccessError):
            Order.search_count(
                [("message_ids.attachment_ids.name", "=", "intern-bonitaet.pdf")]
            )
        # what the customer may read is still found
        self.assertEqual(
            Order.search_count(
                [("id", "=", self.order.id), ("message_ids.body", "ilike", PUBLIC)]
            ),
            1,
        )
        # negations answer from the visible messages only
        self.assertEqual(
            Order.search_count(
                [
                    ("id", "=", self.order.id),
                    ("message_ids", "not any", [("body", "ilike", "Sperrliste")]),
                ]
            ),
            1,
        )

    def test_employee_search_through_message_ids_unchanged(self):
        Order = self.env["sale.order"].with_user(self.user_employee)
        self.assertEqual(
            Order.search_count(
                [
                    ("id", "=", self.order.id),
                    ("message_ids.body", "ilike", "Sperrliste"),
                ]
            ),
            1,
        )


class TestDeletedReference(PrivacyCase):
    @needs_sale
    def test_deleting_the_quotation_keeps_the_messages(self):
        # a sales manager, but only a Customer Dialog user
        self.user_employee.groups_id += self.env.ref("sales_team.group_sale_manager")
        quotation = self.env["sale.order"].create({"partner_id": self.contact.id})
        with self.mock_mail_gateway():
            delivered = self.post(quotation, PUBLIC, visibility="customer")
            internal = self.post(quotation, SECRET, follow_up_date="2030-01-01")
        copy = delivered.dialog_delivery_message_id
        name = quotation.name
        quotation.with_user(self.user_employee).unlink()
        for message in (delivered, internal):
            self.assertTrue(message.exists())
            self.assertEqual(
                (message.model, message.res_id), ("res.partner", self.customer.id)
            )
            self.assertIn(name, message.dialog_deleted_reference)
        self.assertEqual((copy.model, copy.res_id), ("res.partner", self.customer.id))
        self.assertEqual(delivered.dialog_delivery_state, "sent")
        self.assertEqual(internal.dialog_activity_id.res_model, "res.partner")
        with self.assertRaises(AccessError):
            delivered.with_user(self.user_employee).unlink()
        delivered.with_user(self.user_manager).unlink()
        self.assertFalse(delivered.exists())
        self.assertFalse(copy.exists(), "the delivery email goes with its message")

    @needs_sale
    def test_the_documents_files_a_message_carries_stay_with_it(self):
        quotation = self.env["sale.order"].create({"partner_id": self.contact.id})
        contract = self.env["ir.attachment"].create(
            {
                "name": "vertrag.pdf",
                "raw": b"%PDF vertrag",
                "res_model": "sale.order",
                "res_id": quotation.id,
            }
        )
        with self.mock_mail_gateway():
            delivered = self.post(
                quotation, PUBLIC, visibility="customer", attachment_ids=contract.ids
            )
        quotation.unlink()
        self.assertEqual(delivered.attachment_ids, contract)
        self.assertEqual(
            (contract.res_model, contract.res_id), ("mail.message", delivered.id)
        )
        self.assertEqual(contract.raw, b"%PDF vertrag")

    def test_a_contact_who_received_messages_cannot_be_deleted(self):
        with self.mock_mail_gateway():
            self.post(
                self.customer,
                PUBLIC,
                visibility="customer",
                contact_id=self.contact.id,
            )
        with self.assertRaisesRegex(UserError, "archive"):
            self.contact.unlink()
        self.assertTrue(self.contact.exists())

    def test_customer_with_a_file_cannot_be_deleted(self):
        self.post(self.customer_no_portal, SECRET)
        with self.assertRaisesRegex(UserError, "archive"):
            self.customer_no_portal.unlink()
        self.assertTrue(self.customer_no_portal.exists())


class TestCustomerLevel(PrivacyCase):
    """Portal access and the content flag are the customer's."""

    def test_contact_portal_user_gives_customer_access(self):
        self.assertTrue(self.customer.dialog_portal_access)
        self.assertTrue(self.contact.dialog_portal_access)
        self.assertIn(
            self.customer,
            self.env["res.partner"].search([("dialog_portal_access", "=", True)]),
        )
        # a message to the company's own address is a notice, too
        with self.mock_mail_gateway():
            message = self.post(self.customer, PUBLIC, visibility="customer")
        self.assertEqual(message.dialog_delivery, "notice")

    @needs_sale
    def test_flag_on_company_holds_for_every_contact(self):
        second = self.env["res.partner"].create(
            {
                "name": "Zweiter Kontakt",
                "parent_id": self.customer.id,
                "email": "zweiter@kundenfirma.example.com",
            }
        )
        self.customer.dialog_mail_content = True
        self.assertTrue(self.contact.dialog_mail_content)
        self.assertTrue(second.dialog_mail_content)
        with self.mock_mail_gateway():
            message = self.post(
                self.order, PUBLIC, visibility="customer", contact_id=second.id
            )
        self.assertEqual(message.dialog_delivery, "content")

    def test_wizard_writes_the_customers_flag(self):
        wizard = (
            self.env["portal.wizard"]
            .with_context(active_ids=self.contact.ids, active_model="res.partner")
            .create({})
        )
        wizard.user_ids.dialog_mail_content = True
        self.assertTrue(self.customer.dialog_mail_content)
        self.assertTrue(self.contact.dialog_mail_content)


class TestDecisionLanguage(PrivacyCase):
    def test_decision_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["customer_dialog"], ["de_DE"])
        with self.mock_mail_gateway():
            message = self.post(self.customer_no_portal, PUBLIC, visibility="customer")
        english = message.with_context(lang="en_US").dialog_delivery_info
        german = message.with_context(lang="de_DE").dialog_delivery_info
        self.assertIn("Full content emailed to", english)
        self.assertNotIn("Full content emailed to", german)
        self.assertIn(self.customer_no_portal.email, german)
        self.user_employee.lang = "de_DE"
        as_german_user = message.with_user(self.user_employee).with_context(
            lang=self.user_employee.lang
        )
        self.assertEqual(
            as_german_user.read(["dialog_delivery_info"])[0]["dialog_delivery_info"],
            german,
        )


@tagged("post_install", "-at_install")
@needs_sale
class TestTokenHolder(HttpCase, PrivacyCase):
    """The order's access token (shown on the customer's /my/orders page)
    opens Odoo's thread routes; they show nothing internal."""

    def test_thread_data_with_token(self):
        with self.mock_mail_gateway():
            self.post(
                self.order,
                SECRET,
                subject=SUBJECT,
                follow_up_date="2030-01-01",
                attachment_ids=self.upload("intern-bonitaet.pdf", SECRET_FILE).ids,
            )
        self.order._portal_ensure_token()
        for login in (None, "olga.portal"):
            if login:
                self.authenticate(login, login)
            with self.subTest(login=login):
                result = self.make_jsonrpc_request(
                    "/mail/thread/data",
                    {
                        "thread_model": "sale.order",
                        "thread_id": self.order.id,
                        "request_list": ["activities", "attachments"],
                        "token": self.order.access_token,
                    },
                )
                text = str(result)
                self.assertNotIn("Sperrliste", text)
                self.assertNotIn(SUBJECT, text)
                self.assertNotIn("intern-bonitaet", text)
                # the follow-up names its hidden message, date and responsible
                self.assertNotIn("mail.activity", result)
                self.assertNotIn("2030-01-01", text)
                fetched = self.make_jsonrpc_request(
                    "/mail/chatter_fetch",
                    {
                        "thread_model": "sale.order",
                        "thread_id": self.order.id,
                        "token": self.order.access_token,
                    },
                )
                self.assertNotIn("Sperrliste", str(fetched))

    def test_employees_still_get_the_documents_activities(self):
        with self.mock_mail_gateway():
            self.post(self.order, SECRET, follow_up_date="2030-01-01")
        self.authenticate(self.user_employee.login, self.user_employee.login)
        result = self.make_jsonrpc_request(
            "/mail/thread/data",
            {
                "thread_model": "sale.order",
                "thread_id": self.order.id,
                "request_list": ["activities"],
            },
        )
        self.assertEqual(
            [activity["date_deadline"] for activity in result["mail.activity"]],
            ["2030-01-01"],
        )

    def test_token_on_a_document_without_one_is_no_access(self):
        self.order.sudo().access_token = False
        for token in ("x", "", "0"):
            with self.subTest(token=token):
                result = self.make_jsonrpc_request(
                    "/mail/thread/data",
                    {
                        "thread_model": "sale.order",
                        "thread_id": self.order.id,
                        "request_list": ["attachments"],
                        "token": token,
                    },
                )
                self.assertNotIn("attachments", str(result))

    def test_avatar_route_reveals_no_hidden_message(self):
        """Portal answers the author's picture for any message id on the
        document whose token the visitor holds: hidden ones get the
        placeholder, like ids that do not exist."""
        with self.mock_mail_gateway():
            internal = self.post(self.order, SECRET)
            public = self.post(
                self.order, PUBLIC, visibility="customer", send_content=True
            )
        token = self.order._portal_ensure_token()

        def avatar(message_id, **params):
            url = f"/mail/avatar/mail.message/{message_id}/author_avatar/50x50"
            response = self.url_open(f"{url}?{urlencode(params)}")
            self.assertEqual(response.status_code, 200)
            return hashlib.sha1(response.content).hexdigest()

        placeholder = avatar(0, access_token=token)
        # without a login a token opens no dialog message (SPEC: no access
        # tokens that bypass login); the customer's login opens the public one
        for login, public_shown in ((None, False), ("karl.portal", True)):
            if login:
                self.authenticate(login, login)
            with self.subTest(login=login):
                shown = avatar(public.id, access_token=token) != placeholder
                self.assertEqual(shown, public_shown)
                self.assertEqual(avatar(internal.id, access_token=token), placeholder)
                for params in (
                    {"access_token": "x"},
                    {"_hash": "x", "pid": "abc"},
                    {"_hash": "x", "pid": "²"},
                    {"_hash": "x", "pid": "9" * 30},
                ):
                    self.assertEqual(avatar(internal.id, **params), placeholder)
        # a message of no document (a notification) that the visitor may read
        notification = self.env["mail.thread"].message_notify(
            partner_ids=self.partner_admin.ids, body="Hallo", subject="Hallo"
        )
        self.authenticate("admin", "admin")
        self.assertEqual(avatar(notification.id, access_token="x"), placeholder)

    def test_thread_messages_and_file_urls_as_portal_user(self):
        with self.mock_mail_gateway():
            internal = self.post(
                self.order,
                SECRET,
                subject=SUBJECT,
                attachment_ids=self.upload("intern-bonitaet.pdf", SECRET_FILE).ids,
            )
            self.post(self.order, PUBLIC, visibility="customer", send_content=True)
        attachment = internal.attachment_ids
        attachment.generate_access_token()
        self.authenticate("karl.portal", "karl.portal")
        result = self.make_jsonrpc_request(
            "/mail/thread/messages",
            {"thread_model": "sale.order", "thread_id": self.order.id},
        )
        text = str(result)
        self.assertIn(PUBLIC, text)
        self.assertNotIn("Sperrliste", text)
        self.assertNotIn(SUBJECT, text)
        self.assertNotIn(str(internal.id), [str(i) for i in result["messages"]])
        for url in (
            f"/web/content/{attachment.id}",
            f"/web/content/{attachment.id}?download=true",
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertIn(response.status_code, (403, 404))
                self.assertNotIn(b"geheim", response.content)
