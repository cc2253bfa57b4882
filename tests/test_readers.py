"""Restricted readers, as the calls of an employee who is not a reader: every
read path (RPC read, search, counts, groups, name_search, the chatter's
fetch, the message's files, its to-do, the done to-do's log line) shows
nothing of a restricted message; its readers, by name or by group, and its
author see it; a manager sees it only as a reader, except in the customer
file they export (Art. 15 GDPR)."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import DialogCase

SECRET = "Kamera-Check: Auffälligkeit an Kasse 3"
SUBJECT = "Vorfall Videoüberwachung"


class ReadersCase(DialogCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.security = cls.env["res.groups"].create({"name": "Sicherheit (Test)"})
        cls.user_colleague = cls._employee("colleague", "Clara Kollegin")
        cls.user_reader = cls._employee("reader", "Rudi Leser")
        cls.user_guard = cls._employee("guard", "Gerd Wache")
        cls.user_guard.groups_id += cls.security
        cls.user_manager.groups_id += cls.env.ref("base.group_user")
        for user in (cls.user_colleague, cls.user_reader):
            user.password = user.login

    def restricted(self, **kwargs):
        with self.mock_mail_gateway():
            return self.post(
                self.customer,
                SECRET,
                subject=SUBJECT,
                reader_user_ids=self.user_reader.ids,
                reader_group_ids=self.security.ids,
                **kwargs,
            )

    def visible_ids(self, user, domain=None):
        Message = self.env["mail.message"].with_user(user)
        return set(
            Message.search(domain or [("dialog_partner_id", "=", self.customer.id)]).ids
        )


@tagged("post_install", "-at_install")
class TestReaders(ReadersCase):
    def test_readers_author_and_group_members_read_it(self):
        message = self.restricted()
        self.assertTrue(message.dialog_restricted)
        for user in (self.user_employee, self.user_reader, self.user_guard):
            with self.subTest(user=user.name):
                self.assertIn(message.id, self.visible_ids(user))
                self.assertEqual(
                    message.with_user(user).read(["body"])[0]["body"],
                    message.body,
                )

    def test_a_non_reader_finds_it_in_no_path(self):
        message = self.restricted()
        plain = self.post(self.customer, "Normale Notiz")
        for user in (self.user_colleague, self.user_manager):
            Message = self.env["mail.message"].with_user(user)
            with self.subTest(user=user.name):
                self.assertEqual(self.visible_ids(user), {plain.id})
                # the overview's unbounded SQL path (_dialog_search) and a page
                self.assertNotIn(
                    message.id,
                    Message.search([("dialog_visibility", "!=", False)]).ids,
                )
                self.assertNotIn(
                    message.id,
                    Message.search([("dialog_visibility", "!=", False)], limit=5).ids,
                )
                self.assertFalse(Message.search([("body", "ilike", "Kasse 3")]))
                self.assertFalse(Message.search_count([("subject", "=", SUBJECT)]))
                self.assertFalse(
                    Message.name_search("Videoüberwachung")
                    + Message.name_search(SUBJECT, operator="=")
                )
                groups = Message.read_group(
                    [("dialog_partner_id", "=", self.customer.id)],
                    ["dialog_topic_id"],
                    ["dialog_topic_id"],
                )
                self.assertEqual(sum(g["dialog_topic_id_count"] for g in groups), 1)
                records = Message.web_search_read(
                    [("dialog_partner_id", "=", self.customer.id)],
                    {"subject": {}, "body": {}},
                )["records"]
                self.assertNotIn(SUBJECT, str(records))
                self.assertEqual(self.customer.with_user(user).dialog_message_count, 1)
                with self.assertRaises(AccessError):
                    Message.browse(message.id).read(["subject"])
                # the export's marker, forged in the caller's context
                forged = Message.with_context(customer_dialog_file_access=True)
                self.assertFalse(forged.search([("id", "=", message.id)]))
                with self.assertRaises(AccessError):
                    Message.browse(message.id).write({"dialog_archived": True})
                # the customer's chatter (Odoo's own fetch)
                fetched = Message._message_fetch(
                    [("model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
                )
                self.assertNotIn(message, fetched["messages"])
                # the one2many of the document, and a search through it
                self.assertNotIn(message, self.customer.with_user(user).message_ids)
                self.assertFalse(
                    self.env["res.partner"]
                    .with_user(user)
                    .search([("message_ids.body", "ilike", "Kasse 3")])
                )

    def test_its_files_are_read_by_readers_only(self):
        upload = self.upload("kamera.jpg", b"\xff\xd8 frame")
        message = self.restricted(attachment_ids=upload.ids)
        self.assertEqual(upload.res_model, "mail.message")
        upload.with_user(self.user_reader).read(["name"])
        with self.assertRaises(AccessError):
            upload.with_user(self.user_colleague).read(["name", "datas"])
        self.assertFalse(
            self.env["ir.attachment"]
            .with_user(self.user_colleague)
            .search([("name", "=", "kamera.jpg")])
        )
        self.assertTrue(message.attachment_ids)

    def test_its_to_do_names_nothing_and_goes_to_readers_only(self):
        message = self.restricted(follow_up_date="2030-01-01")
        activity = message.dialog_activity_id
        self.assertEqual(activity.user_id, self.user_employee)
        self.assertNotIn(SUBJECT, activity.summary)
        self.assertNotIn("Kamera", str(activity.note))
        # whoever reassigns it (as the system: the chatter's own dialog)
        with self.assertRaisesRegex(ValidationError, "not a reader"):
            activity.write({"user_id": self.user_colleague.id})
        activity.write({"user_id": self.user_reader.id})
        with self.assertRaisesRegex(ValidationError, "not a reader"):
            self.restricted(user_id=self.user_colleague.id)
        with self.assertRaisesRegex(ValidationError, "not a reader"):
            message.with_user(self.user_employee).write(
                {"dialog_user_id": self.user_colleague.id}
            )

    def test_the_done_to_do_log_line_is_read_by_readers_only(self):
        message = self.restricted(follow_up_date="2030-01-01")
        message.dialog_activity_id.with_user(self.user_employee).action_feedback(
            feedback="Videomaterial gesichert"
        )
        line = self.env["mail.message"].search([("dialog_log_for_id", "=", message.id)])
        self.assertTrue(line.dialog_restricted)
        self.assertIn(
            line.id, self.visible_ids(self.user_reader, [("id", "=", line.id)])
        )
        self.assertFalse(
            self.visible_ids(self.user_colleague, [("body", "ilike", "Videomaterial")])
        )

    def test_who_changes_the_readers(self):
        message = self.restricted()
        # a reader who is neither the author nor a manager
        with self.assertRaises(AccessError):
            message.with_user(self.user_reader).write(
                {"dialog_reader_user_ids": [(4, self.user_colleague.id)]}
            )
        # a manager who is not a reader does not even read it
        with self.assertRaises(AccessError):
            message.with_user(self.user_manager).write(
                {"dialog_reader_group_ids": [(5,)]}
            )
        # a manager who is a reader, and the author
        message.dialog_reader_user_ids += self.user_manager
        message.with_user(self.user_manager).write({"dialog_reader_group_ids": [(5,)]})
        self.assertNotIn(message.id, self.visible_ids(self.user_guard))
        message.with_user(self.user_employee).write({"dialog_reader_user_ids": [(5,)]})
        self.assertFalse(message.dialog_restricted)
        self.assertIn(message.id, self.visible_ids(self.user_colleague))

    def test_a_restricted_message_stays_internal(self):
        message = self.restricted()
        with self.assertRaisesRegex(UserError, "remove its readers"):
            message.with_user(self.user_employee).write(
                {"dialog_visibility": "customer"}
            )
        self.assertEqual(message.dialog_visibility, "internal")
        self.assertFalse(self.sent_emails_to("info@kundenfirma.example.com"))
        with self.assertRaisesRegex(ValidationError, "Only an internal message"):
            self.post(
                self.customer,
                "An den Kunden",
                visibility="customer",
                reader_user_ids=self.user_reader.ids,
            )
        customer_message = self.post(self.customer, "An alle", visibility="customer")
        with self.assertRaisesRegex(UserError, "Only an internal message"):
            customer_message.with_user(self.user_employee).write(
                {"dialog_reader_user_ids": [(4, self.user_reader.id)]}
            )
        # a customer never sees it (it is internal), with or without a login
        self.assertFalse(
            self.env["mail.message"]
            .with_user(self.user_portal)
            .search([("id", "=", message.id)])
        )

    def test_a_topic_restricts_its_messages_by_default(self):
        topic = self.env["customer_dialog.topic"].create(
            {"name": "Kamera-Check", "reader_group_ids": [(6, 0, self.security.ids)]}
        )
        message = self.post(self.customer, SECRET, topic_id=topic.id)
        self.assertEqual(message.dialog_reader_group_ids, self.security)
        self.assertNotIn(message.id, self.visible_ids(self.user_colleague))
        self.assertIn(message.id, self.visible_ids(self.user_guard))
        # named readers (or an explicit empty list) replace the default
        open_message = self.post(
            self.customer, "Kein Vorfall", topic_id=topic.id, reader_group_ids=[]
        )
        self.assertFalse(open_message.dialog_restricted)
        with self.mock_mail_gateway():
            customer_message = self.post(
                self.customer, "Info", topic_id=topic.id, visibility="customer"
            )
        self.assertFalse(customer_message.dialog_restricted)

    def test_the_export_holds_restricted_messages_and_counts_them(self):
        self.restricted()
        data = self.customer.with_user(self.user_manager).dialog_export_file()
        self.assertEqual(data["counts"]["restricted"], 1)
        self.assertEqual(data["left_out"]["count"], 0)
        self.assertIn(SECRET, str(data["references"]))

    def test_no_error_and_no_related_read_names_the_message(self):
        """An attacker's review: Odoo reads messages in sudo for exports of
        related paths, many2one names and its own checks; none of them
        tells a non-reader more than that a message is restricted."""
        message = self.restricted(follow_up_date="2030-01-01")
        colleague = self.user_colleague
        colleague.groups_id += self.env.ref("base.group_allow_export")
        Message = self.env["mail.message"].with_user(colleague)
        for vals in (
            {"dialog_archived": True},
            {"dialog_user_id": colleague.id},
            {"dialog_follow_up_date": "2031-01-01"},
        ):
            with self.subTest(vals=vals), self.assertRaises(Exception) as caught:
                Message.browse(message.id).write(vals)
            self.assertNotIn(SUBJECT, str(caught.exception))
        # the to-do, read by a manager who reads the customer's to-dos
        manager = self.user_manager
        manager.groups_id += self.env.ref("base.group_allow_export")
        activity = message.dialog_activity_id.with_user(manager)
        read = activity.read(["dialog_message_id", "summary"])[0]
        self.assertNotIn(SUBJECT, str(read))
        self.assertEqual(read["dialog_message_id"][1], "Restricted message")
        with self.assertRaises(AccessError):
            activity.export_data(
                ["dialog_message_id/subject", "dialog_message_id/body"]
            )
        # a message of one's own that names the restricted one as its parent
        own = Message.create({"body": "x", "parent_id": message.id})
        self.assertNotIn(SUBJECT, str(own.read(["parent_id"])))
        with self.assertRaises(AccessError):
            own.parent_id.read(["body"])
        # reactions and edits find no such message
        self.assertFalse(Message._get_with_access(message.id, "read"))
        # nor does a to-do of one's own linked to it
        with self.assertRaises(AccessError):
            self.env["mail.activity"].with_user(colleague).create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": self.customer.id,
                    "dialog_message_id": message.id,
                }
            )

    def test_the_done_to_do_notifies_no_follower(self):
        message = self.restricted(follow_up_date="2030-01-01")
        self.customer.message_subscribe(
            partner_ids=self.user_colleague.partner_id.ids,
            subtype_ids=self.env.ref("mail.mt_activities").ids,
        )
        with self.mock_mail_gateway():
            message.dialog_activity_id.with_user(self.user_employee).action_feedback(
                feedback="Videomaterial gesichert"
            )
        line = self.env["mail.message"].search([("dialog_log_for_id", "=", message.id)])
        self.assertFalse(line.notification_ids)
        self.assertNotIn("Videomaterial", str(self._mails))

    def test_a_kept_internal_customer_message_follows_its_topic(self):
        topic = self.env["customer_dialog.topic"].create(
            {"name": "Kamera-Check", "reader_group_ids": [(6, 0, self.security.ids)]}
        )
        message = self.post(
            self.customer_no_email, SECRET, topic_id=topic.id, visibility="customer"
        )
        self.assertEqual(message.dialog_visibility, "internal")
        self.assertEqual(message.dialog_reader_group_ids, self.security)

    def test_bad_readers_get_a_clear_error(self):
        cases = {
            "Unknown readers": {"reader_user_ids": [999999]},
            "name someone twice": {
                "reader_user_ids": [self.user_reader.id, self.user_reader.id]
            },
            "At most 100": {"reader_user_ids": list(range(1, 1001))},
            "active employees": {"reader_user_ids": self.user_portal.ids},
            "Unknown reader groups": {"reader_group_ids": [999999]},
            "list of ids": {"reader_user_ids": "all"},
            "by its id": {"reader_group_ids": ["Sicherheit"]},
        }
        for expected, kwargs in cases.items():
            with (
                self.subTest(expected),
                self.assertRaisesRegex(ValidationError, expected),
            ):
                self.post(self.customer, SECRET, **kwargs)


@tagged("post_install", "-at_install")
class TestReadersOverHttp(HttpCase, ReadersCase):
    def test_thread_routes_show_a_non_reader_nothing(self):
        message = self.restricted()
        self.authenticate(self.user_colleague.login, self.user_colleague.login)
        fetched = self.make_jsonrpc_request(
            "/mail/thread/messages",
            {"thread_model": "res.partner", "thread_id": self.customer.id},
        )
        self.assertNotIn(SUBJECT, str(fetched))
        self.assertNotIn("Kasse 3", str(fetched))
        response = self.url_open(
            f"/odoo/action-customer_dialog.mail_message_dialog_action/{message.id}"
        )
        self.assertNotIn("Kasse 3", response.text)
        self.authenticate(self.user_reader.login, self.user_reader.login)
        fetched = self.make_jsonrpc_request(
            "/mail/thread/messages",
            {"thread_model": "res.partner", "thread_id": self.customer.id},
        )
        self.assertIn("Kasse 3", str(fetched))
