"""The measurements behind `make bench` (scripts/bench.sh runs the steps in order
on its own throwaway database).

Usage: bench.py CONF DB STEP [ARGS]
  plain N        before customer_dialog is installed: 2000 customer companies
                 and N plain chatter messages on them (SQL)
  dialog N       after it is installed: users, portal users, sales orders, N
                 dialog messages (SQL: one customer holds 10 %, one 50), ANALYZE
  measure URL INSTALL_SECONDS PLANS_LOG
                 every ratio of issue 9 measured in this run, printed as one
                 table; EXPLAIN (ANALYZE, BUFFERS) of every SELECT behind the
                 main rows goes to PLANS_LOG

Times are medians of RUNS repetitions after warm-up, each with Odoo's caches
cleared (env.invalidate_all), as a new request would start.
"""

import statistics
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from types import SimpleNamespace
from unittest.mock import patch

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.sql_db import Cursor

CONF, DB, STEP, *ARGS = sys.argv[1:]
CUSTOMERS = 2000
SMALL = 50  # messages of the small customer
RUNS = 15
# rows of about a millisecond: more runs, so that the median is stable
FAST_RUNS = 101
POST_RUNS = 60
# A large body (about 0.4 MB of HTML, 48,000 tags): dialog_post sanitises it
# once, as message_post does in its own way; runs of each, median.
BIG_BODY_RUNS = 3
BIG_BODY_RATIO = 1.2
# The body of a customer email from a mail.template as Odoo sends one (the
# context row for dialog_post): a greeting, the text and a closing.
BENCH_TEMPLATE_BODY = """<div>
    <p>Hello <t t-out="object.name or ''">Petra</t>,</p>
    <p t-if="object.is_company">we have a new message for you:</p>
    <div><p>Inhalt</p></div>
    <p>Kind regards,<br/><t t-out="user.name or ''">Mitchell Admin</t></p>
</div>"""
HTTP_RUNS = 15
# the customer overview (three sections and the customer's card) against
# the count of the big customer's messages, as the other pages' rows; and
# "at most about 10 queries per section" (issue 24)
OVERVIEW_LIMIT = 15
OVERVIEW_QUERIES_PER_SECTION = 11
# The customer file of the big customer: within a worker's default real-time
# limit (120 s) and in memory independent of its size (issue 25).
EXPORT_SECONDS = 120
EXPORT_PEAK_MB = 150
EXPORT_PAGE = 5000
# A big file's PDF is prepared in the background, one part per cron call:
# each call must end well within a cron worker's time (a quarter of the
# default 120 s), and the request that asks for it must return at once.
EXPORT_PART_SECONDS = 30
EXPORT_REQUEST_SECONDS = 15
PASSWORD = "bench-pw-123"
LIST_VIEW = "customer_dialog.mail_message_dialog_view_list"


def registry():
    odoo.tools.config.parse_config(["-c", CONF, "--log-level=warn"])
    return Registry(DB)


def say(text):
    sys.stderr.write(f">>> {text}\n")
    sys.stderr.flush()


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------


def step_plain(env, n):
    """Customers and plain chatter notes, as any database with years of
    history has them, before the module exists."""
    quiet = {
        "tracking_disable": True,
        "mail_create_nolog": True,
        "mail_create_nosubscribe": True,
    }
    env["res.partner"].with_context(**quiet).create(
        [
            {
                "name": f"Bench Customer {k:04d}",
                "is_company": True,
                "email": f"bench{k:04d}@example.com",
            }
            for k in range(CUSTOMERS)
        ]
    )
    env.flush_all()
    note = env.ref("mail.mt_note").id
    author = env.ref("base.partner_admin").id
    env.cr.execute(
        """
        WITH customer AS (
            SELECT id, row_number() OVER (ORDER BY id) - 1 AS k
              FROM res_partner WHERE name LIKE 'Bench Customer %%'
        )
        INSERT INTO mail_message (model, res_id, message_type, subtype_id,
                                  is_internal, author_id, body, message_id, date,
                                  create_date, write_date, create_uid, write_uid)
        SELECT 'res.partner', customer.id, 'comment', %(note)s, TRUE, %(author)s,
               '<p>Plain note ' || g || ' about the last visit.</p>',
               '<bench-plain-' || g || '@bench>', d, d, d, 1, 1
          FROM generate_series(1, %(n)s) g
          JOIN customer ON customer.k = g %% %(customers)s
         CROSS JOIN LATERAL (
               SELECT now() at time zone 'UTC'
                      - ((g::bigint * 7919) %% (3 * 365 * 86400))
                        * interval '1 second' AS d
         ) date_
        """,
        {"n": n, "note": note, "author": author, "customers": CUSTOMERS},
    )
    say(f"{env.cr.rowcount} plain messages on {CUSTOMERS} customers")


def customers(env):
    """Bench customers in creation order: [0] the big one, [1] the small one."""
    return env["res.partner"].search(
        [("name", "=like", "Bench Customer %"), ("is_company", "=", True)], order="id"
    )


