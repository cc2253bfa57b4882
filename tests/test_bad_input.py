"""A hostile client's calls: every one is answered with a clear error or a
normal page — never a traceback, an HTTP 500, database error text or a
message stored half-way."""

import functools
import logging
import re
import xmlrpc.client
from datetime import timedelta
from unittest.mock import patch
from urllib.parse import quote

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from ..controllers import portal as portal_controllers
from ..controllers.mail import DialogPortalChatter
from ..controllers.portal import DialogPortal
from ..tools.dialog_input import MAX_TEXT_CHARS, MAX_TEXT_PARAM, printable
from .common import DialogCase, request_attempts

TOO_BIG = 2**31


def bad_dialog_post_arguments(case):
    """(body, kwargs, expected error text) for dialog_post."""
    ok = "Kunde hat angerufen."
    return [
        (None, {}, "must be a text"),
        (42, {}, "must be a text"),
        (["Text"], {}, "must be a text"),
        ({"de": "Text"}, {}, "must be a text"),
        (True, {}, "must be a text"),
        ("", {}, "empty"),
        ("   \n ", {}, "empty"),
        ("<p>&nbsp;</p>", {}, "empty"),
        ("<p><br></p>", {}, "empty"),
        ("<script>alert(1)</script>", {}, "empty"),
        ("<style>p {color: red}</style>", {}, "empty"),
        ("Kunde \ud800 rief an", {}, "not text"),
        ("Kunde \x00 rief an", {}, "NUL"),
        (ok, {"subject": "Betreff \x00"}, "NUL"),
        (ok, {"subject": "\udfff"}, "not text"),
        (ok, {"subject": 42}, "must be a text"),
        (ok, {"subject": ["Betreff"]}, "must be a text"),
        (ok, {"subject": "x" * 1001}, "too long"),
        (ok, {"visibility": "public"}, "not a valid value for visibility"),
        (ok, {"visibility": None}, "not a valid value for visibility"),
        (ok, {"visibility": ["internal"]}, "not a valid value for visibility"),
        (ok, {"visibility": 1}, "not a valid value for visibility"),
        (ok, {"channel": "fax"}, "not a valid value for channel"),
        (ok, {"channel": {}}, "not a valid value for channel"),
        (ok, {"direction": "sideways"}, "not a valid value for direction"),
        (ok, {"topic_id": "1"}, "by its id"),
        (ok, {"topic_id": -1}, "Unknown topic"),
        (ok, {"topic_id": TOO_BIG}, "Unknown topic"),
        (ok, {"topic_id": 10**20}, "Unknown topic"),
        (ok, {"topic_id": 999999}, "Unknown topic"),
        (ok, {"topic_id": True}, "by its id"),
        (ok, {"topic_id": 1.5}, "by its id"),
        (ok, {"user_id": "admin"}, "by its id"),
        (ok, {"user_id": case.user_portal.id}, "not an active employee"),
        (ok, {"contact_id": case.other_contact.id}, "not a contact of"),
        (ok, {"contact_id": [case.contact.id]}, "by its id"),
        (ok, {"attachment_ids": "1"}, "list of ids"),
        (ok, {"attachment_ids": [True]}, "by its id"),
        (ok, {"attachment_ids": [TOO_BIG]}, "Unknown attachments"),
        (ok, {"attachment_ids": [999999]}, "Unknown attachments"),
        (ok, {"attachment_ids": {"a": 1}}, "list of ids"),
        (ok, {"follow_up_date": 20260101}, "date as text"),
        (ok, {"follow_up_date": [2026, 1, 1]}, "date as text"),
        (ok, {"follow_up_date": {"year": 2026}}, "date as text"),
        (ok, {"follow_up_date": True}, "date as text"),
        (ok, {"follow_up_date": "next tuesday"}, "Invalid follow-up date"),
        (ok, {"follow_up_date": "2026-02-30"}, "Invalid follow-up date"),
        (ok, {"follow_up_date": "99999-01-01"}, "Invalid follow-up date"),
        (ok, {"follow_up_date": "1800-01-01"}, "out of range"),
        (ok, {"follow_up_date": "2999-01-01"}, "out of range"),
        (ok, {"date": 1700000000}, "date as text"),
        (ok, {"date": True}, "date as text"),
        (ok, {"date": ["2026-01-01"]}, "date as text"),
        (ok, {"date": "9999-12-31"}, "in the future"),
        (ok, {"date": "2026-13-01"}, "Invalid interaction date"),
        (ok, {"date": "tomorrow"}, "Invalid interaction date"),
        (ok, {"date": "\x00"}, "Invalid interaction date"),
        (ok, {"date": "0001-01-01"}, "out of range"),
        (ok, {"send_content": "yes"}, "send_content"),
        (ok, {"send_content": 1}, "send_content"),
        (ok, {"reply_to_id": case.internal.id}, "not a customer message"),
        (ok, {"reply_to_id": 2**40}, "Unknown message to answer"),
        (ok, {"foo": 1}, "Unknown arguments"),
        (ok, {"idempotency_key": ""}, "idempotency key must be a text of 1 to 255"),
        (ok, {"idempotency_key": "   "}, "idempotency key must be a text"),
        (ok, {"idempotency_key": 42}, "idempotency key must be a text"),
        (ok, {"idempotency_key": ["k"]}, "idempotency key must be a text"),
        (ok, {"idempotency_key": "k" * 256}, "idempotency key must be a text"),
        (ok, {"idempotency_key": "k\x00"}, "NUL"),
        ("x" * (MAX_TEXT_CHARS + 1), {}, f"at most {MAX_TEXT_CHARS} characters"),
        (
            "<p>" + "x" * MAX_TEXT_CHARS + "</p>",
            {},
            f"at most {MAX_TEXT_CHARS} characters",
        ),
    ]


