"""An integration retries: dialog_post with an idempotency key stores and
sends a message once, however often the call is repeated (make stress runs a
retry storm with aborted first calls against this)."""

import psycopg2

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import DialogCase

KEY = "crm-sync-4711-1"


class TestIdempotentPost(DialogCase):
    def post_keyed(self, record, body="Rückruf vereinbart.", user=None, **kwargs):
        user = user or self.user_employee
        return (
            record.with_user(user)
            .with_context(mail_create_nosubscribe=True)
            .dialog_post(body, visibility="customer", idempotency_key=KEY, **kwargs)
        )

    def test_repeated_call_returns_the_first_message(self):
        with self.mock_mail_gateway():
            first = self.post_keyed(self.customer_no_portal)
            again = self.post_keyed(self.customer_no_portal)
            other_text = self.post_keyed(self.customer_no_portal, "Anderer Text")
        self.assertEqual(again, first)
        self.assertEqual(other_text, first, "the key decides, not the text")
        self.assertEqual(
            self.env["mail.message"].search_count(
                [
                    ("body", "ilike", "Rückruf vereinbart"),
                    ("dialog_visibility", "!=", False),
                ]
            ),
            1,
        )
        self.assertEqual(len(self._new_mails), 1, "one delivery email")

    def test_keys_are_per_user(self):
        first = self.post_keyed(self.customer_no_portal)
        second = self.post_keyed(self.customer_no_portal, user=self.user_manager)
        self.assertNotEqual(first, second)

    def test_key_of_another_record_refused(self):
        self.post_keyed(self.customer_no_portal)
        with self.assertRaisesRegex(ValidationError, "used for another message"):
            self.post_keyed(self.customer)

    def test_failed_call_leaves_the_key_free(self):
        with self.assertRaisesRegex(ValidationError, "not a valid value"):
            self.post_keyed(self.customer_no_portal, channel="fax")
        self.assertTrue(self.post_keyed(self.customer_no_portal))

    def test_key_lives_as_long_as_its_message(self):
        first = self.post_keyed(self.customer_no_portal)
        Keys = self.env["customer_dialog.post_key"].sudo()
        self.assertEqual(Keys.search([("key", "=", KEY)]).message_id.id, first)
        self.env["mail.message"].browse(first).sudo().unlink()
        self.assertFalse(Keys.search([("key", "=", KEY)]))
        self.assertNotEqual(self.post_keyed(self.customer_no_portal), first)

    def test_nobody_but_the_system_reads_keys(self):
        self.post_keyed(self.customer_no_portal)
        for user in (self.user_portal, self.user_employee, self.user_manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["customer_dialog.post_key"].with_user(user).search([])
        self.assertNotIn("idempotency", " ".join(self.env["mail.message"]._fields))

    def test_unique_per_user_in_the_database(self):
        self.post_keyed(self.customer_no_portal)
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
            mute_logger("odoo.sql_db"),
        ):
            self.env.cr.execute(
                "INSERT INTO customer_dialog_post_key (user_id, key) VALUES (%s, %s)",
                [self.user_employee.id, KEY],
            )


@tagged("post_install", "-at_install")
class TestIdempotentPostOverRpc(HttpCase, DialogCase):
    def test_xmlrpc_and_jsonrpc_retries_return_the_first_id(self):
        uid = self.xmlrpc_common.authenticate(
            self.env.cr.dbname, "employee", "employee", {}
        )
        ids = [
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                uid,
                "employee",
                "res.partner",
                "dialog_post",
                [[self.customer_no_portal.id], "Anruf wegen Rechnung"],
                {"idempotency_key": KEY},
            )
            for _ in range(2)
        ]
        response = self.jsonrpc_execute(
            self.user_employee.id,
            "employee",
            "res.partner",
            "dialog_post",
            [[self.customer_no_portal.id], "Anruf wegen Rechnung"],
            {"idempotency_key": KEY},
        )
        ids.append(response.json()["result"])
        self.assertEqual(len(set(ids)), 1, ids)