def make_user(env, login, groups, partner=None, name=None):
    values = {
        "name": name or login,
        "login": login,
        "password": PASSWORD,
        "email": f"{login}@example.com",
        "groups_id": [(6, 0, [env.ref(g).id for g in groups])],
    }
    if partner:
        values["partner_id"] = partner.id
    return (
        env["res.users"]
        .with_context(no_reset_password=True, mail_create_nosubscribe=True)
        .create(values)
    )


def step_dialog(env, n):
    """Users, portal users, orders of the big customer, then n dialog messages."""
    partners = customers(env)
    big, small = partners[0], partners[1]
    employee = make_user(
        env, "bench.employee", ["base.group_user", "base.group_partner_manager"]
    )
    make_user(
        env,
        "bench.manager",
        ["base.group_user", "customer_dialog.group_customer_dialog_manager"],
    )
    for customer, login in ((big, "bench.portal.big"), (small, "bench.portal.small")):
        contact = env["res.partner"].create(
            {"name": login, "parent_id": customer.id, "email": f"{login}@example.com"}
        )
        make_user(env, login, ["base.group_portal"], partner=contact)
    # the big customer's confirmed orders: the /my/orders counter and the
    # reference objects of a fifth of its messages
    orders = (
        env["sale.order"]
        .with_context(tracking_disable=True, mail_create_nosubscribe=True)
        .create([{"partner_id": big.id} for _ in range(300)])
    )
    orders.message_subscribe(partner_ids=big.ids)
    orders.write({"state": "sale"})
    env.flush_all()
    topics = env["customer_dialog.topic"].search([]).ids
    big_n = n // 10
    env.cr.execute(
        """
        WITH customer AS (
            SELECT id, name, email, row_number() OVER (ORDER BY id) - 1 AS k
              FROM res_partner
             WHERE name LIKE 'Bench Customer %%' AND is_company
        ), orders AS (
            SELECT array_agg(id ORDER BY id) AS ids FROM sale_order
        ), rows_ AS (
            SELECT g,
                   CASE WHEN g <= %(big_n)s THEN 0
                        WHEN g <= %(big_n)s + %(small)s THEN 1
                        ELSE 2 + g %% (%(customers)s - 2) END AS k,
                   g %% 5 < 2 AS for_customer,
                   now() at time zone 'UTC'
                       - ((g::bigint * 7919) %% (3 * 365 * 86400))
                        * interval '1 second' AS d
              FROM generate_series(1, %(n)s) g
        )
        INSERT INTO mail_message (
            model, res_id, message_type, subtype_id, is_internal, author_id,
            subject, body, message_id, date, create_date, write_date,
            create_uid, write_uid, record_name,
            dialog_partner_id, dialog_visibility, dialog_published,
            dialog_delivery, dialog_delivery_code, dialog_channel,
            dialog_direction, dialog_topic_id, dialog_user_id,
            dialog_reference_model, dialog_archived)
        SELECT
            CASE WHEN r.k = 0 AND r.g %% 5 = 3 THEN 'sale.order' ELSE 'res.partner' END,
            CASE WHEN r.k = 0 AND r.g %% 5 = 3
                 THEN o.ids[1 + r.g %% array_length(o.ids, 1)] ELSE c.id END,
            'comment',
            CASE WHEN r.for_customer THEN %(mt_customer)s ELSE %(mt_note)s END,
            NOT (r.for_customer AND r.g %% 50 <> 0),
            %(author)s,
            CASE WHEN r.g %% 10 < 7 THEN 'Subject ' || r.g END,
            '<p>Dialog message ' || r.g || ': the customer called about the '
                || 'contract, the invoice and the next appointment.</p>',
            '<bench-dialog-' || r.g || '@bench>', r.d, r.d, r.d,
            %(uid)s, %(uid)s, c.name,
            c.id,
            CASE WHEN r.for_customer THEN 'customer' ELSE 'internal' END,
            r.for_customer AND r.g %% 50 <> 0,
            'none',
            CASE WHEN NOT r.for_customer THEN 'internal'
                 WHEN r.g %% 3 = 0 THEN 'received_email'
                 ELSE 'content_no_portal' END,
            (ARRAY['phone', 'email', 'letter', 'visit', 'other'])[1 + r.g %% 5],
            CASE WHEN r.g %% 3 = 0 THEN 'incoming' ELSE 'outgoing' END,
            CASE WHEN r.g %% 10 < 3 THEN NULL
                 ELSE (%(topics)s::int[])[1 + r.g %% %(topic_count)s] END,
            CASE WHEN r.g %% 4 = 0 THEN %(uid)s END,
            CASE WHEN r.k = 0 AND r.g %% 5 = 3 THEN 'sale.order' ELSE 'res.partner' END,
            FALSE
          FROM rows_ r
          JOIN customer c ON c.k = r.k
         CROSS JOIN orders o
        """,
        {
            "n": n,
            "big_n": big_n,
            "small": SMALL,
            "customers": CUSTOMERS,
            "mt_customer": env.ref("customer_dialog.mt_dialog_customer").id,
            "mt_note": env.ref("mail.mt_note").id,
            "author": employee.partner_id.id,
            "uid": employee.id,
            "topics": topics,
            "topic_count": len(topics),
        },
    )
    say(f"{env.cr.rowcount} dialog messages ({big_n} for {big.name})")
    # a few deliveries: about every 100th customer message carries the content
    # email that Odoo sent for it (a user notification, sent)
    env.cr.execute(
        """
        INSERT INTO mail_message (model, res_id, message_type, subtype_id,
                                  is_internal, author_id, subject, body,
                                  message_id, date, create_date, write_date,
                                  create_uid, write_uid)
        SELECT model, res_id, 'user_notification', subtype_id, FALSE, author_id,
               'A new message for you', body,
               '<bench-delivery-' || id || '@bench>', date, date, date,
               create_uid, write_uid
          FROM mail_message
         WHERE dialog_visibility = 'customer' AND id % 97 = 0
        """
    )
    env.cr.execute(
        """
        UPDATE mail_message m
           SET dialog_delivery_message_id = d.id, dialog_delivery = 'content',
               dialog_delivery_code = 'content_no_portal',
               dialog_delivery_address = p.email
          FROM mail_message d, res_partner p
         WHERE d.message_id = '<bench-delivery-' || m.id || '@bench>'
           AND p.id = m.dialog_partner_id
        """
    )
    deliveries = env.cr.rowcount
    env.cr.execute(
        """
        INSERT INTO mail_notification (mail_message_id, res_partner_id, author_id,
                                       notification_type, notification_status,
                                       is_read)
        SELECT dialog_delivery_message_id, dialog_partner_id, author_id, 'email',
               'sent', TRUE
          FROM mail_message WHERE dialog_delivery_message_id IS NOT NULL
        """
    )
    # answers: every 50th customer message answers the previous customer
    # message of the same customer
    env.cr.execute(
        """
        WITH r AS (
            SELECT id, lag(id) OVER (PARTITION BY dialog_partner_id
                                     ORDER BY date, id) AS previous
              FROM mail_message
             WHERE dialog_visibility = 'customer' AND dialog_published
        )
        UPDATE mail_message m
           SET dialog_reply_to_id = r.previous, dialog_channel = 'portal',
               dialog_direction = 'incoming', dialog_delivery_code = 'portal_reply'
          FROM r
         WHERE m.id = r.id AND r.previous IS NOT NULL AND r.id % 50 = 7
           AND m.dialog_delivery_message_id IS NULL
        """
    )
    say(f"{deliveries} deliveries, {env.cr.rowcount} answers")
    # restricted readers: 5 % of all messages (a twelfth of the internal
    # ones) are read by a security group only, which the manager is not in
    security = env["res.groups"].create({"name": "Bench Security"})
    env.cr.execute(
        """
        WITH restricted AS (
            UPDATE mail_message SET dialog_restricted = TRUE
             WHERE dialog_visibility = 'internal' AND id %% 12 = 0
         RETURNING id
        )
        INSERT INTO mail_message_dialog_reader_group_rel (message_id, group_id)
        SELECT id, %s FROM restricted
        """,
        [security.id],
    )
    say(f"{env.cr.rowcount} messages restricted to readers")
    # the customer overview's to-dos: 10 on each order of the big customer and
    # 500 on the customer itself, a third of them overdue, and a salesman
    # who reads its orders
    make_user(
        env,
        "bench.sales",
        ["base.group_user", "sales_team.group_sale_salesman_all_leads"],
    )
    env.cr.execute(
        """
        INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name,
                                   activity_type_id, summary, date_deadline,
                                   user_id, active, create_uid, write_uid,
                                   create_date, write_date)
        SELECT model.id, d.model, d.res_id, d.name, %(todo)s, 'Bench to-do ' || g,
               CURRENT_DATE + (g %% 30 - 10), %(uid)s, TRUE, %(uid)s, %(uid)s,
               now(), now()
          FROM (SELECT 'sale.order' AS model, id AS res_id, name FROM sale_order
                 WHERE partner_id = %(big)s
                UNION ALL
                SELECT 'res.partner', id, name FROM res_partner WHERE id = %(big)s
               ) d
          JOIN ir_model model ON model.model = d.model
         CROSS JOIN generate_series(1, 10) g
        UNION ALL
        SELECT model.id, 'res.partner', %(big)s, 'big', %(todo)s, 'Bench call ' || g,
               CURRENT_DATE + (g %% 30 - 10), %(uid)s, TRUE, %(uid)s, %(uid)s,
               now(), now()
          FROM ir_model model CROSS JOIN generate_series(1, 490) g
         WHERE model.model = 'res.partner'
        """,
        {
            "todo": env.ref("mail.mail_activity_data_todo").id,
            "uid": employee.id,
            "big": big.id,
        },
    )
    say(f"{env.cr.rowcount} to-dos of {big.name}")


