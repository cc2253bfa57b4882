from odoo.exceptions import AccessError

from .common import DialogCase


class TestSecurity(DialogCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.topic = cls.env.ref("customer_dialog.topic_general")

    def test_employees_are_dialog_users(self):
        self.assertTrue(
            self.user_employee.has_group("customer_dialog.group_customer_dialog_user")
        )
        self.assertFalse(
            self.user_employee.has_group(
                "customer_dialog.group_customer_dialog_manager"
            )
        )
        self.assertTrue(
            self.user_manager.has_group("customer_dialog.group_customer_dialog_user")
        )
        self.assertTrue(
            self.env.ref("base.user_admin").has_group(
                "customer_dialog.group_customer_dialog_manager"
            )
        )
        self.assertFalse(
            self.user_portal.has_group("customer_dialog.group_customer_dialog_user")
        )

    def test_user_reads_but_cannot_write_topics(self):
        Topic = self.env["customer_dialog.topic"].with_user(self.user_employee)
        self.assertIn(self.topic, Topic.search([]))
        self.assertEqual(self.topic.with_user(self.user_employee).name, "General")
        with self.assertRaises(AccessError):
            Topic.create({"name": "Nicht erlaubt"})
        with self.assertRaises(AccessError):
            self.topic.with_user(self.user_employee).write({"name": "Geändert"})
        with self.assertRaises(AccessError):
            self.topic.with_user(self.user_employee).unlink()
        self.assertEqual(self.topic.name, "General")

    def test_manager_maintains_topics(self):
        Topic = self.env["customer_dialog.topic"].with_user(self.user_manager)
        topic = Topic.create({"name": "Mahnung", "default_visibility": "customer"})
        topic.write({"name": "Zahlungserinnerung"})
        self.assertEqual(topic.name, "Zahlungserinnerung")
        topic.unlink()
        self.assertFalse(topic.exists())

    def test_portal_user_has_no_topic_access(self):
        with self.assertRaises(AccessError):
            self.env["customer_dialog.topic"].with_user(self.user_portal).search([])

    def test_topic_menu_for_managers_only(self):
        menu = self.env.ref("customer_dialog.menu_customer_dialog_topic")
        Menu = self.env["ir.ui.menu"]
        manager_menus = Menu.with_user(self.user_manager).load_menus(False)
        employee_menus = Menu.with_user(self.user_employee).load_menus(False)
        self.assertIn(menu.id, manager_menus)
        self.assertNotIn(menu.id, employee_menus)


class TestContextMarkers(DialogCase):
    """Every marker that opens a path (creating dialog messages with read
    access, filing an email as the gateway, a delivery's headers, a cached
    rendering, claiming emails after a commit) is read one way, and what an
    RPC caller can put into a context (text, numbers, lists, dicts, true) is
    never one."""

    def test_no_value_from_a_caller_is_a_marker(self):
        from ..tools.dialog_constants import ContextMarker

        markers = ContextMarker.__subclasses__()
        self.assertEqual(
            {marker.key for marker in markers},
            {
                "customer_dialog_post",
                "customer_dialog_cached_rendering",
                "customer_dialog_gateway",
                "customer_dialog_delivery",
                "customer_dialog_portal_chatter",
                "customer_dialog_file_access",
                "customer_dialog_read_for",
                "customer_dialog_quiet_log",
                "customer_dialog_send_after_commit",
                "customer_dialog_sanitized",
            },
        )
        su_env = self.env(su=True)
        for marker in markers:
            for forged in (True, 1, "1", [1], {"message_id": 1}, None):
                with self.subTest(key=marker.key, forged=forged):
                    self.assertIsNone(marker.of(su_env(context={marker.key: forged})))

    def test_a_marker_set_by_the_module_is_read(self):
        from ..tools.dialog_constants import DialogDelivery, DialogRendering

        delivery = DialogDelivery(42, notice=True)
        env = self.env(context=delivery.context())
        self.assertIs(DialogDelivery.of(env), delivery)
        # a cached rendering is the system's only
        rendering = DialogRendering().context()
        user_env = self.env(user=self.user_employee.id, context=rendering)
        self.assertFalse(user_env.su)
        self.assertIsNone(DialogRendering.of(user_env))
        self.assertIsNotNone(DialogRendering.of(user_env(su=True)))
