"""Query counts of the overview and of posting (exact numbers, never time;
speed lives in `make bench`)."""

from datetime import timedelta
from unittest.mock import patch

from lxml import etree

from odoo import fields
from odoo.sql_db import Cursor

from .common import DialogCase, needs_sale


class TestQueryCounts(DialogCase):
    def view_specification(self, xmlid):
        """What the web client asks for when it opens the view."""
        Message = self.env["mail.message"]
        arch = etree.fromstring(
            Message.get_view(self.env.ref(xmlid).id)["arch"].encode()
        )
        spec = {}
        for node in arch.iter("field"):
            field = Message._fields[node.get("name")]
            spec[field.name] = (
                {"fields": {"display_name": {}}}
                if field.type in ("many2one", "many2many", "one2many")
                else {}
            )
        return spec

    def post_many(self, count):
        now = fields.Datetime.now()
        with self.mock_mail_gateway():
            for index in range(count):
                record = self.order if index % 2 else self.customer
                self.post(
                    record,
                    f"Nachricht {index}",
                    visibility="customer" if index % 3 == 0 else "internal",
                    topic_id=self.topic_general.id,
                    user_id=self.user_manager.id,
                    subject=f"Betreff {index}" if index % 4 else None,
                    date=now - timedelta(minutes=index),
                )

    def load(self, view_xmlid, limit):
        spec = self.view_specification(view_xmlid)
        Message = self.env["mail.message"].with_user(self.user_manager)
        return self.count_queries(
            lambda: Message.web_search_read(
                [
                    ("dialog_partner_id", "=", self.customer.id),
                    ("dialog_visibility", "!=", False),
                ],
                spec,
                order="date desc",
                limit=limit,
            )
        )

    @needs_sale
    def test_overview_loads_in_constant_queries(self):
        self.post_many(80)
        for view in (
            "customer_dialog.mail_message_dialog_view_list",
            "customer_dialog.mail_message_dialog_view_kanban",
        ):
            with self.subTest(view=view):
                self.load(view, 80)  # warm Odoo's caches
                few, many = self.load(view, 10), self.load(view, 80)
                self.assertEqual(few, many, "no query per row")
                self.assertLessEqual(many, 20)

    @needs_sale
    def test_overview_page_reads_user_and_companies_narrowly(self):
        """The first page of dialog messages from an empty cache. A dialog
        manager's: the user's partner, the page, the companies' parent_path
        (for the partners' multi-company rule) and the page's documents. The
        author's own: the user's partner and the page, no document to check.
        Odoo alone would load every column of res.users and res.company."""
        self.post_many(20)
        mine = [("author_id", "=", self.partner_employee.id)]
        for user, domain, count, tables in (
            (self.user_manager, [], 4, {"res_users": 1, "res_company": 1}),
            (self.user_employee, mine, 2, {"res_users": 1, "res_company": 0}),
        ):
            with self.subTest(user=user.login):
                queries = self.first_page_queries(user, domain)
                self.assertEqual(len(queries), count, queries)
                for table, fetches in tables.items():
                    fetched = [q for q in queries if q.startswith(f'SELECT "{table}"')]
                    self.assertEqual(len(fetched), fetches, fetched)
                    for query in fetched:
                        self.assertNotIn(f'"{table}"."name"', query)
                        self.assertNotIn(f'"{table}"."login"', query)

    def first_page_queries(self, user, domain):
        Message = self.env["mail.message"].with_user(user)

        def first_page():
            return Message.search(
                [("dialog_visibility", "!=", False), *domain],
                order="date desc",
                limit=80,
            ).ids

        first_page()  # warm Odoo's caches (rules, groups)
        queries = []
        execute = Cursor.execute

        def capture(cursor, query, params=None, log_exceptions=True):
            queries.append(str(cursor.mogrify(query, params), "utf-8"))
            return execute(cursor, query, params, log_exceptions)

        self.env.flush_all()
        self.env.invalidate_all()
        with patch.object(Cursor, "execute", capture):
            first_page()
        return queries

    def test_posting_costs_at_most_a_fifth_more_than_message_post(self):
        record = self.customer_no_portal.with_user(self.user_admin)

        def dialog_post():
            record.dialog_post("<p>Inhalt</p>", visibility="customer", subject="S")

        def message_post():
            record.message_post(
                body="<p>Inhalt</p>",
                subject="S",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.customer_no_portal.ids,
            )

        def dialog_note():
            record.dialog_post("<p>Notiz</p>")

        def note():
            record.message_post(body="<p>Notiz</p>", subtype_xmlid="mail.mt_note")

        with self.mock_mail_gateway():
            for operation in (dialog_post, message_post, dialog_note, note):
                operation()  # warm
            counts = {
                op.__name__: self.count_queries(op)
                for op in (dialog_post, message_post, dialog_note, note)
            }
        self.assertLessEqual(
            counts["dialog_post"], 1.2 * counts["message_post"], counts
        )
        self.assertLessEqual(counts["dialog_note"], counts["note"] + 2, counts)