def vacuum():
    """What autovacuum would have done on a database that grew over years:
    visibility map and statistics up to date."""
    with odoo.sql_db.db_connect(DB).cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute("VACUUM ANALYZE")


# ----------------------------------------------------------------------
# Measuring
# ----------------------------------------------------------------------


class Bench:
    def __init__(self, env, plans_log):
        self.env = env
        self.cr = env.cr
        self.plans = open(plans_log, "w", encoding="utf-8")
        self.rows = []
        partners = customers(env)
        self.big, self.small = partners[0], partners[1]
        self.no_portal = partners[7]  # a customer without portal access
        users = env["res.users"].with_context(active_test=False)
        self.user = {
            name: users.search([("login", "=", f"bench.{name}")])
            for name in ("employee", "manager", "sales", "portal.big", "portal.small")
        }
        from odoo.addons.customer_dialog.controllers.portal import DialogPortal
        from odoo.addons.sale.controllers.portal import CustomerPortal as SalePortal

        self.dialog_portal = DialogPortal()
        self.sale_portal = SalePortal()

    def env_as(self, name):
        return self.env(user=self.user[name].id, su=False)

    @contextmanager
    def request(self, env):
        """The controllers read request.env: give them one."""
        odoo.http._request_stack.push(SimpleNamespace(env=env, session={}))
        try:
            yield
        finally:
            odoo.http._request_stack.pop()

    def run(self, operation, runs=RUNS, clear=True):
        """(median ms, queries of one run) of ``operation`` after 2 warm runs."""
        for _ in range(2):
            operation()
        times, counts = zip(
            *(self.once(operation, clear) for _ in range(runs)), strict=True
        )
        return statistics.median(times), int(statistics.median(counts))

    def once(self, operation, clear=True):
        """(ms, queries) of one run of ``operation``, from an empty record
        cache unless ``clear`` is false."""
        self.env.flush_all()
        if clear:
            self.env.invalidate_all()
        before = self.cr.sql_log_count
        start = time.perf_counter()
        operation()
        self.env.flush_all()
        return (time.perf_counter() - start) * 1000, self.cr.sql_log_count - before

    def side_by_side(self, operation, floor, runs=FAST_RUNS):
        """(median ms, queries) of ``operation`` and the median ms of
        ``floor``, run by turns so that both meet the same machine."""
        for _ in range(2):
            operation()
            floor()
        ours, floors = [], []
        for _ in range(runs):
            ours.append(self.once(operation))
            floors.append(self.once(floor)[0])
        times, counts = zip(*ours, strict=True)
        return (
            statistics.median(times),
            int(statistics.median(counts)),
            statistics.median(floors),
        )

    def sql(self, query, params=()):
        def operation():
            self.cr.execute(query, params)
            self.cr.fetchall()

        return operation

    def explain(self, title, operation):
        """EXPLAIN (ANALYZE, BUFFERS) of every SELECT ``operation`` runs."""
        captured = []
        original = Cursor.execute

        def execute(cursor, query, params=None, log_exceptions=True):
            if cursor is self.cr:
                captured.append(cursor.mogrify(query, params).decode())
            return original(cursor, query, params, log_exceptions)

        self.env.invalidate_all()
        with patch.object(Cursor, "execute", execute):
            operation()
        self.plans.write(f"\n{'=' * 78}\n{title}: {len(captured)} queries\n")
        for query in captured:
            if not query.lstrip().upper().startswith(("SELECT", "WITH")):
                self.plans.write(f"\n-- (not explained) {query[:300]}\n")
                continue
            self.cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + query)
            plan = "\n".join(row[0] for row in self.cr.fetchall())
            self.plans.write(f"\n-- {query}\n{plan}\n")
        self.plans.flush()

    def row(self, what, value, floor, unit, target, ok, note=""):
        self.rows.append((what, value, floor, unit, target, ok, note))
        say(f"{what}: {value} vs {floor}")

    def ratio_row(self, what, measured, floor, limit, note=""):
        ratio = measured / floor if floor else float("inf")
        self.row(
            what,
            f"{measured:.2f} ms",
            f"{floor:.2f} ms",
            f"{ratio:.1f}x",
            f"<= {limit}x",
            ratio <= limit,
            note,
        )

    # -- the rows ------------------------------------------------------

    def portal(self):
        env = self.env_as("portal.big")
        Message = env["mail.message"].sudo()
        with self.request(env):
            base = self.dialog_portal._dialog_conversation_domain()
        order = "date desc, id desc"

        def page():
            return Message.search(base, order=order, limit=20).ids

        def everything():
            with self.request(env):
                filters = self.dialog_portal._dialog_searchbar_filters()
            assert filters
            Message.search_count(base)
            page()

        where = (
            "dialog_partner_id = %s AND dialog_visibility = 'customer'"
            " AND dialog_published AND dialog_reply_to_id IS NULL"
        )
        big = (self.big.id,)
        floor_page = self.sql(
            f"SELECT id FROM mail_message WHERE {where} "
            "ORDER BY date DESC, id DESC LIMIT 20",
            big,
        )

        def floor_everything():
            for query in (
                f"SELECT DISTINCT dialog_topic_id FROM mail_message WHERE {where}",
                "SELECT DISTINCT dialog_reference_model FROM mail_message "
                f"WHERE {where}",
                f"SELECT count(*) FROM mail_message WHERE {where}",
            ):
                self.sql(query, big)()
            floor_page()

        self.explain("/my/messages page 1 (big customer)", page)
        self.explain("/my/messages: filters, count, page (big customer)", everything)
        self.explain("floor: /my/messages everything", floor_everything)
        orm, queries, floor = self.side_by_side(page, floor_page)
        self.ratio_row(
            "/my/messages page 1, big customer",
            orm,
            floor,
            15,
            f"{queries} queries",
        )
        orm, queries, floor = self.side_by_side(everything, floor_everything)
        self.ratio_row(
            "/my/messages: filters + count + page",
            orm,
            floor,
            15,
            f"{queries} queries; floor = same 4 questions in raw SQL",
        )

    def overview(self):
        order = "date desc"
        for label, user, domain, where, params in (
            (
                "overview page 1, big customer (employee)",
                "employee",
                [
                    ("dialog_partner_id", "=", self.big.id),
                    ("dialog_visibility", "!=", False),
                ],
                "dialog_partner_id = %s AND dialog_visibility IS NOT NULL",
                (self.big.id,),
            ),
            (
                "global overview page 1 (manager)",
                "manager",
                [("dialog_visibility", "!=", False)],
                "dialog_visibility IS NOT NULL",
                (),
            ),
        ):
            Message = self.env_as(user)["mail.message"]

            def first_page(Message=Message, domain=domain):
                return Message.search(domain, order=order, limit=80).ids

            floor = self.sql(
                f"SELECT id FROM mail_message WHERE {where} "
                "ORDER BY date DESC, id DESC LIMIT 80",
                params,
            )
            self.explain(label, first_page)
            orm, queries, floor_ms = self.side_by_side(first_page, floor)
            self.ratio_row(label, orm, floor_ms, 15, f"{queries} queries")

    def customer_overview(self):
        """The customer overview of the big customer, as a salesman opens it
        (communication, to-dos, sales): bounded queries per section, against
        the count of its messages, the one unavoidable scan of its size."""
        Partner = self.env_as("sales")["res.partner"]

        def page():
            return Partner.dialog_overview(self.big.id, {})

        floor = self.sql(
            "SELECT count(*) FROM mail_message "
            "WHERE dialog_partner_id = %s AND dialog_visibility IS NOT NULL",
            (self.big.id,),
        )
        self.explain("customer overview (big customer)", page)
        orm, queries, floor_ms = self.side_by_side(page, floor, runs=RUNS)
        sections = page()["sections"]
        counts = ", ".join(f"{s['key']} {s['count']}" for s in sections)
        self.ratio_row(
            "customer overview, big customer (salesman)",
            orm,
            floor_ms,
            OVERVIEW_LIMIT,
            f"{queries} queries, {counts}",
        )
        per_section = queries / len(sections)
        self.row(
            "customer overview, queries per section",
            f"{per_section:.1f}",
            "-",
            "",
            f"<= {OVERVIEW_QUERIES_PER_SECTION}",
            per_section <= OVERVIEW_QUERIES_PER_SECTION,
            f"{len(sections)} sections, the customer's card included",
        )

    def export(self):
        """The customer file of the big customer (100,000 messages at
        BENCH_N=1000000): the manager's and the customer's JSON, written one
        message at a time into a file that spills to disk as the portal's
        download does, and one RPC page. Time of one run; the peak of
        Python's memory (tracemalloc) in a second run, which it slows."""
        manager = self.env_as("manager")["res.partner"].browse(self.big.id)
        visitor = self.env_as("portal.big").user.partner_id

        def manager_json():
            messages, left_out = manager._dialog_file_messages()
            with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as stream:
                manager.sudo()._dialog_export_json(stream, messages, left_out)
                return stream.tell(), len(messages)

        def portal_json():
            with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as stream:
                visitor._dialog_portal_file(stream)
                return stream.tell(), 0

        def rpc_page():
            page = manager.dialog_export_file(offset=0, limit=EXPORT_PAGE)
            return 0, page["page"]["messages"]

        for label, operation, who in (
            ("customer file JSON, big customer (manager)", manager_json, "manager"),
            ("customer file JSON, big customer (portal)", portal_json, "customer"),
            (f"customer file over RPC, one page of {EXPORT_PAGE}", rpc_page, "manager"),
        ):
            self.env.invalidate_all()
            start = time.perf_counter()
            size, count = operation()
            seconds = time.perf_counter() - start
            self.env.invalidate_all()
            tracemalloc.start()
            operation()
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            self.env.invalidate_all()
            self.row(
                label,
                f"{seconds:.1f} s, {peak:.0f} MB",
                "-",
                "",
                f"<= {EXPORT_SECONDS} s, <= {EXPORT_PEAK_MB} MB",
                seconds <= EXPORT_SECONDS and peak <= EXPORT_PEAK_MB,
                (f"{size / 2**20:.0f} MB of JSON, " if size else "")
                + (f"{count} messages, " if count else "")
                + f"peak of Python's memory ({who})",
            )

    def export_background(self):
        """The big customer's file as PDF (HTML without wkhtmltopdf), as
        the manager gets it: the request, which starts the background job
        and returns, then every cron call to the end, each one part (the
        first with the cover, the last with the merge). Python's peak
        memory of a later part and of the merge (pdfunite's own process
        is not counted: about 60 MB at BENCH_N=1000000)."""
        from odoo.addons.customer_dialog.models.privacy.customer_dialog_export import (
            EXPORT_PART,
        )

        manager = self.env_as("manager")["res.partner"].browse(self.big.id)
        start = time.perf_counter()
        action = manager.action_dialog_export_file()
        seconds = time.perf_counter() - start
        job = (
            self.env["customer_dialog.export"]
            .sudo()
            .search([("partner_id", "=", self.big.id)], limit=1)
        )
        self.row(
            "customer file PDF, big customer: the request",
            f"{seconds:.1f} s",
            "-",
            "",
            f"<= {EXPORT_REQUEST_SECONDS} s",
            seconds <= EXPORT_REQUEST_SECONDS
            and action.get("tag") == "display_notification",
            "starts the background job and returns",
        )
        timings, peaks = [], {}
        while job.state in ("queued", "running"):
            self.env.invalidate_all()
            last = job.message_count and job.done_count + EXPORT_PART >= (
                job.message_count
            )
            measured = "merge" if last else "part" if len(timings) == 2 else None
            if measured:
                tracemalloc.start()
            start = time.perf_counter()
            job._dialog_prepare_part()
            timings.append(time.perf_counter() - start)
            if measured:
                peaks[measured] = tracemalloc.get_traced_memory()[1] / 2**20
                tracemalloc.stop()
        calls = len(timings)
        later = timings[1:-1] or timings[-1:]
        note = (
            f"{EXPORT_PART} of {job.message_count} messages, one cron call; "
            f"the file in {calls} calls, {sum(timings) / 60:.1f} min in the background"
        )
        for label, seconds, peak in (
            ("first part (cover)", timings[0], None),
            ("slowest later part", max(later), peaks.get("part")),
            ("last part and merge", timings[-1], peaks.get("merge")),
        ):
            self.row(
                f"customer file PDF, big customer: {label}",
                f"{seconds:.1f} s" + (f", {peak:.0f} MB" if peak else ""),
                "-",
                "",
                f"<= {EXPORT_PART_SECONDS} s, <= {EXPORT_PEAK_MB} MB",
                job.state == "done"
                and seconds <= EXPORT_PART_SECONDS
                and (peak or 0) <= EXPORT_PEAK_MB,
                note
                if label[0] != "l"
                else f"{job.attachment_id.file_size / 2**20:.0f} MB "
                f"{job.attachment_id.mimetype}",
            )
        self.env["customer_dialog.export"].sudo().browse(job.id).unlink()

    def count(self):
        partner = self.env_as("employee")["res.partner"].browse(self.big.id)

        def count():
            return partner.dialog_message_count

        floor = self.sql(
            "SELECT count(*) FROM mail_message "
            "WHERE dialog_partner_id = %s AND dialog_visibility IS NOT NULL",
            (self.big.id,),
        )
        self.explain("dialog_message_count (big customer)", count)
        orm, queries = self.run(count)
        self.ratio_row(
            "dialog_message_count, big customer",
            orm,
            self.run(floor)[0],
            10,
            f"{count()} messages, {queries} queries",
        )

    def list_view(self):
        """What the web client asks when it opens the overview's list."""
        from lxml import etree

        Message = self.env_as("employee")["mail.message"]
        arch = etree.fromstring(
            Message.get_view(self.env.ref(LIST_VIEW).id)["arch"].encode()
        )
        spec = {}
        for node in arch.iter("field"):
            field = Message._fields[node.get("name")]
            relational = field.type in ("many2one", "many2many", "one2many")
            spec[field.name] = {"fields": {"display_name": {}}} if relational else {}
        domain = [
            ("dialog_partner_id", "=", self.big.id),
            ("dialog_visibility", "!=", False),
        ]

        def load():
            Message.web_search_read(domain, spec, order="date desc", limit=80)

        self.explain("list view, 80 rows", load)
        ms, queries = self.run(load)
        self.row(
            "list view of 80 dialog messages",
            f"{queries} queries",
            "-",
            f"{ms:.1f} ms",
            "<= 20 queries",
            queries <= 20,
        )

    def groups(self):
        """The overview grouped by topic and its count, as the manager's
        pivot, graph and grouped list ask them, against mail's own access
        check of every message (Odoo's path for any search of messages)."""
        from odoo.addons.mail.models.mail_message import Message as MailMessage

        Message = self.env_as("manager")["mail.message"]
        domain = [("dialog_visibility", "!=", False), ("dialog_archived", "=", False)]

        def mail_ids():
            return MailMessage._search(Message, domain).get_result_ids()

        for label, ours, mails in (
            (
                "overview grouped by topic (manager)",
                lambda: Message.read_group(
                    domain, ["dialog_topic_id"], ["dialog_topic_id"]
                ),
                lambda: Message.sudo().read_group(
                    [("id", "in", mail_ids())],
                    ["dialog_topic_id"],
                    ["dialog_topic_id"],
                ),
            ),
            (
                "overview count (manager)",
                lambda: Message.search_count(domain),
                lambda: len(mail_ids()),
            ),
        ):
            self.explain(label, ours)
            ms, queries = self.run(ours, runs=5)
            floor, _queries = self.run(mails, runs=5)
            self.row(
                label,
                f"{ms:.1f} ms",
                f"{floor:.1f} ms",
                f"{ms / floor:.2f}x",
                "(context)",
                None,
                f"vs mail's check of every message; {queries} queries",
            )

    def models_in_use(self):
        """What each worker reads once after every cache clear, before an
        employee's first count or group of dialog messages: the models
        dialog messages are on (one index probe per model), against a scan
        of every dialog message for the same answer."""
        Message = self.env["mail.message"]
        read = type(Message)._dialog_models.__wrapped__
        ms, queries = self.run(lambda: read(Message))
        floor, _queries = self.run(
            self.sql(
                "SELECT DISTINCT model FROM mail_message "
                "WHERE dialog_visibility IS NOT NULL AND model IS NOT NULL"
            )
        )
        self.row(
            "models with dialog messages (after a cache clear)",
            f"{ms:.2f} ms",
            f"{floor:.1f} ms",
            f"{ms / floor:.3f}x",
            "(context)",
            None,
            f"vs SELECT DISTINCT over all dialog messages; {queries} query",
        )

    def counters(self):
        env = self.env_as("portal.big")

        def dialog():
            with self.request(env):
                return self.dialog_portal._prepare_home_portal_values(
                    ["dialog_message_count"]
                )

        def orders():
            with self.request(env):
                return self.sale_portal._prepare_home_portal_values(["order_count"])

        self.explain("/my counter: dialog_message_count", dialog)
        self.explain("/my counter: order_count", orders)
        ms, queries = self.run(dialog)
        floor, floor_queries = self.run(orders)
        ratio = ms / floor
        self.row(
            "/my counter vs /my/orders counter",
            f"{ms:.2f} ms",
            f"{floor:.2f} ms",
            f"{ratio:.1f}x",
            "<= 1.5x",
            ratio <= 1.5,
            f"{dialog()['dialog_message_count']} messages vs "
            f"{orders()['order_count']} (limit=1); "
            f"{queries} vs {floor_queries} queries",
        )

    def big_body(self):
        """dialog_post of a large HTML body against message_post of the same
        body (as HTML) on the same customer, as an internal note: the cost
        of converting, checking and sanitising it; rolled back."""
        from markupsafe import Markup

        env = self.env_as("employee")
        record = env["res.partner"].browse(self.no_portal.id)
        body = "".join(
            f"<p>Zeile {i} mit <b>fett</b> und <i>kursiv</i></p>" for i in range(8000)
        )
        self.cr.execute("SAVEPOINT bench_big_body")
        env["ir.config_parameter"].sudo().set_param(
            "customer_dialog.max_text_chars", "10000000"
        )
        ops = {
            "dialog_post": lambda: record.dialog_post(body),
            "message_post": lambda: record.message_post(
                body=Markup(body), subtype_xmlid="mail.mt_note"
            ),
        }
        times = {name: [] for name in ops}
        for _ in range(BIG_BODY_RUNS):
            for name, op in ops.items():
                times[name].append(self.once(op)[0])
        self.cr.execute("ROLLBACK TO SAVEPOINT bench_big_body")
        self.env.invalidate_all()
        self.ratio_row(
            f"dialog_post of {len(body) / 1000:.0f} kB of HTML vs message_post",
            statistics.median(times["dialog_post"]),
            statistics.median(times["message_post"]),
            BIG_BODY_RATIO,
            f"{body.count('<') // 2} tags, sanitised once; median of {BIG_BODY_RUNS}",
        )

    def posting(self):
        """dialog_post against Odoo's message_post on the same customer
        (no portal access: the content goes by email) and, for context,
        against Odoo's own email from a mail.template; interleaved, median
        of POST_RUNS; rolled back afterwards."""
        env = self.env_as("employee")
        record = env["res.partner"].browse(self.no_portal.id)
        self.cr.execute("SAVEPOINT bench_posting")
        template = env["mail.template"].browse(
            self.env["mail.template"]
            .create(
                {
                    "name": "bench: a text for the customer",
                    "model_id": self.env["ir.model"]._get_id("res.partner"),
                    "subject": "{{ object.name }}",
                    "body_html": BENCH_TEMPLATE_BODY,
                }
            )
            .id
        )
        ops = {
            "dialog_post": lambda: record.dialog_post(
                "<p>Inhalt</p>", visibility="customer", subject="S"
            ),
            "message_post": lambda: record.message_post(
                body="<p>Inhalt</p>",
                subject="S",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=record.ids,
            ),
            # Odoo's own way to email a customer a text from a template
            "template send": lambda: record.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=record.ids,
            ),
            "dialog note": lambda: record.dialog_post("<p>Notiz</p>"),
            "note": lambda: record.message_post(
                body="<p>Notiz</p>", subtype_xmlid="mail.mt_note"
            ),
        }
        self.explain(
            "dialog_post (customer message, content email)", ops["dialog_post"]
        )
        self.explain("message_post (comment to the partner)", ops["message_post"])
        results = {name: ([], []) for name in ops}
        for _ in range(2):
            for op in ops.values():
                op()
        for _ in range(POST_RUNS):
            for name, op in ops.items():
                ms, queries = self.once(op)
                results[name][0].append(ms)
                results[name][1].append(queries)
        self.cr.execute("ROLLBACK TO SAVEPOINT bench_posting")
        self.env.invalidate_all()
        med = {
            n: (statistics.median(t), int(statistics.median(q)))
            for n, (t, q) in results.items()
        }
        (dt, dq), (mt, mq) = med["dialog_post"], med["message_post"]
        self.row(
            "dialog_post vs message_post: queries",
            f"{dq} queries",
            f"{mq} queries",
            f"{dq / mq:.2f}x",
            "<= 1.2x",
            dq <= 1.2 * mq,
            "customer message, content email, recipient without portal",
        )
        self.row(
            "dialog_post vs message_post: median time",
            f"{dt:.1f} ms",
            f"{mt:.1f} ms",
            f"{dt / mt:.2f}x",
            "<= 1.2x",
            dt <= 1.2 * mt,
            f"median of {POST_RUNS}",
        )
        st, sq = med["template send"]
        self.row(
            "dialog_post vs Odoo's template send: median time",
            f"{dt:.1f} ms",
            f"{st:.1f} ms",
            f"{dt / st:.2f}x",
            "(context)",
            None,
            f"message_post_with_source(mail.template), {sq} queries",
        )
        (it, iq), (nt, nq) = med["dialog note"], med["note"]
        self.row(
            "internal dialog_post vs note: queries",
            f"{iq} queries",
            f"{nq} queries",
            f"{iq - nq:+d}",
            "<= +2",
            iq <= nq + 2,
            f"time {it:.1f} ms vs {nt:.1f} ms ({it / nt:.2f}x)",
        )

    def http(self, url):
        """/my/messages over HTTP (a real Odoo server on loopback) for the
        biggest and the smallest customer."""
        import requests

        medians = {}
        for name in ("portal.big", "portal.small"):
            session = requests.Session()
            session.post(
                f"{url}/web/session/authenticate",
                json={
                    "jsonrpc": "2.0",
                    "params": {
                        "db": DB,
                        "login": f"bench.{name}",
                        "password": PASSWORD,
                    },
                },
                timeout=60,
            ).raise_for_status()
            times = []
            for index in range(HTTP_RUNS + 2):
                start = time.perf_counter()
                response = session.get(f"{url}/my/messages", timeout=120)
                elapsed = (time.perf_counter() - start) * 1000
                if response.status_code != 200 or "/my/messages/" not in response.text:
                    raise SystemExit(
                        f"/my/messages as {name}: HTTP {response.status_code}"
                    )
                if index >= 2:
                    times.append(elapsed)
            medians[name] = statistics.median(times)
        big, small = medians["portal.big"], medians["portal.small"]
        self.row(
            "HTTP /my/messages: biggest vs smallest",
            f"{big:.1f} ms",
            f"{small:.1f} ms",
            f"{big / small:.2f}x",
            "<= 2x",
            big <= 2 * small,
            f"median of {HTTP_RUNS} requests",
        )

    def print_table(self, install_seconds):
        self.cr.execute(
            "SELECT count(*) FROM mail_message WHERE message_id LIKE '<bench-plain-%%'"
        )
        self.row(
            "install customer_dialog on a big mail_message",
            f"{install_seconds:.1f} s",
            "-",
            "-",
            "(seconds)",
            None,
            f"on {self.cr.fetchone()[0]} plain messages",
        )
        headers = ("what", "measured", "floor / Odoo", "ratio", "target", "", "note")
        table = [
            (w, v, f, r, t, {True: "OK", False: "MISS", None: ""}[ok], note)
            for w, v, f, r, t, ok, note in self.rows
        ]
        # a Markdown table, padded to read as well in a terminal
        widths = [max(len(row[i]) for row in [headers, *table]) for i in range(7)]
        rule = tuple("-" * w for w in widths)
        for row in [headers, rule, *table]:
            cells = [cell.ljust(widths[i]) for i, cell in enumerate(row)]
            print("| " + " | ".join(cells) + " |")
        return sum(1 for row in table if row[5] == "MISS")


