"""Reads run on a replica: every route and RPC method of the module that only
reads is declared read-only, and none of them writes.

Odoo 18 serves a read-only route (``readonly=True``) and an ``@api.readonly``
method on a cursor of ``db_replica_host`` where one is configured. A write on
it fails on the standby; Odoo then rolls back and runs the whole request
again on the primary, so a read that writes costs twice and never reaches
the replica. In tests the read-only cursor is a ``SET TRANSACTION READ ONLY``
one: ``request_attempts`` shows whether a request needed that second run.
"""

import re
import time
from unittest.mock import Mock, patch

from odoo import http
from odoo.conf import server_wide_modules
from odoo.tests import HttpCase, tagged

from ..controllers import portal
from ..controllers.portal import READ_YOUR_WRITES
from .common import DialogCase, request_attempts

MODULE = "odoo.addons.customer_dialog."
# The module's routes that write, and why.
WRITING_ROUTES = {
    # the customer's reply is stored
    "/my/messages/<int:message_id>/reply",
    # the customer asks for their big file to be prepared (a job is stored)
    "/my/messages/export/prepare",
    # the document chatter's post is stored
    "/mail/message/post",
    # joining a channel by its invitation link
    "/chat/<int:channel_id>/<string:invitation_token>",
    # Odoo's portal declares these read/write, and Odoo refuses an override
    # that makes a read/write route read-only
    "/mail/avatar/mail.message/<int:res_id>/author_avatar/<int:width>x<int:height>",
    "/mail/chatter_fetch",
}


def module_routes(env):
    """{route: routing} of every route this module declares or overrides,
    as Odoo's routing map merges them."""
    modules = sorted(env.registry._init_modules | set(server_wide_modules))
    routes = {}
    for url, endpoint in http._generate_routing_rules(modules, nodb_only=False):
        if endpoint.func.__module__.startswith(MODULE):
            routes[url] = endpoint.routing
    return routes


