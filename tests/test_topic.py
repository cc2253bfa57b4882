from odoo.exceptions import ValidationError

from .common import DialogCase


class TestTopic(DialogCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Topic = cls.env["customer_dialog.topic"]

    def test_defaults(self):
        topic = self.Topic.create({"name": "Rückruf"})
        self.assertEqual(topic.default_visibility, "internal")
        self.assertEqual(topic.sequence, 10)
        self.assertTrue(topic.active)
        self.assertFalse(topic.company_id)

    def test_default_topics_shipped(self):
        expected = {
            "topic_general": "internal",
            "topic_contract_change": "customer",
            "topic_complaint_wish": "customer",
            "topic_house_rule_violation": "internal",
            "topic_camera_check": "internal",
            "topic_blocking": "internal",
        }
        for xmlid, visibility in expected.items():
            topic = self.env.ref(f"customer_dialog.{xmlid}")
            self.assertEqual(topic.default_visibility, visibility, xmlid)
        ordered = self.Topic.search(
            [("id", "in", [self.env.ref(f"customer_dialog.{x}").id for x in expected])]
        )
        self.assertEqual(ordered[0], self.env.ref("customer_dialog.topic_general"))

    def test_translation_german(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"]._load_module_terms(["customer_dialog"], ["de_DE"])
        topic = self.env.ref("customer_dialog.topic_contract_change")
        self.assertEqual(topic.with_context(lang="de_DE").name, "Vertragsänderung")
        self.assertEqual(topic.with_context(lang="en_US").name, "Contract change")
        names_de = set(self.Topic.with_context(lang="de_DE").search([]).mapped("name"))
        self.assertTrue(
            {"Allgemein", "Kamerakontrolle", "Sperren und Entsperren"} <= names_de,
            names_de,
        )

    def test_archive(self):
        topic = self.env.ref("customer_dialog.topic_camera_check")
        topic.action_archive()
        self.assertNotIn(topic, self.Topic.search([]))
        self.assertIn(topic, self.Topic.with_context(active_test=False).search([]))
        topic.action_unarchive()
        self.assertIn(topic, self.Topic.search([]))

    def test_company_rule(self):
        company_a = self.env.company
        company_b = self.env["res.company"].create({"name": "Filiale Nord"})
        shared = self.Topic.create({"name": "Gemeinsam"})
        own = self.Topic.create({"name": "Nur A", "company_id": company_a.id})
        foreign = self.Topic.create({"name": "Nur B", "company_id": company_b.id})
        self.user_employee.write(
            {"company_ids": [(6, 0, company_a.ids)], "company_id": company_a.id}
        )
        visible = self.Topic.with_user(self.user_employee).search([])
        self.assertIn(shared, visible)
        self.assertIn(own, visible)
        self.assertNotIn(foreign, visible)

    def test_unknown_visibility_refused(self):
        count = self.Topic.search_count([])
        with self.assertRaisesRegex(
            ValidationError, "not a valid value for Default Visibility"
        ):
            self.Topic.create({"name": "Kaputt", "default_visibility": "public"})
        self.assertEqual(self.Topic.search_count([]), count)
        topic = self.Topic.create({"name": "Heil"})
        with self.assertRaisesRegex(
            ValidationError, "not a valid value for Default Visibility"
        ):
            topic.write({"default_visibility": "everyone"})
        self.assertEqual(topic.default_visibility, "internal")
