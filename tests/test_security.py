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