class BadInputCase(DialogCase):
    """Every test of a hostile call fails if the server logs an ERROR (a
    traceback) meanwhile: a refusal is a user's error, never a crash."""

    def setUp(self):
        super().setUp()
        self.enterContext(self.assertNoLogs("odoo", logging.ERROR))
        self.internal = self.post(self.customer, "Interne Notiz")

    def row_counts(self):
        self.env.flush_all()
        return (
            self.env["mail.message"].sudo().search_count([]),
            self.env["ir.attachment"].sudo().search_count([]),
        )


class TestBadInputOrm(BadInputCase):
    def test_dialog_post_refuses_and_stores_nothing(self):
        cases = bad_dialog_post_arguments(self)
        self.assertGreaterEqual(len(cases), 60)
        before = self.row_counts()
        for body, kwargs, pattern in cases:
            with (
                self.subTest(body=body, kwargs=kwargs),
                self.mock_mail_gateway(),
                self.assertRaisesRegex(ValidationError, pattern),
            ):
                self.post(self.customer, body, **kwargs)
            self.assertEqual(self.row_counts(), before)

    def test_called_on_no_or_several_records(self):
        Partner = self.env["res.partner"].with_user(self.user_employee)
        for records in (Partner, self.customer | self.contact):
            with (
                self.subTest(records=records.ids),
                self.assertRaisesRegex(ValidationError, "exactly one record"),
            ):
                records.with_user(self.user_employee).dialog_post("Text")

    def test_stored_text_is_what_was_meant(self):
        message = self.post(
            self.customer,
            "<p>Rückruf <b>vereinbart</b><script>alert(1)</script></p>",
            subject=False,
            date="2026-01-15 10:30:00",
        )
        self.assertEqual(message.body, "<p>Rückruf <b>vereinbart</b></p>")
        self.assertFalse(message.subject, "False is 'no subject' over XML-RPC")
        self.assertEqual(str(message.date), "2026-01-15 10:30:00")