def step_measure(env, url, install_seconds, plans_log):
    env.cr.execute("SELECT count(*), count(dialog_visibility) FROM mail_message")
    total, dialog = env.cr.fetchone()
    bench = Bench(env, plans_log)
    for part in (
        bench.portal,
        bench.overview,
        bench.customer_overview,
        bench.export,
        bench.export_background,
        bench.count,
        bench.list_view,
        bench.groups,
        bench.models_in_use,
        bench.counters,
        bench.posting,
        bench.big_body,
    ):
        part()
    env.cr.rollback()  # measuring stores nothing
    bench.http(url)
    print(
        f"\nmake bench: {dialog} dialog messages on {CUSTOMERS} customers "
        f"({total} mail_message rows), PostgreSQL "
        f"{env.cr.connection.server_version // 10000}; plans in {plans_log}\n"
    )
    misses = bench.print_table(install_seconds)
    print(f"\n{misses} targets missed")


def main():
    with registry().cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if STEP == "plain":
            step_plain(env, int(ARGS[0]))
        elif STEP == "dialog":
            step_dialog(env, int(ARGS[0]))
            cr.commit()
            vacuum()
        elif STEP == "measure":
            step_measure(env, ARGS[0], float(ARGS[1]), ARGS[2])
        else:
            raise SystemExit(f"unknown step {STEP}")


if __name__ == "__main__":
    main()