@tagged("post_install", "-at_install")
class TestReadOnlyRoutes(HttpCase, DialogCase):
    def setUp(self):
        super().setUp()
        topic = self.env["customer_dialog.topic"].create({"name": "Vertrag"})
        with self.mock_mail_gateway():
            self.published = self.post(
                self.customer,
                "Ihr Vertrag wurde verlängert.",
                visibility="customer",
                subject="Vertragsverlängerung",
                topic_id=topic.id,
                contact_id=self.contact.id,
                attachment_ids=self.upload("vertrag.pdf", b"%PDF-1.4 V").ids,
            )
        self.topic = topic

    def assert_read_only(self, requests, what):
        """Each request of ``requests`` ran once, on a read-only cursor."""
        self.assertTrue(requests, f"{what}: no request was served")
        for attempts in requests:
            self.assertEqual(
                attempts,
                [True],
                f"{what} wrote on its read-only cursor and ran again read/write",
            )

    def test_every_reading_route_is_read_only(self):
        routes = module_routes(self.env)
        self.assertGreaterEqual(len(routes), 10, routes)
        for route, routing in routes.items():
            with self.subTest(route=route):
                self.assertEqual(
                    bool(routing.get("readonly")),
                    route not in WRITING_ROUTES,
                    "a route that only reads is read-only; one that writes not",
                )
        self.assertIn("/my/messages/<int:message_id>/reply", routes)

    def test_portal_pages_write_nothing(self):
        self.authenticate("karl.portal", "karl.portal")
        message = self.published
        attachment = message.attachment_ids
        for url, status in [
            ("/my/messages", 200),
            ("/my/messages/page/2", 200),
            ("/my/messages?sortby=subject&search_in=body&search=Vertrag", 200),
            (f"/my/messages?filterby=topic_{self.topic.id}", 200),
            (f"/my/messages/{message.id}", 200),
            (f"/my/messages/{message.id}/attachment/{attachment.id}", 200),
            ("/my/messages/export", 200),
            ("/my/messages/export.json", 200),
            ("/my/messages/privacy", 200),
            ("/my/messages/2147483647", 404),
            (f"/my/messages/{message.id}/attachment/2147483647", 404),
            ("/my/messages?search=a%00b", 400),
        ]:
            with self.subTest(url=url), request_attempts() as requests:
                response = self.url_open(url, allow_redirects=False)
                self.assertEqual(response.status_code, status, response.text[:300])
                self.assert_read_only(requests, url)
        page = self.url_open("/my/messages").text
        self.assertIn("Vertragsverlängerung", page)

    def test_own_reply_is_read_on_the_primary(self):
        """Right after their reply, the visitor's pages are read on the
        primary, where the reply is (read-your-writes whatever the standby's
        lag); afterwards, and for everyone else, on the replica."""
        self.authenticate("karl.portal", "karl.portal")
        url = f"/my/messages/{self.published.id}"
        token = re.search(
            r'name="csrf_token" value="([^"]+)"', self.url_open(url).text
        )[1]
        with request_attempts() as requests:
            response = self.url_open(
                f"{url}/reply", data={"body": "Danke, passt!", "csrf_token": token}
            )
        self.assertIn("Danke, passt!", response.text)
        self.assertEqual(requests, [[False], [False]], "reply, then its page")
        later = time.time() + READ_YOUR_WRITES + 1
        with (
            patch.object(portal, "time", Mock(time=Mock(return_value=later))),
            request_attempts() as requests,
        ):
            self.assertIn("Danke, passt!", self.url_open(url).text)
        self.assert_read_only(requests, "the page later")
        self.authenticate("admin", "admin")
        self.authenticate("karl.portal", "karl.portal")
        with request_attempts() as requests:
            self.assertIn("Danke, passt!", self.url_open(url).text)
        self.assert_read_only(requests, "the page in a new session")

    def test_portal_counter_writes_nothing(self):
        self.authenticate("karl.portal", "karl.portal")
        with request_attempts() as requests:
            counters = self.make_jsonrpc_request(
                "/my/counters", {"counters": ["dialog_message_count"]}
            )
        self.assertEqual(counters["dialog_message_count"], 1)
        self.assert_read_only(requests, "/my/counters")

    def test_employee_overviews_write_nothing(self):
        """The message overview's list, groups and pivot, its filters
        (readers, follow-ups, delivery) and the customer overview run
        read-only: on the replica where there is one."""
        self.authenticate(self.user_employee.login, self.user_employee.login)
        domain = [
            ("dialog_visibility", "!=", False),
            ("dialog_restricted", "=", False),
            ("dialog_partner_id", "child_of", self.customer.id),
            ("dialog_delivery_state", "in", ["sent", "pending"]),
        ]
        calls = [
            ("mail.message", "web_search_read", [domain], {"specification": {}}),
            (
                "mail.message",
                "web_read_group",
                [domain, ["dialog_channel"], ["dialog_channel"]],
                {},
            ),
            (
                "mail.message",
                "read_group",
                [domain, ["__count"], ["dialog_visibility", "date:month"]],
                {"lazy": False},
            ),
            ("mail.message", "search_count", [domain], {}),
            ("res.partner", "dialog_overview", [self.customer.id], {}),
            (
                "res.partner",
                "dialog_overview_show_all",
                [self.customer.id, "communication"],
                {},
            ),
        ]
        for model, method, args, kwargs in calls:
            with self.subTest(method=method), request_attempts() as requests:
                self.make_jsonrpc_request(
                    f"/web/dataset/call_kw/{model}/{method}",
                    {"model": model, "method": method, "args": args, "kwargs": kwargs},
                )
                self.assert_read_only(requests, method)

    def test_html_export_is_the_customer_file(self):
        """The read-only export still renders the file (Odoo's test mode
        renders reports as HTML)."""
        self.authenticate("karl.portal", "karl.portal")
        with request_attempts() as requests:
            page = self.url_open("/my/messages/export").text
        self.assert_read_only(requests, "/my/messages/export")
        self.assertTrue(re.search("Vertragsverl(ä|&auml;)ngerung", page))
