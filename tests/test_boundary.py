"""One boundary for every way in: a dialog field written with write(),
given to create() or to dialog_post is converted and checked the same way
(tools/dialog_input), over the ORM, XML-RPC and JSON-RPC; each refusal is a
clear error, never a server traceback, and stores nothing."""

import logging
import xmlrpc.client
from contextlib import contextmanager
from unittest.mock import patch

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged

from ..tools.dialog_input import MAX_TEXT_PARAM
from .common import DialogCase


def bad_writes(case):
    """(vals, expected error text) of a write on a dialog message by its
    author: each is what dialog_post refuses too."""
    return [
        ({"date": "1800-01-01 10:00:00"}, "out of range"),
        ({"date": "2999-01-01 10:00:00"}, "in the future"),
        ({"date": "2026-02-30 10:00:00"}, "Invalid interaction date"),
        ({"date": "gestern"}, "Invalid interaction date"),
        ({"date": ""}, "needs its date"),
        ({"date": 20260101}, "must be a date"),
        ({"dialog_follow_up_date": "0001-01-01"}, "out of range"),
        ({"dialog_follow_up_date": "2090-01-01"}, "out of range"),
        ({"dialog_follow_up_date": "2030-01-01 25:00:00"}, "Invalid follow-up date"),
        ({"dialog_user_id": case.user_portal.id}, "not an active employee"),
        ({"dialog_user_id": "abc"}, "by its id"),
        ({"dialog_user_id": 999999}, "Unknown responsible"),
        ({"dialog_topic_id": "abc"}, "by its id"),
        ({"dialog_topic_id": [1]}, "by its id"),
        ({"dialog_topic_id": 999999}, "Unknown topic"),
        ({"dialog_published": True}, "Only messages for the customer"),
        ({"dialog_published": "ja"}, "true, false or empty"),
        ({"dialog_archived": 2}, "true, false or empty"),
        ({"body": "Rückruf \ud800 vereinbart"}, "not text"),
        ({"body": "Rückruf \x00 vereinbart"}, "NUL"),
        ({"body": "Rückruf \x1b[31m vereinbart"}, "control character"),
        ({"body": "Rechnung \u202efdp.exe"}, "control character"),
        ({"subject": "Rechnung \u202efdp.exe"}, "control character"),
        ({"subject": "Betreff \x07"}, "control character"),
        ({"body": "x" * 120}, "at most 100 characters"),
    ]


def bad_posts():
    """(body, kwargs, expected error text) of dialog_post added with the
    write cases."""
    ok = "Kunde hat angerufen."
    return [
        ("Rückruf \x1b[31m vereinbart", {}, "control character"),
        ("Rechnung \u202efdp.exe", {}, "control character"),
        (ok, {"subject": "Rechnung \u202efdp.exe"}, "control character"),
        (ok, {"subject": "Ton \x07"}, "control character"),
        (ok, {"follow_up_date": "2030-01-01 25:00:00"}, "Invalid follow-up date"),
        (ok, {"follow_up_date": "2030-01-01T10:00:00"}, "Invalid follow-up date"),
        ("<p>Rechnung &#x202e;fdp.exe</p>", {}, "control character"),
        ("<p>Zeile &#x85; Ende</p>", {}, "control character"),
    ]


class BoundaryCase(DialogCase):
    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param(MAX_TEXT_PARAM, "100")
        with self.mock_mail_gateway():
            self.note = self.post(self.customer, "Interne Notiz", subject="Notiz")
        self.snapshot = self.stored()

    def stored(self):
        self.env.invalidate_all()
        message = self.note.sudo()
        return (
            message.read(
                [
                    "date",
                    "body",
                    "subject",
                    "dialog_follow_up_date",
                    "dialog_user_id",
                    "dialog_topic_id",
                    "dialog_published",
                    "dialog_archived",
                ]
            ),
            self.env["mail.message"].sudo().search_count([]),
        )

    @contextmanager
    def no_server_traceback(self):
        """Nothing logged at ERROR by the server while the block runs: a
        clear refusal is a user's error, which Odoo logs as a warning."""
        with self.assertNoLogs("odoo", logging.ERROR):
            yield


