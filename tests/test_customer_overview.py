"""The customer overview (seed S2): everything about a customer on one page,
a section per installed app, each searched as the user (rights, companies,
readers), in a bounded number of queries; bad calls get a clear error."""

import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import DialogCase


@tagged("post_install", "-at_install")
class TestCustomerOverview(DialogCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_plain = cls._employee("olga.plain", "Olga Overview")

    def overview(self, user=None, partner=None, **options):
        Partner = self.env["res.partner"].with_user(user or self.user_employee)
        page = Partner.dialog_overview((partner or self.customer).id, options)
        return page, {section["key"]: section for section in page["sections"]}

    def todo(self, record, summary, days=1, user=None):
        return record.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.today() + timedelta(days=days),
            summary=summary,
            user_id=(user or self.user_employee).id,
        )

    def test_one_page_with_a_section_per_app(self):
        with self.mock_mail_gateway():
            self.post(self.customer, "Rückruf erbeten", subject="Rückruf")
            self.post(
                self.contact,
                "Angebot geschickt",
                subject="Angebot",
                visibility="customer",
                user=self.user_manager,
            )
            self.post(self.other_customer, "Nicht dieser Kunde")
        self.todo(self.contact, "Vertrag prüfen", days=-2)
        self.todo(self.customer, "Besuch planen", user=self.user_manager)
        self.todo(self.other_customer, "Fremd")
        done = self.todo(self.customer, "Erledigt")
        done.action_feedback(feedback="Gemacht")
        page, sections = self.overview()
        self.assertEqual(page["customer"]["name"], self.customer.name)
        self.assertIn(
            self.contact.name, [c["name"] for c in page["customer"]["contacts"]]
        )
        expected = ["communication", "activities"]
        if "sale.order" in self.env:
            expected.append("sale")
        self.assertEqual(list(sections)[:2], expected[:2])
        self.assertEqual(set(expected) - set(sections), set())
        # communication, newest first, with the chatter's badges
        talk = sections["communication"]
        self.assertEqual(talk["count"], 2)
        self.assertEqual(talk["rows"][0]["cells"][1], "Angebot")
        self.assertIn(
            "For the customer", [b["label"] for b in talk["rows"][0]["badges"]]
        )
        self.assertEqual(
            {f["key"]: f["count"] for f in talk["filters"]},
            {"all": 2, "customer": 1, "internal": 1},
        )
        # to-dos of the customer and its contacts, open and done; overdue red
        todos = sections["activities"]
        # what Odoo lets the employee read of to-dos on these partners
        # (another's to-do needs the right to edit the partner, which CRM
        # gives salesmen); an administrator reads all three
        readable = (
            self.env["mail.activity"]
            .with_user(self.user_employee)
            .search_count(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", (self.customer | self.contact).ids),
                ]
            )
        )
        self.assertEqual(
            {f["key"]: f["count"] for f in todos["filters"]},
            {"all": readable + 1, "open": readable, "done": 1},
        )
        _page, admin = self.overview(user=self.user_admin)
        self.assertEqual(
            {f["key"]: f["count"] for f in admin["activities"]["filters"]},
            {"all": 3, "open": 2, "done": 1},
        )
        first = todos["rows"][0]
        self.assertEqual(first["cells"][0], "Vertrag prüfen")
        self.assertEqual(first["tone"], "danger")
        self.assertEqual(
            (first["model"], first["id"]), ("res.partner", self.contact.id)
        )
        self.assertTrue(todos["rows"][-1]["done"])
        # only mine, per section
        _page, mine = self.overview(
            communication={"mine": True}, activities={"mine": True, "filter": "open"}
        )
        self.assertEqual(mine["communication"]["count"], 1)
        self.assertEqual(mine["communication"]["rows"][0]["cells"][1], "Rückruf")
        self.assertEqual(mine["activities"]["count"], 1)
        self.assertEqual(mine["activities"]["rows"][0]["cells"][0], "Vertrag prüfen")
        # show all: the app's own list, on the same records
        action = (
            self.env["res.partner"]
            .with_user(self.user_employee)
            .dialog_overview_show_all(
                self.customer.id, "communication", {"filter": "customer"}
            )
        )
        self.assertEqual(action["res_model"], "mail.message")
        found = (
            self.env["mail.message"]
            .with_user(self.user_employee)
            .search(action["domain"])
        )
        self.assertEqual(found.mapped("subject"), ["Angebot"])
        # every section's "show all" is an action the client can be sent
        Partner = self.env["res.partner"].with_user(self.user_employee)
        for section in page["sections"]:
            counts = {option["key"]: option["count"] for option in section["filters"]}
            if section["key"] == "activities":
                # (one list shows one kind: "all" lists the open to-dos)
                counts["all"] = counts["open"]
            for option in section["filters"]:
                action = Partner.dialog_overview_show_all(
                    self.customer.id, section["key"], {"filter": option["key"]}
                )
                json.dumps(action)
                records = self.env[action["res_model"]].with_user(self.user_employee)
                self.assertEqual(
                    records.search_count(action["domain"]),
                    counts[option["key"]],
                    (section["key"], option["key"]),
                )

    def test_sales_with_their_filters_and_their_to_dos(self):
        if "sale.order" not in self.env:
            self.skipTest("sale is not installed")
        self.order.action_confirm()
        quotation = self.env["sale.order"].create({"partner_id": self.customer.id})
        self.todo(quotation, "Nachfassen")
        _page, sections = self.overview()
        sale = sections["sale"]
        self.assertEqual(
            {f["key"]: f["count"] for f in sale["filters"]},
            {"all": 2, "open": 1, "won": 1, "cancelled": 0},
        )
        self.assertIn(
            "Nachfassen", [row["cells"][0] for row in sections["activities"]["rows"]]
        )
        # a user without Sales rights sees no sales section, and no to-do of
        # a quotation
        _page, plain = self.overview(user=self.user_plain)
        self.assertNotIn("sale", plain)
        self.assertNotIn(
            "Nachfassen", [row["cells"][0] for row in plain["activities"]["rows"]]
        )

    def test_opportunities_projects_and_tasks(self):
        """With CRM and Project installed (make test installs them; Odoo's
        standard runner does not, and the sections are absent there)."""
        if "crm.lead" not in self.env or "project.project" not in self.env:
            _page, sections = self.overview()
            self.assertFalse({"crm", "project", "task"} & set(sections))
            self.skipTest("crm and project are not installed")
        Lead = self.env["crm.lead"]
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        Lead.create(
            {
                "name": "Neue Filiale",
                "type": "opportunity",
                "partner_id": self.contact.id,
                "user_id": self.user_employee.id,
            }
        )
        Lead.create(
            {
                "name": "Wartungsvertrag",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "stage_id": won_stage.id,
                "user_id": self.user_admin.id,
            }
        )
        Lead.create(
            {"name": "Altgeräte", "type": "opportunity", "partner_id": self.customer.id}
        ).action_set_lost()
        Lead.create(
            {
                "name": "Fremd",
                "type": "opportunity",
                "partner_id": self.other_customer.id,
            }
        )
        project_user = self._employee("pia.project", "Pia Projekt")
        project_user.groups_id += self.env.ref("project.group_project_user")
        project = self.env["project.project"].create(
            {
                "name": "Umbau",
                "partner_id": self.customer.id,
                "user_id": project_user.id,
            }
        )
        Task = self.env["project.task"]
        Task.create(
            {
                "name": "Aufmaß",
                "project_id": project.id,
                "partner_id": self.contact.id,
                "user_ids": [(6, 0, project_user.ids)],
            }
        )
        Task.create(
            {
                "name": "Angebot schreiben",
                "project_id": project.id,
                "partner_id": self.customer.id,
                "state": "1_done",
            }
        )
        counts = {
            key: {f["key"]: f["count"] for f in section["filters"]}
            for key, section in self.overview(user=self.user_admin)[1].items()
        }
        self.assertEqual(counts["crm"], {"all": 3, "open": 1, "won": 1, "lost": 1})
        self.assertEqual(
            counts["project"],
            {"all": 1, "open": 1, "planned": 1, "running": 0, "done": 0},
        )
        self.assertEqual(counts["task"], {"all": 2, "open": 1, "done": 1})
        # a salesman has opportunities, mine among them
        _page, sales = self.overview(crm={"mine": True})
        self.assertEqual(
            [row["cells"][0] for row in sales["crm"]["rows"]], ["Neue Filiale"]
        )
        # a project user has projects and tasks (mine: assigned), no sales
        _page, projects = self.overview(user=project_user, task={"mine": True})
        self.assertEqual(
            [row["cells"][0] for row in projects["task"]["rows"]], ["Aufmaß"]
        )
        self.assertEqual(projects["project"]["rows"][0]["cells"][0], "Umbau")
        self.assertFalse({"crm", "sale"} & set(projects))
        # an employee without Sales or CRM rights: neither section
        _page, plain = self.overview(user=self.user_plain)
        self.assertFalse({"sale", "crm"} & set(plain))
        # Project lets every employee read the projects and tasks its rules
        # show them: a project for its followers is not the plain
        # employee's, nor are its tasks
        project.privacy_visibility = "followers"
        _page, plain = self.overview(user=self.user_plain)
        self.assertEqual(plain["project"]["count"], 0)
        self.assertEqual(plain.get("task", {"count": 0})["count"], 0)
        _page, admin = self.overview(user=self.user_admin)
        self.assertEqual(admin["project"]["count"], 1)

    def test_readers_and_companies_hold(self):
        with self.mock_mail_gateway():
            self.post(
                self.customer,
                "Vertraulich",
                subject="Vertraulich",
                reader_user_ids=self.user_manager.ids,
                user=self.user_manager,
            )
            self.post(self.customer, "Offen", subject="Offen")
        _page, employee = self.overview()
        self.assertEqual(
            [row["cells"][1] for row in employee["communication"]["rows"]], ["Offen"]
        )
        self.assertEqual(employee["communication"]["count"], 1)
        _page, manager = self.overview(user=self.user_manager)
        self.assertEqual(manager["communication"]["count"], 2)
        # a second company's order of the same customer: only for a user
        # of that company
        if "sale.order" in self.env:
            sister_sales = self.env["res.company"].create({"name": "Vertrieb Süd GmbH"})
            self.env["sale.order"].create(
                {"partner_id": self.customer.id, "company_id": sister_sales.id}
            )
            _page, employee = self.overview()
            _page, admin = self.overview(user=self.user_admin)
            self.assertEqual(admin["sale"]["count"], employee["sale"]["count"])
            self.user_admin.company_ids |= sister_sales
            Partner = self.env["res.partner"].with_user(self.user_admin)
            both = Partner.with_context(
                allowed_company_ids=[self.env.company.id, sister_sales.id]
            ).dialog_overview(self.customer.id, {})
            sale = next(s for s in both["sections"] if s["key"] == "sale")
            self.assertEqual(sale["count"], employee["sale"]["count"] + 1)
        # a customer of another company: not readable, a clear error
        sister = self.env["res.company"].create({"name": "Schwester GmbH"})
        foreign = self.env["res.partner"].create(
            {"name": "Kunde der Schwester", "is_company": True, "company_id": sister.id}
        )
        with self.assertRaises(AccessError):
            self.overview(partner=foreign)

    def test_bad_calls_get_a_clear_error(self):
        Partner = self.env["res.partner"].with_user(self.user_employee)
        # a contact opens its company's page
        page, _sections = self.overview(partner=self.contact)
        self.assertEqual(page["customer"]["id"], self.customer.id)
        # an archived customer still has its page, and says so
        self.customer.active = False
        page, _sections = self.overview()
        self.assertTrue(page["customer"]["archived"])
        for partner_id in (999999999, 0, -1, "7", None, 2**40, [1]):
            with self.subTest(partner_id=partner_id), self.assertRaises(UserError):
                Partner.dialog_overview(partner_id)
        for options in (
            [],
            "x",
            {"nope": {}},
            {"communication": {"mine": "yes"}},
            {"communication": {"filter": "won"}},
            {"communication": {"page": 2}},
            {"communication": []},
        ):
            with self.subTest(options=options), self.assertRaises(UserError):
                Partner.dialog_overview(self.customer.id, options)
        for key, options in (
            ("contracts", {}),
            (["sale"], {}),
            (None, {}),
            ("communication", "x"),
            ("communication", {"filter": "won"}),
        ):
            with self.subTest(key=key, options=options), self.assertRaises(UserError):
                Partner.dialog_overview_show_all(self.customer.id, key, options)
        # the overview is the firm's: not a customer's
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.user_portal).dialog_overview(
                self.contact.id
            )

    def test_queries_do_not_grow_with_the_customer(self):
        """Bounded queries per section: four times the messages and to-dos
        (each section showing its first rows) cost exactly the same
        queries."""

        def grow(count):
            with self.mock_mail_gateway():
                for index in range(count):
                    self.post(self.customer, f"Nachricht {index}", subject=f"N{index}")
                    self.todo(self.contact, f"Aufgabe {index}")

        def queries():
            self.env.invalidate_all()
            self.overview()  # warm the caches of rules and views
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            _page, sections = self.overview()
            return self.cr.sql_log_count - before, len(sections)

        grow(10)
        small, sections = queries()
        grow(30)
        self.assertEqual(queries(), (small, sections))
        # about 10 per section, the customer's card included
        self.assertLessEqual(small, 11 * sections)

    def test_entry_points(self):
        action = self.contact.with_user(self.user_employee).action_dialog_overview()
        self.assertEqual(action["tag"], "customer_dialog.customer_overview")
        self.assertEqual(action["params"]["partner_id"], self.customer.id)
        with self.mock_mail_gateway():
            message = self.post(self.contact, "Notiz")
        action = message.with_user(self.user_employee).action_dialog_customer_overview()
        self.assertEqual(action["params"]["partner_id"], self.customer.id)


@tagged("post_install", "-at_install", "is_tour")
class TestCustomerOverviewTour(HttpCase):
    def test_overview_of_the_demo_customer(self):
        schneider = self.env.ref(
            "customer_dialog.partner_demo_schneider", raise_if_not_found=False
        )
        if not schneider:
            self.skipTest("the demo data is not installed")
        self.start_tour(
            f"/odoo/res.partner/{schneider.id}",
            "customer_dialog_customer_overview_tour",
            login="admin",
        )