@tagged("post_install", "-at_install")
class TestBadInputRpc(HttpCase, BadInputCase):
    def xmlrpc_post(self, body, kwargs):
        uid = self.xmlrpc_common.authenticate(
            self.env.cr.dbname, "employee", "employee", {}
        )
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            uid,
            "employee",
            "res.partner",
            "dialog_post",
            [[self.customer.id], body],
            kwargs,
        )

    def jsonrpc_post(self, body, kwargs):
        return self.jsonrpc_execute(
            self.user_employee.id,
            "employee",
            "res.partner",
            "dialog_post",
            [[self.customer.id], body],
            kwargs,
        )

    def marshallable(self, cases):
        # XML-RPC has no None without allow_none, no int beyond 32 bits and
        # no NUL or lone surrogate in valid XML (JSON-RPC has them all)
        def xml_text(value):
            return not isinstance(value, str) or (
                "\x00" not in value and printable(value) == value
            )

        return [
            (body, kwargs, pattern)
            for body, kwargs, pattern in cases
            if body is not None
            and xml_text(body)
            and all(xml_text(v) for v in kwargs.values())
            and None not in kwargs.values()
            and not any(
                isinstance(v, int) and abs(v) >= TOO_BIG for v in kwargs.values()
            )
            and not any(
                isinstance(v, list)
                and any(abs(i) >= TOO_BIG for i in v if isinstance(i, int))
                for v in kwargs.values()
            )
        ]

    def test_xmlrpc_faults_are_clear(self):
        before = self.row_counts()
        cases = self.marshallable(bad_dialog_post_arguments(self))
        for body, kwargs, pattern in cases:
            with (
                self.subTest(body=body, kwargs=kwargs),
                self.assertRaises(xmlrpc.client.Fault) as fault,
            ):
                self.xmlrpc_post(body, kwargs)
            text = fault.exception.faultString
            self.assertRegex(text, pattern)
            self.assertNotIn("Traceback", text)
            self.assertNotIn("psycopg2", text)
        self.assertEqual(self.row_counts(), before)

    def test_jsonrpc_errors_are_clear(self):
        before = self.row_counts()
        for body, kwargs, pattern in bad_dialog_post_arguments(self):
            with self.subTest(body=body, kwargs=kwargs):
                response = self.jsonrpc_post(body, kwargs)
                self.assertEqual(response.status_code, 200)
                error = response.json()["error"]["data"]
                self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
                self.assertRegex(error["message"], pattern)
                self.assertNotIn("psycopg2", error["message"])
        self.assertEqual(self.row_counts(), before)

    def test_subject_false_accepted_over_xmlrpc(self):
        message_id = self.xmlrpc_post("Anruf", {"subject": False, "date": False})
        self.assertFalse(self.env["mail.message"].browse(message_id).subject)