class TestWriteBoundary(BoundaryCase):
    def test_writes_are_checked_like_dialog_post(self):
        cases = bad_writes(self)
        self.assertGreaterEqual(len(cases), 25)
        message = self.note.with_user(self.user_employee)
        for vals, pattern in cases:
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, pattern),
            ):
                message.write(vals)
            self.assertEqual(self.stored(), self.snapshot)

    def test_good_writes_are_converted_as_dialog_post_converts(self):
        message = self.note.with_user(self.user_employee)
        message.write(
            {
                "subject": "  Rückruf\n vereinbart ",
                "date": "2026-01-15 10:30:00",
                "dialog_topic_id": self.topic_general.id,
                "dialog_user_id": self.user_manager.id,
            }
        )
        self.assertEqual(message.subject, "Rückruf vereinbart")
        self.assertEqual(str(message.date), "2026-01-15 10:30:00")
        self.assertEqual(message.dialog_topic_id, self.topic_general)
        self.assertEqual(message.dialog_user_id, self.user_manager)
        with self.mock_mail_gateway():
            published = self.post(
                self.customer, "Für den Kunden", visibility="customer"
            )
        published.with_user(self.user_employee).write({"dialog_published": False})
        published.with_user(self.user_employee).write({"dialog_published": True})
        self.assertTrue(published.dialog_published)

    def test_dialog_fields_only_on_dialog_messages(self):
        """create() with a dialog message's field but no visibility: refused
        whoever creates it, the system included."""
        for Message in (
            self.env["mail.message"].with_user(self.user_employee),
            self.env["mail.message"].sudo(),
        ):
            for vals in (
                {"dialog_delivery": "content"},
                {"dialog_published": True},
                {"dialog_partner_id": self.customer.id},
            ):
                with (
                    self.subTest(user=Message.env.uid, vals=vals),
                    self.assertRaisesRegex(UserError, "created with dialog_post"),
                ):
                    Message.create(
                        {"model": "res.partner", "res_id": self.customer.id, **vals}
                    )
        self.assertEqual(self.stored(), self.snapshot)


