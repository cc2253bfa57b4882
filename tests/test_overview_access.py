"""An employee's searches of dialog messages apply mail's read rule in SQL
(models/mail_message.py, _dialog_search): they must find exactly what mail's
own check of every message's document finds, for every kind of employee."""

from odoo.addons.mail.models.mail_message import Message as MailMessage

from ..tools.dialog_domain import only_dialog_messages
from .common import DialogCase, needs_sale


@needs_sale
class TestOverviewAccess(DialogCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_plain = cls._employee(
            "paula.plain", "Paula Plain", "paula@test.example.com"
        )
        other_company = cls.env["res.company"].create({"name": "Schwester GmbH"})
        cls.sister_customer = cls.env["res.partner"].create(
            {
                "name": "Kunde der Schwester",
                "is_company": True,
                "email": "info@schwester-kunde.example.com",
                "company_id": other_company.id,
            }
        )
        cls.user_sister = cls._employee(
            "sina.sister", "Sina Schwester", "sina@test.example.com"
        )
        cls.user_sister.write(
            {"company_ids": [(4, other_company.id)], "company_id": other_company.id}
        )

    def setUp(self):
        super().setUp()
        with self.mock_mail_gateway():
            self.messages = (
                self.post(self.customer, "Am Kunden")
                | self.post(self.order, "Am Auftrag", visibility="customer")
                | self.post(
                    self.order,
                    "Für Paula am Auftrag",
                    user_id=self.user_plain.id,
                )
                | self.post(self.contact, "Am Kontakt", user=self.user_manager)
                | self.post(self.sister_customer, "Schwester", user=self.user_sister)
            )
        # the responsible of a portal reply on the order is its recipient
        self.order._dialog_post_portal_reply(
            self.messages[1], self.contact, "<p>Danke</p>", []
        )
        self.order.message_post(body="Keine Dialognachricht")

    def assertSameAsMail(self, user, domain):
        Message = self.env["mail.message"].with_user(user)
        self.assertTrue(only_dialog_messages(domain))
        found = Message.search(domain)
        expected = Message.browse(MailMessage._search(Message, domain).get_result_ids())
        self.assertEqual(found, expected, f"{user.login}: {domain}")
        self.assertEqual(Message.search_count(domain), len(expected))
        # with an offset, mail's own check (it skips before it filters)
        paged = Message.browse(
            MailMessage._search(Message, domain, offset=1, order="id").get_result_ids()
        )
        self.assertEqual(Message.search(domain, offset=1, order="id"), paged)
        return found

    def test_same_messages_as_mail_for_every_employee(self):
        domains = [
            [("dialog_visibility", "!=", False)],
            [("dialog_partner_id", "=", self.customer.id)],
            [("dialog_partner_id", "in", self.sister_customer.ids)],
            ["&", ("dialog_visibility", "=", "internal"), ("body", "ilike", "Auftrag")],
        ]
        users = (
            self.user_employee,
            self.user_plain,
            self.user_manager,
            self.user_sister,
        )
        found = {}
        for user in users:
            for domain in domains:
                with self.subTest(user=user.login, domain=domain):
                    found[user, str(domain)] = self.assertSameAsMail(user, domain)
        everything = str(domains[0])
        # the cases the rule is about: no sales rights, another company
        self.assertFalse(
            found[self.user_plain, everything].filtered(
                lambda m: m.model == "sale.order"
                and m.author_id != self.user_plain.partner_id
            )
        )
        self.assertNotIn(
            self.sister_customer, found[self.user_plain, everything].dialog_partner_id
        )
        self.assertIn(
            self.sister_customer, found[self.user_sister, everything].dialog_partner_id
        )

    def test_a_new_reference_model_is_found_at_once(self):
        Message = self.env["mail.message"]
        Message.sudo().search(
            [("model", "=", "sale.order"), ("dialog_visibility", "!=", False)]
        ).unlink()
        self.env.registry.clear_cache()
        self.assertNotIn("sale.order", Message._dialog_models())
        with self.mock_mail_gateway():
            message = self.post(self.order, "Der erste am Auftrag")
        self.assertIn("sale.order", Message._dialog_models())
        self.env.cr.execute(
            "SELECT DISTINCT model FROM mail_message "
            "WHERE dialog_visibility IS NOT NULL AND model IS NOT NULL"
        )
        self.assertEqual(
            Message._dialog_models(),
            {row[0] for row in self.env.cr.fetchall()} | {"res.partner"},
        )
        found = self.assertSameAsMail(
            self.user_employee, [("dialog_visibility", "!=", False)]
        )
        self.assertIn(message, found)

    def test_customer_count_is_what_the_user_may_read(self):
        for user in (self.user_employee, self.user_plain):
            with self.subTest(user=user.login):
                customer = self.customer.with_user(user)
                self.assertEqual(
                    customer.dialog_message_count,
                    self.env["mail.message"]
                    .with_user(user)
                    .search_count(customer._dialog_messages_domain()),
                )
        self.assertLess(
            self.customer.with_user(self.user_plain).dialog_message_count,
            self.customer.with_user(self.user_employee).dialog_message_count,
        )

    def test_only_dialog_domains_take_the_sql_path(self):
        for domain, expected in (
            ([("dialog_visibility", "!=", False)], True),
            ([("dialog_partner_id", "=", 7), ("date", ">", "2020-01-01")], True),
            ([("dialog_partner_id", "in", [7, 8])], True),
            (["|", ("dialog_visibility", "!=", False), ("id", "=", 1)], False),
            (["!", ("dialog_visibility", "=", False)], False),
            ([("dialog_visibility", "=", False)], False),
            ([("dialog_partner_id", "in", [])], False),
            ([("dialog_partner_id.name", "=", "x")], False),
            ([], False),
        ):
            with self.subTest(domain=domain):
                self.assertEqual(only_dialog_messages(domain), expected)

    def test_group_by_in_constant_queries(self):
        Message = self.env["mail.message"].with_user(self.user_manager)
        domain = [("dialog_visibility", "!=", False)]
        Message.read_group(domain, ["dialog_topic_id"], ["dialog_topic_id"])
        queries = self.count_queries(
            lambda: Message.read_group(domain, ["dialog_topic_id"], ["dialog_topic_id"])
        )
        with self.mock_mail_gateway():
            for index in range(5):
                self.post(self.customer, f"Mehr {index}", user=self.user_manager)
        self.assertEqual(
            self.count_queries(
                lambda: Message.read_group(
                    domain, ["dialog_topic_id"], ["dialog_topic_id"]
                )
            ),
            queries,
        )