@tagged("post_install", "-at_install")
class TestBadPortalRequests(HttpCase, BadInputCase):
    def setUp(self):
        super().setUp()
        with self.mock_mail_gateway():
            self.published = self.post(
                self.customer,
                "Rabatt 50% auf alles_außer Tiernahrung",
                visibility="customer",
                subject="Angebot",
            )
            self.other = self.post(
                self.customer,
                "Ein ganz anderes Thema",
                visibility="customer",
                subject="Sonstiges",
            )
        self.authenticate("karl.portal", "karl.portal")

    def csrf(self):
        page = self.url_open(f"/my/messages/{self.published.id}").text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def test_ids_out_of_range_are_404(self):
        before = self.row_counts()
        token = self.csrf()
        pid = self.published.id
        for url, data in [
            ("/my/messages/2147483648", None),
            ("/my/messages/99999999999999999999999", None),
            ("/my/messages/0", None),
            (f"/my/messages/{self.internal.id}", None),
            ("/my/messages/2147483648/reply", {"body": "x", "csrf_token": token}),
            ("/my/messages/9" * 30 + "/reply", {"body": "x", "csrf_token": token}),
            (f"/my/messages/{pid}/attachment/2147483648", None),
            (f"/my/messages/{pid}/attachment/99999999999999999999", None),
            ("/my/messages/2147483648/attachment/1", None),
            ("/my/messages/" + "9" * 20_000, None),
            (f"/my/messages/{pid}/attachment/" + "9" * 20_000, None),
            (f"/my/messages/{pid}%00", None),
            ("/my/messages/%00", None),
            (f"/my/messages/{pid}/attachment/1%00", None),
        ]:
            with self.subTest(url=url):
                response = self.url_open(url, data=data, allow_redirects=False)
                self.assertEqual(response.status_code, 404)
        self.assertEqual(self.row_counts(), before)

    def test_list_parameters_never_500(self):
        for query in [
            "search=a%00b",
            "search=%ED%A0%80",
            "page=abc",
            "page=-5",
            "page=99999999999999999999",
            "sortby=id;DROP TABLE mail_message",
            "filterby=topic_999999999999",
            "filterby[]=x",
            "search_in=nowhere",
            "search=" + "x" * 5000,
        ]:
            with self.subTest(query=query):
                response = self.url_open(f"/my/messages?{query}")
                self.assertIn(response.status_code, (200, 400), response.text[:300])
                self.assertNotIn("psycopg2", response.text)
        for path in ("/my/messages/page/99999999999", "/my/messages/page/0"):
            with self.subTest(path=path):
                self.assertIn(self.url_open(path).status_code, (200, 400))

    def test_nul_in_search_is_a_clear_400(self):
        response = self.url_open("/my/messages?search=a%00b")
        self.assertEqual(response.status_code, 400)

    def test_search_terms_are_literal(self):
        for term, found in [
            ("50%", True),
            ("%", True),
            ("_", True),
            ("50% auf", True),
            ("Rabatt%Tier", False),
            ("ganz_anderes", False),
        ]:
            with self.subTest(term=term):
                page = self.url_open(f"/my/messages?search={quote(term)}").text
                self.assertEqual("Angebot" in page, found)
                self.assertNotIn("Sonstiges", page)

    def test_20_mb_reply_refused_naming_the_limit(self):
        before = self.row_counts()
        response = self.url_open(
            f"/my/messages/{self.published.id}/reply",
            data={"body": "Sehr lang. " * 1_900_000, "csrf_token": self.csrf()},
            allow_redirects=False,
            timeout=120,
        )
        # Odoo's form parser refuses any field over 10 MB first (413)
        self.assertEqual(response.status_code, 413)
        self.assertIn("at most 100000 characters", response.text)
        self.assertIn("o_customer_dialog_portal_message", response.text)
        self.assertEqual(self.row_counts(), before)
        response = self.url_open(
            f"/my/messages/{self.published.id}/reply",
            data={"body": "Lang. " * 20_000, "csrf_token": self.csrf()},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("at most 100000 characters, this one has 120000", response.text)
        self.assertLess(len(response.content), MAX_TEXT_CHARS * 2, "not all sent back")
        self.assertIn(
            'maxlength="100000"',
            self.url_open(f"/my/messages/{self.published.id}").text,
        )
        self.assertEqual(self.row_counts(), before)

    def test_bad_replies_are_refused_cleanly(self):
        before = self.row_counts()
        url = f"/my/messages/{self.published.id}/reply"
        for data in [
            {"body": "Antwort \x00 mit NUL"},
            {"body": ""},
            {"body": "   "},
        ]:
            with self.subTest(data=data):
                data["csrf_token"] = self.csrf()
                response = self.url_open(url, data=data, allow_redirects=False)
                self.assertEqual(response.status_code, 400)
                self.assertIn("o_customer_dialog_portal_message", response.text)
        self.assertEqual(self.row_counts(), before)


class TestTextSizeLimit(BadInputCase):
    """A text larger than the limit (system parameter, 100,000 characters by
    default) is refused wherever it comes in, and the refusal names the
    limit: a customer who stored 20 MB would block every later export of
    their file."""

    TWENTY_MB = "Sehr lang. " * 1_900_000

    def test_20_mb_post_refused_naming_the_limit(self):
        before = self.row_counts()
        with self.assertRaisesRegex(
            ValidationError, "at most 100000 characters, this one has 20900000"
        ):
            self.post(self.customer, self.TWENTY_MB)
        self.assertEqual(self.row_counts(), before)

    def test_text_at_the_limit_is_stored(self):
        message = self.post(self.customer, "x" * (MAX_TEXT_CHARS - 7))
        self.assertEqual(len(message.body), MAX_TEXT_CHARS)  # <p>...</p>

    def test_limit_is_a_system_parameter(self):
        Param = self.env["ir.config_parameter"].sudo()
        Param.set_param(MAX_TEXT_PARAM, "50")
        self.post(self.customer, "x" * 40)
        with self.assertRaisesRegex(ValidationError, "at most 50 characters"):
            self.post(self.customer, "x" * 60)
        for nonsense in ("abc", "-5", "0", "1e9", "²"):
            Param.set_param(MAX_TEXT_PARAM, nonsense)
            with self.subTest(value=nonsense):
                self.post(self.customer, "x" * 60)

    def test_edit_held_to_the_limit(self):
        """Odoo's chatter edits a message in sudo: the limit holds there
        too; a message that is no dialog message keeps Odoo's rules."""
        with self.assertRaisesRegex(ValidationError, "at most 100000 characters"):
            self.internal.sudo().write({"body": "x" * (MAX_TEXT_CHARS + 1)})
        note = self.customer.message_post(body="Notiz", subtype_xmlid="mail.mt_note")
        note.sudo().write({"body": "x" * (MAX_TEXT_CHARS + 1)})
        self.assertIn("x" * (MAX_TEXT_CHARS + 1), note.body)


class TestBadInputWrites(BadInputCase):
    def test_writes_with_wrong_values(self):
        message = self.internal.with_user(self.user_employee)
        for vals, error in [
            ({"dialog_visibility": "public"}, ValidationError),
            ({"dialog_channel": "fax"}, ValidationError),
            ({"dialog_delivery": "content"}, AccessError),
            ({"dialog_partner_id": self.other_customer.id}, AccessError),
        ]:
            with self.subTest(vals=vals), self.assertRaises(error):
                message.write(vals)
        with self.assertRaises(UserError):
            self.env["mail.message"].with_user(self.user_portal).create(
                {"body": "x", "dialog_visibility": "customer"}
            )


class TestEveryRouteNeverFails(HttpCase, BadInputCase):
    """Every route of the portal, called with each parameter it reads in a
    shape no form sends (a file, twice, NUL, broken UTF-8, very long): a
    page or a 4xx, never a 500."""

    PARAMETERS = (
        "body",
        "search",
        "search_in",
        "sortby",
        "filterby",
        "page",
        "attachments",
        "csrf_token",
        "access_token",
        "_hash",
        "pid",
    )
    SHAPES = {
        "file": lambda name: ({}, {name: ("x.txt", b"x", "text/plain")}),
        "twice": lambda name: ([(name, "a"), (name, "b")], {}),
        "NUL": lambda name: ({name: "a\x00b"}, {}),
        "broken UTF-8": lambda name: ({name: b"\xed\xa0\x80\xff"}, {}),
        "very long": lambda name: ({name: "9" * 20000}, {}),
        "other digits": lambda name: ({name: "²"}, {}),
    }

    def setUp(self):
        super().setUp()
        with self.mock_mail_gateway():
            self.published = self.post(
                self.customer,
                "Veröffentlicht",
                visibility="customer",
                attachment_ids=[self.upload("a.txt", b"Anhang").id],
            )
        # a prepared customer file of the visitor's (its download route)
        self.job = self.portal_export_job()
        self.job.write(
            {
                "state": "done",
                "attachment_id": self.job._dialog_attach(
                    "Akte.html", b"<p>x</p>", "html"
                ).id,
            }
        )
        self.authenticate("karl.portal", "karl.portal")

    def module_urls(self):
        """(url, methods, read-only) of every route this module's controllers declare
        or override."""
        values = {
            "message_id": self.published.id,
            "attachment_id": self.published.attachment_ids.id,
            "page": 1,
            "res_id": self.published.id,
            "width": 50,
            "height": 50,
            "job_id": self.job.id,
        }
        urls = []
        for controller in (DialogPortal, DialogPortalChatter):
            for name, member in vars(controller).items():
                if not hasattr(member, "original_routing"):
                    continue
                # an override's @http.route() keeps the routes it overrides
                routing = next(
                    vars(cls)[name].original_routing
                    for cls in controller.__mro__
                    if vars(cls).get(name) is not None
                    and vars(cls)[name].original_routing.get("routes")
                )
                for route in routing["routes"]:
                    url = re.sub(r"<int:(\w+)>", lambda m: str(values[m[1]]), route)
                    methods = set(routing.get("methods") or ["GET", "POST"])
                    urls.append((url, methods, bool(routing.get("readonly"))))
        return urls

    @patch.object(portal_controllers, "READ_YOUR_WRITES", 0)
    def test_no_parameter_shape_gives_500(self):
        """(A reply that goes through would send the visitor's next reads to
        the primary for a while: read-your-writes, off here.)"""
        urls = self.module_urls()
        self.assertGreaterEqual(len(urls), 6)
        page = self.url_open(f"/my/messages/{self.published.id}").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        failures = []
        for url, methods, readonly in urls:
            method = "POST" if methods == {"POST"} else "GET"
            for name in self.PARAMETERS:
                for shape, make in self.SHAPES.items():
                    data, files = make(name)
                    if method == "POST" and name != "csrf_token":
                        data = [*dict(data).items(), ("csrf_token", token)]
                    send = self.opener.post
                    if method == "GET" and not files:
                        send = functools.partial(self.opener.get, params=data)
                        data = None
                    with request_attempts() as requests:
                        response = send(
                            self.base_url() + url,
                            data=data,
                            files=files,
                            allow_redirects=False,
                            timeout=60,
                        )
                    if response.status_code >= 500 or "Traceback" in response.text:
                        failures.append((url, name, shape, response.status_code))
                    # a read-only route answers bad input without a write:
                    # on a replica it never needs the primary for it (a
                    # method it does not take is refused before any cursor)
                    if readonly and any(tries != [True] for tries in requests):
                        failures.append((url, name, shape, "wrote", requests))
        self.assertEqual(failures, [])
        self.assertTrue(any(readonly for _url, _methods, readonly in urls))


@tagged("post_install", "-at_install")
class TestEveryCallAnswers(HttpCase, BadInputCase):
    """Calls that used to log a server traceback: each answers with a clear
    error or the right result, over the ORM, XML-RPC and JSON-RPC."""

    def jsonrpc_error(self, model, method, args, kwargs=None):
        response = self.jsonrpc_execute(
            self.user_employee.id, "employee", model, method, args, kwargs or {}
        )
        self.assertEqual(response.status_code, 200)
        return response.json().get("error", {}).get("data", {})

    def test_empty_dates_mean_not_given(self):
        message = self.post(self.customer, "Anruf", date="", follow_up_date=" ")
        self.assertFalse(message.dialog_follow_up_date)
        self.assertAlmostEqual(
            message.date, fields.Datetime.now(), delta=timedelta(minutes=5)
        )

    def test_no_body_or_too_many_arguments(self):
        partner = self.customer.with_user(self.user_employee)
        with self.assertRaisesRegex(ValidationError, "must be a text"):
            partner.dialog_post()
        with self.assertRaisesRegex(ValidationError, "4 arguments more than"):
            partner.dialog_post("Text", *(["internal"] * 20))
        error = self.jsonrpc_error(
            "res.partner", "dialog_post", [[self.customer.id], "x", *(["a"] * 20)]
        )
        self.assertIn("arguments more than it takes", error["message"])

    def test_one_record_methods_on_none_or_several(self):
        second = self.post(self.customer, "Zweite Notiz")
        for records, method in [
            (self.internal | second, "action_dialog_resend"),
            (self.internal.browse(), "action_dialog_open_reference"),
            (self.internal | second, "action_dialog_open_reference"),
        ]:
            with (
                self.subTest(method=method, ids=records.ids),
                self.assertRaisesRegex(UserError, "exactly one record"),
            ):
                getattr(records.with_user(self.user_employee), method)()
        error = self.jsonrpc_error(
            "mail.message", "action_dialog_resend", [[self.internal.id, second.id]]
        )
        self.assertIn("exactly one record", error["message"])
        self.assertIn("NotOneRecord", error["name"])

    def test_actions_answer_over_xmlrpc(self):
        uid = self.xmlrpc_common.authenticate(
            self.env.cr.dbname, "employee", "employee", {}
        )
        for method in ("action_dialog_archive", "action_dialog_unarchive"):
            with self.subTest(method=method):
                self.assertIs(
                    self.xmlrpc_object.execute_kw(
                        self.env.cr.dbname,
                        uid,
                        "employee",
                        "mail.message",
                        method,
                        [[self.internal.id]],
                    ),
                    True,
                )

    def test_delivery_state_searched_with_wrong_values(self):
        for value in (5, [5], {"a": 1}):
            with self.subTest(value=value):
                error = self.jsonrpc_error(
                    "mail.message",
                    "search_read",
                    [[("dialog_delivery_state", "=", value)]],
                    {"fields": ["id"]},
                )
                self.assertIn("searched by their codes", error["message"])
        found = self.env["mail.message"].search_read(
            [("dialog_delivery_state", "=", None), ("id", "=", self.internal.id)],
            ["id"],
        )
        self.assertEqual(found, [])

    def test_choice_with_nul_or_surrogate_is_a_clear_error(self):
        for value in ("intern\x00", "\ud800"):
            with self.subTest(value=repr(value)):
                error = self.jsonrpc_error(
                    "res.partner",
                    "dialog_post",
                    [[self.customer.id], "Text"],
                    {"visibility": value},
                )
                self.assertIn("not a valid value for", error["message"])
                self.assertNotIn("\x00", error["message"])
