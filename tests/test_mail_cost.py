"""The module costs nothing on messages that are not dialog messages.

The baseline is measured in the same database: every method the module
overrides on mail.thread, mail.message, mail.mail, mail.notification,
mail.template, res.partner, ir.attachment and ir.qweb is
replaced by a plain call of Odoo's own implementation.

(Emails are claimed before they are sent only by the queue's cron and the
send after a commit, never in the transaction that creates them: see
mail.mail._send.)
"""

import contextlib
import inspect
from unittest.mock import patch

from odoo.models import MetaModel

from .common import DialogCase, needs_sale

# Every class of the module that re-inherits a model it did not create: all
# of them, wherever their room is, so that a new override is measured too.
OVERRIDING_CLASSES = [
    cls
    for cls in MetaModel.module_to_models["customer_dialog"]
    if cls._inherit
    and cls._name in ([cls._inherit] if isinstance(cls._inherit, str) else cls._inherit)
]


def _passthrough(cls, name):
    def method(self, *args, **kwargs):
        return getattr(super(cls, self), name)(*args, **kwargs)

    return method


@contextlib.contextmanager
def odoo_without_the_module():
    """Every override of the module answers as Odoo alone would."""
    with contextlib.ExitStack() as stack:
        for cls in OVERRIDING_CLASSES:
            for name, member in vars(cls).items():
                # the module's own methods all carry "dialog" in their name;
                # every other method overrides Odoo's
                if inspect.isfunction(member) and "dialog" not in name:
                    stack.enter_context(
                        patch.object(cls, name, _passthrough(cls, name))
                    )
        yield


class TestPlainMessagesCostNothing(DialogCase):
    def assertSameCost(self, operation, more=0):
        """Each variant runs until its count is stable (Odoo's caches warm),
        then both counts must be equal, or differ by exactly ``more``."""
        counts = {}
        for variant in ("without", "with", "without", "with"):
            context = (
                odoo_without_the_module()
                if variant == "without"
                else contextlib.nullcontext()
            )
            with context:
                counts[variant] = self.count_queries(operation)
        self.assertGreater(counts["without"], 0)
        self.assertEqual(counts["with"], counts["without"] + more)

    def test_patch_reaches_the_overrides(self):
        with odoo_without_the_module():
            overrides = [
                cls.message_post
                for cls in OVERRIDING_CLASSES
                if "message_post" in vars(cls)
            ]
            self.assertTrue(overrides)
            for method in overrides:
                self.assertEqual(method.__qualname__, "_passthrough.<locals>.method")

    def test_message_post_to_a_partner(self):
        record = self.customer_no_portal.with_user(self.user_admin)
        with self.mock_mail_gateway():
            self.assertSameCost(
                lambda: record.message_post(
                    body="<p>Guten Tag</p>",
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=self.customer_no_portal.ids,
                )
            )

    @needs_sale
    def test_message_post_with_followers(self):
        self.order.message_subscribe(partner_ids=self.partner_employee.ids)
        record = self.order.with_user(self.user_admin)
        with self.mock_mail_gateway():
            self.assertSameCost(
                lambda: record.message_post(
                    body="<p>Lieferung kommt</p>",
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                )
            )

    @needs_sale
    def test_message_log(self):
        record = self.order.with_user(self.user_employee)
        self.assertSameCost(lambda: record._message_log(body="<p>Notiz</p>"))

    def test_note_on_a_record(self):
        record = self.customer.with_user(self.user_admin)
        self.assertSameCost(
            lambda: record.message_post(
                body="<p>Notiz</p>", subtype_xmlid="mail.mt_note"
            )
        )

    def test_chatter_of_plain_messages(self):
        """Dialog badges cost no query for the messages that have none: the
        chatter reads whether a message is a dialog message in the query
        that reads its text."""
        from odoo.addons.mail.tools.discuss import Store

        record = self.customer.with_user(self.user_admin)
        messages = (
            self.env["mail.message"]
            .browse(
                record.message_post(
                    body=f"<p>Notiz {n}</p>", subtype_xmlid="mail.mt_note"
                ).id
                for n in range(3)
            )
            .with_user(self.user_admin)
        )
        self.assertSameCost(lambda: messages._to_store(Store(), for_current_user=True))

    def test_notification_status_change(self):
        with self.mock_mail_gateway():
            message = self.customer_no_portal.message_post(
                body="<p>Guten Tag</p>",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.customer_no_portal.ids,
            )
        notification = message.notification_ids
        self.assertTrue(notification)
        statuses = iter(["exception", "sent"] * 4)
        self.assertSameCost(
            lambda: notification.write({"notification_status": next(statuses)})
        )
        # a bounce asks once whether the email was a dialog delivery
        self.assertSameCost(
            lambda: notification.write({"notification_status": "bounce"}),
            more=1,
        )


class TestDerivedFieldsCostNoWrite(DialogCase):
    """The derived fields (the delivery, the kind of reference object) are
    computed before the INSERT: neither a plain message nor a dialog message
    pays an UPDATE for them. (The comparison with Odoo above cannot see
    this: fields stay when methods are patched away.)"""

    DERIVED = ('"dialog_delivery"', '"dialog_reference_model"')

    def statements(self, operation):
        from odoo.sql_db import Cursor

        executed = []
        original = Cursor.execute

        def execute(cr, query, params=None, log_exceptions=True):
            executed.append(str(getattr(query, "code", query)))
            return original(cr, query, params, log_exceptions)

        self.env.flush_all()
        with patch.object(Cursor, "execute", execute):
            operation()
            self.env.flush_all()
        return executed

    def assertNoUpdateOfDerived(self, executed):
        self.assertTrue(any('INSERT INTO "mail_message"' in q for q in executed))
        updates = [
            q
            for q in executed
            if q.lstrip().upper().startswith("UPDATE")
            and any(column in q for column in self.DERIVED)
        ]
        self.assertEqual(updates, [])

    def test_plain_message(self):
        record = self.customer.with_user(self.user_admin)
        self.assertNoUpdateOfDerived(
            self.statements(
                lambda: record.message_post(
                    body="<p>Notiz</p>", subtype_xmlid="mail.mt_note"
                )
            )
        )

    def test_dialog_message(self):
        with self.mock_mail_gateway():
            executed = self.statements(
                lambda: self.post(self.customer, "Vertrag", visibility="customer")
            )
        self.assertNoUpdateOfDerived(executed)
