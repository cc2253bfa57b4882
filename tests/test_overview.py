from datetime import date, timedelta

from odoo.tools.safe_eval import safe_eval

from .common import DialogCase, needs_sale


@needs_sale
class TestOverview(DialogCase):
    """The customer file: counts, the tab, the overview action and its filters."""

    def setUp(self):
        super().setUp()
        with self.mock_mail_gateway():
            self.on_customer = self.post(
                self.customer,
                "Am Kunden",
                channel="phone",
                topic_id=self.topic_general.id,
            )
            self.on_contact = self.post(
                self.contact, "Am Kontakt", channel="letter", direction="incoming"
            )
            self.on_order = self.post(
                self.order,
                "Am Auftrag",
                visibility="customer",
                contact_id=self.contact.id,
                channel="email",
                follow_up_date=date.today() - timedelta(days=1),
                user_id=self.user_manager.id,
            )
            self.foreign = self.post(self.other_customer, "Fremd")
            self.order.message_post(body="Normale Notiz, keine Dialognachricht")

    def test_count_covers_contacts_and_references(self):
        self.assertEqual(self.customer.dialog_message_count, 3)
        self.assertEqual(
            self.contact.dialog_message_count, 3, "a contact shows its company's file"
        )
        self.assertEqual(self.other_customer.dialog_message_count, 1)
        self.assertEqual(
            self.customer.with_user(self.user_employee).dialog_message_ids,
            self.on_order | self.on_contact | self.on_customer,
        )

    def test_open_messages_action(self):
        action = self.contact.action_dialog_open_messages()
        self.assertEqual(action["res_model"], "mail.message")
        found = (
            self.env["mail.message"]
            .with_user(self.user_employee)
            .search(action["domain"])
        )
        self.assertEqual(found, self.on_customer | self.on_contact | self.on_order)
        views = [view_type for _view_id, view_type in action["views"]]
        self.assertEqual(views, ["list", "kanban", "form", "pivot", "graph"])

    def _filter_domain(self, name):
        view = self.env.ref("customer_dialog.mail_message_dialog_view_search")
        node = next(f for f in view.arch_db.split("<filter") if f'name="{name}"' in f)
        raw = node.split('domain="', 1)[1].split('"', 1)[0].replace("&lt;", "<")
        context = {"uid": self.user_employee.id, "context_today": date.today}
        return safe_eval(raw, context)

    def _search_filter(self, name):
        action = self.env.ref("customer_dialog.mail_message_dialog_action")
        ours = self.on_customer | self.on_contact | self.on_order | self.foreign
        domain = [
            *safe_eval(action.domain),
            *self._filter_domain(name),
            ("id", "in", ours.ids),
        ]
        return self.env["mail.message"].with_user(self.user_employee).search(domain)

    def test_filters(self):
        everything = self.on_customer | self.on_contact | self.on_order | self.foreign
        self.assertEqual(self._search_filter("filter_mine"), everything)
        self.assertEqual(self._search_filter("filter_customer"), self.on_order)
        self.assertEqual(
            self._search_filter("filter_internal"), everything - self.on_order
        )
        self.assertEqual(self._search_filter("filter_published"), self.on_order)
        self.assertEqual(self._search_filter("filter_incoming"), self.on_contact)
        self.assertEqual(self._search_filter("filter_phone"), self.on_customer)
        self.assertEqual(self._search_filter("filter_letter"), self.on_contact)
        self.assertEqual(self._search_filter("filter_follow_up_due"), self.on_order)
        self.assertFalse(self._search_filter("filter_delivery_failed"))
        self.on_customer.with_user(self.user_employee).action_dialog_archive()
        self.assertEqual(self._search_filter("filter_archived"), self.on_customer)
        self.assertNotIn(self.on_customer, self._search_filter("filter_active"))
        self.assertNotIn(self.on_customer, self.customer.dialog_message_ids)

    def test_group_by_reference_and_topic(self):
        Message = self.env["mail.message"].with_user(self.user_employee)
        domain = [("dialog_partner_id", "=", self.customer.id)]
        by_type = dict(
            Message._read_group(domain, ["dialog_reference_model"], ["__count"])
        )
        self.assertEqual(by_type, {"res.partner": 2, "sale.order": 1})
        by_topic = dict(Message._read_group(domain, ["dialog_topic_id"], ["__count"]))
        self.assertEqual(by_topic[self.topic_general], 1)
        by_month = Message._read_group(domain, ["date:month"], ["__count"])
        self.assertEqual(sum(count for _month, count in by_month), 3)

    def test_views_load(self):
        Message = self.env["mail.message"].with_user(self.user_employee)
        for view_type in ("list", "kanban", "form", "pivot", "graph", "search"):
            view = self.env.ref(f"customer_dialog.mail_message_dialog_view_{view_type}")
            arch = Message.get_view(view.id, view_type)["arch"]
            self.assertIn("dialog_", arch)
        partner_arch = self.customer.with_user(self.user_employee).get_view(
            view_type="form"
        )["arch"]
        self.assertIn("action_dialog_open_messages", partner_arch)
        self.assertIn("dialog_message_ids", partner_arch)

    def test_reference_opens(self):
        action = self.on_order.action_dialog_open_reference()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("sale.order", self.order.id)
        )
