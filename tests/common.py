import functools
import json
from contextlib import contextmanager
from unittest import SkipTest
from unittest.mock import patch

from odoo import http
from odoo.addons.mail.tests.common import MailCommon, mail_new_test_user
from odoo.modules.registry import Registry
from odoo.tests.common import get_db_name

SALE_MISSING = (
    "needs sales orders as reference objects: the sale module is not installed "
    "(make test installs it; the module itself depends only on mail and portal)"
)


def needs_sale(test):
    """Skip a test method, or every test of a class, when ``sale`` is not
    installed: customer_dialog depends on mail and portal only, and Odoo's
    standard runner tests it on a database without sales orders."""
    if isinstance(test, type):
        test._dialog_needs_sale = True
        return test

    @functools.wraps(test)
    def wrapper(self, *args, **kwargs):
        if self.order is None:
            self.skipTest(SALE_MISSING)
        return test(self, *args, **kwargs)

    return wrapper


@contextmanager
def request_attempts():
    """Whether each request served in the block ran on a read-only cursor:
    one list per request, one entry per attempt. Odoo runs a read-only route
    on a read-only cursor (on the replica where there is one) and, when it
    writes, rolls back and runs it again on a read/write cursor
    (http.Request._transactioning); in tests the read-only cursor is a
    ``SET TRANSACTION READ ONLY`` one. ``[True]`` is a request that ran
    read-only and wrote nothing."""
    requests = []
    transactioning = http.Request._transactioning

    def recording(request, func, readonly):
        attempts = []
        requests.append(attempts)

        def attempt(*args, **kwargs):
            attempts.append(request.env.cr.readonly)
            return func(*args, **kwargs)

        return transactioning(request, attempt, readonly)

    with patch.object(http.Request, "_transactioning", recording):
        yield requests


class DialogCase(MailCommon):
    """Users, customers and helpers shared by the customer_dialog tests.

    Customers: ``customer`` (company with email, contact ``contact`` who uses
    the portal), ``customer_no_portal`` (email, nobody in the portal),
    ``customer_no_email`` and ``other_customer`` (another portal customer).
    ``user_employee`` (from MailCommon) sells, and may read but not edit
    partners; ``order`` is a sales order of ``contact`` when ``sale`` is
    installed, else None (see ``needs_sale``).
    """

    _dialog_needs_sale = False

    @classmethod
    def setUpClass(cls):
        if cls._dialog_needs_sale and "sale.order" not in Registry(get_db_name()):
            raise SkipTest(SALE_MISSING)
        super().setUpClass()
        cls.user_manager = mail_new_test_user(
            cls.env,
            login="dialog_manager",
            groups="base.group_user,base.group_partner_manager,"
            "customer_dialog.group_customer_dialog_manager",
            name="Manfred Manager",
            email="manfred@test.example.com",
        )
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {
                "name": "Kundenfirma Test GmbH",
                "is_company": True,
                "email": "info@kundenfirma.example.com",
            }
        )
        cls.contact = Partner.create(
            {
                "name": "Karl Kontakt",
                "parent_id": cls.customer.id,
                "email": "karl@kundenfirma.example.com",
            }
        )
        cls.customer_no_portal = Partner.create(
            {
                "name": "Bäckerei Ohneportal",
                "is_company": True,
                "email": "info@ohneportal.example.com",
            }
        )
        cls.customer_no_email = Partner.create(
            {"name": "Klaus Ohnemail", "phone": "+49 711 1"}
        )
        cls.other_customer = Partner.create(
            {
                "name": "Fremdfirma AG",
                "is_company": True,
                "email": "info@fremdfirma.example.com",
            }
        )
        cls.other_contact = Partner.create(
            {
                "name": "Olga Other",
                "parent_id": cls.other_customer.id,
                "email": "olga@fremdfirma.example.com",
            }
        )
        cls.user_portal = cls._portal_user(cls.contact, "karl.portal")
        cls.user_portal_other = cls._portal_user(cls.other_contact, "olga.portal")
        # sales orders are the usual reference object; the employee sells
        cls.order = None
        if "sale.order" in cls.env:
            cls.user_employee.groups_id += cls.env.ref(
                "sales_team.group_sale_salesman_all_leads"
            )
            cls.order = cls.env["sale.order"].create({"partner_id": cls.contact.id})
            cls.order.message_subscribe(partner_ids=cls.contact.ids)
        cls.topic_general = cls.env.ref("customer_dialog.topic_general")
        cls.topic_contract = cls.env.ref("customer_dialog.topic_contract_change")

    @classmethod
    def _employee(cls, login, name, email=False):
        """A plain employee (Customer Dialog user through base.group_user)."""
        return cls.env["res.users"].create(
            {
                "name": name,
                "login": login,
                "email": email,
                "groups_id": [(6, 0, cls.env.ref("base.group_user").ids)],
            }
        )

    @classmethod
    def _portal_user(cls, partner, login):
        return (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "login": login,
                    "password": login,
                    "partner_id": partner.id,
                    "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])],
                }
            )
        )

    def post(self, record, body="Kunde hat angerufen.", user=None, **kwargs):
        """dialog_post as ``user`` (default: the employee); returns the message."""
        user = user or self.user_employee
        message_id = record.with_user(user).dialog_post(body, **kwargs)
        return self.env["mail.message"].browse(message_id)

    def portal_export_job(self):
        """A customer file of the portal user's customer, as their own
        download asks for it (queued)."""
        return (
            self.env["customer_dialog.export"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "user_id": self.user_portal.id,
                    "portal": True,
                }
            )
        )

    def upload(self, name, raw, user=None):
        """A file ``user`` (default: the employee) uploaded in the composer
        and not posted yet."""
        return (
            self.env["ir.attachment"]
            .with_user(user or self.user_employee)
            .create(
                {
                    "name": name,
                    "raw": raw,
                    "res_model": "customer_dialog.composer",
                    "res_id": 0,
                }
            )
        )

    def jsonrpc_execute(self, uid, password, model, method, args, kwargs):
        """``execute_kw`` over /jsonrpc (in an HttpCase); the HTTP response."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.env.cr.dbname,
                    uid,
                    password,
                    model,
                    method,
                    args,
                    kwargs,
                ],
            },
        }
        return self.url_open(
            "/jsonrpc",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )

    def count_queries(self, operation):
        """Queries ``operation`` runs from an empty record cache, writes
        flushed (exact counts, never time)."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        operation()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def sent_emails_to(self, email):
        return [
            mail for mail in self._mails if any(email in to for to in mail["email_to"])
        ]