@tagged("post_install", "-at_install")
class TestBoundaryOverRpc(HttpCase, BoundaryCase):
    def xmlrpc(self, model, method, args, kwargs=None):
        uid = self.xmlrpc_common.authenticate(
            self.env.cr.dbname, "employee", "employee", {}
        )
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, uid, "employee", model, method, args, kwargs or {}
        )

    def jsonrpc_error(self, model, method, args, kwargs=None):
        response = self.jsonrpc_execute(
            self.user_employee.id, "employee", model, method, args, kwargs or {}
        )
        self.assertEqual(response.status_code, 200)
        return response.json().get("error", {}).get("data", {})

    @staticmethod
    def xml_safe(value):
        # XML has no NUL, lone surrogate or control character (Odoo's
        # XML-RPC parser refuses those before any code of the module runs)
        return not isinstance(value, str) or all(
            ch in "\t\n\r" or (ord(ch) >= 0x20 and not 0xD800 <= ord(ch) <= 0xDFFF)
            for ch in value
        )

    def test_writes_over_xmlrpc_and_jsonrpc(self):
        for vals, pattern in bad_writes(self):
            with self.subTest(vals=vals), self.no_server_traceback():
                error = self.jsonrpc_error(
                    "mail.message", "write", [[self.note.id], vals]
                )
                self.assertEqual(error.get("name"), "odoo.exceptions.ValidationError")
                self.assertRegex(error["message"], pattern)
                if all(self.xml_safe(v) for v in vals.values()):
                    with self.assertRaises(xmlrpc.client.Fault) as fault:
                        self.xmlrpc("mail.message", "write", [[self.note.id], vals])
                    self.assertRegex(fault.exception.faultString, pattern)
                    self.assertNotIn("Traceback", fault.exception.faultString)
            self.assertEqual(self.stored(), self.snapshot)

    def test_posts_over_xmlrpc_and_jsonrpc(self):
        for body, kwargs, pattern in bad_posts():
            with self.subTest(body=body, kwargs=kwargs), self.no_server_traceback():
                error = self.jsonrpc_error(
                    "res.partner", "dialog_post", [[self.customer.id], body], kwargs
                )
                self.assertRegex(error["message"], pattern)
                if self.xml_safe(body) and all(
                    self.xml_safe(v) for v in kwargs.values()
                ):
                    with self.assertRaises(xmlrpc.client.Fault) as fault:
                        self.xmlrpc(
                            "res.partner",
                            "dialog_post",
                            [[self.customer.id], body],
                            kwargs,
                        )
                    self.assertRegex(fault.exception.faultString, pattern)
            self.assertEqual(self.stored(), self.snapshot)

    def test_create_with_only_a_dialog_field(self):
        vals = {
            "model": "res.partner",
            "res_id": self.customer.id,
            "body": "x",
            "dialog_delivery": "content",
        }
        with self.no_server_traceback():
            error = self.jsonrpc_error("mail.message", "create", [vals])
            self.assertIn("created with dialog_post", error["message"])
            with self.assertRaises(xmlrpc.client.Fault) as fault:
                self.xmlrpc("mail.message", "create", [vals])
            self.assertIn("created with dialog_post", fault.exception.faultString)
        self.assertEqual(self.stored(), self.snapshot)

    def test_dialog_post_where_there_is_no_chatter(self):
        """Models without a chatter (a user's included) answer dialog_post
        with a clear refusal, not Odoo's "method does not exist" traceback."""
        country = self.env.ref("base.de")
        attachment = self.upload("a.txt", b"x")
        for model, record_id in (
            ("mail.message", self.note.id),
            ("res.country", country.id),
            ("ir.attachment", attachment.id),
            ("res.users", self.user_employee.id),
        ):
            with self.subTest(model=model), self.no_server_traceback():
                error = self.jsonrpc_error(
                    model, "dialog_post", [[record_id], "Kunde hat angerufen."]
                )
                self.assertEqual(error["name"], "odoo.exceptions.UserError")
                self.assertIn("documents with a chatter", error["message"])
        self.assertEqual(self.stored(), self.snapshot)

    def test_ids_as_a_string(self):
        """Odoo's dispatcher reads ids before the module's code: a string is
        refused there (core); nothing is stored."""
        with self.no_server_traceback():
            error = self.jsonrpc_error(
                "res.partner", "dialog_post", [str(self.customer.id), "Anruf"]
            )
        self.assertTrue(error)
        self.assertEqual(self.stored(), self.snapshot)

    def test_topic_and_composer_with_wrong_values(self):
        """A retention period as text, a composer for a document that does
        not exist: clear errors, nothing stored."""
        topics = self.env["customer_dialog.topic"].sudo().search_count([])
        for vals in (
            {"name": "Verträge", "retention_days": "30"},
            {"name": "Verträge", "retention_days": 1.5},
            {"name": "Verträge", "retention_days": [30]},
        ):
            with self.subTest(vals=vals), self.no_server_traceback():
                response = self.jsonrpc_execute(
                    self.user_manager.id,
                    "dialog_manager",
                    "customer_dialog.topic",
                    "create",
                    [vals],
                    {},
                )
                error = response.json()["error"]["data"]
                self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
                self.assertIn("retention period", error["message"])
        self.assertEqual(
            self.env["customer_dialog.topic"].sudo().search_count([]), topics
        )
        for vals in (
            {"res_model": "res.partner", "res_id": 999999, "body": "x"},
            {"res_model": "no.such.model", "res_id": 1, "body": "x"},
            {"res_model": ["res.partner"], "res_id": 1, "body": "x"},
            {"res_model": "mail.thread", "res_id": 1, "body": "x"},
        ):
            with self.subTest(vals=vals), self.no_server_traceback():
                error = self.jsonrpc_error("customer_dialog.composer", "create", [vals])
                self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
                self.assertIn("does not exist", error["message"])

    def test_the_other_examples_over_both_protocols(self):
        """The calls issue 28 names beside the writes: each a clear error (or
        the right result) over XML-RPC and JSON-RPC, nothing stored."""
        topic = {"name": "Verträge", "retention_days": "30"}
        composer = {"res_model": "res.partner", "res_id": 999999, "body": "x"}
        calls = [
            (
                "dialog_manager",
                "customer_dialog.topic",
                "create",
                [topic],
                {},
                "whole number of days",
            ),
            (
                "employee",
                "customer_dialog.composer",
                "create",
                [composer],
                {},
                "does not exist",
            ),
            (
                "employee",
                "mail.message",
                "search_read",
                [[("dialog_delivery_state", "=", 5)]],
                {"fields": ["id"]},
                "searched by their codes",
            ),
            (
                "employee",
                "mail.message",
                "search_read",
                [[("dialog_delivery_state", "in", [1, 2])]],
                {"fields": ["id"]},
                "searched by their codes",
            ),
        ]
        users = {"employee": self.user_employee, "dialog_manager": self.user_manager}
        for login, model, method, args, kwargs, pattern in calls:
            with self.subTest(model=model, args=args), self.no_server_traceback():
                response = self.jsonrpc_execute(
                    users[login].id, login, model, method, args, kwargs
                )
                self.assertRegex(response.json()["error"]["data"]["message"], pattern)
                uid = self.xmlrpc_common.authenticate(
                    self.env.cr.dbname, login, login, {}
                )
                with self.assertRaises(xmlrpc.client.Fault) as fault:
                    self.xmlrpc_object.execute_kw(
                        self.env.cr.dbname, uid, login, model, method, args, kwargs
                    )
                self.assertRegex(fault.exception.faultString, pattern)
        self.assertEqual(self.stored(), self.snapshot)
        # empty dates in dialog_post mean "not given", over both protocols
        for date in ("", " "):
            message_id = self.xmlrpc(
                "res.partner",
                "dialog_post",
                [[self.customer.id], "Anruf"],
                {"date": date, "follow_up_date": date},
            )
            response = self.jsonrpc_execute(
                self.user_employee.id,
                "employee",
                "res.partner",
                "dialog_post",
                [[self.customer.id], "Anruf"],
                {"date": date, "follow_up_date": None},
            )
            for posted in (message_id, response.json()["result"]):
                message = self.env["mail.message"].browse(posted)
                self.assertTrue(message.date)
                self.assertFalse(message.dialog_follow_up_date)


class TestSanitisedOnce(BoundaryCase):
    """dialog_post sanitises a body once (to_body) and stores exactly that;
    Odoo's sanitiser still cleans every other body, an edit included."""

    def test_a_posted_body_is_sanitised_once(self):
        self.env["ir.config_parameter"].sudo().set_param(MAX_TEXT_PARAM, "100000")
        from odoo import fields as odoo_fields
        from odoo.tools import mail as mail_tools

        body = "".join(
            f"<p>Zeile {i} <b>fett</b><script>x()</script></p>" for i in range(3)
        )
        calls = []

        def counting(html, *args, **kwargs):
            if "Zeile" in (html or ""):
                calls.append(html)
            return mail_tools.html_sanitize(html, *args, **kwargs)

        with patch.object(odoo_fields, "html_sanitize", counting):
            message = self.post(self.customer, body)
            self.env.flush_all()
            posted = len(calls)
            message.with_user(self.user_employee).write({"body": body + "<p>neu</p>"})
            self.env.flush_all()
        self.assertEqual(posted, 1, "to_body's sanitising only")
        self.assertGreaterEqual(len(calls), 2, "an edit is sanitised as always")
        self.assertNotIn("script", message.body)
        self.assertIn("<b>fett</b>", message.body)
