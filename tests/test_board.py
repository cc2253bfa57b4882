"""The Community Board: a dialog message discussed by employees in a thread
of the board channel, and never by a customer or a guest, as their calls;
the discussion is part of the customer file (export, erasure, retention)."""

import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import DialogCase

SECRET = "Kunde droht mit Kündigung wegen Lieferverzug"


@tagged("post_install", "-at_install")
class TestBoard(DialogCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.ref = "K-1001"
        cls.user_colleague = cls._employee("board.colleague", "Bea Board")
        cls.board = cls.env.ref("customer_dialog.discuss_channel_community_board")

    def discuss(self, user=None):
        with self.mock_mail_gateway():
            message = self.post(
                self.customer,
                SECRET,
                subject="Lieferverzug",
                user_id=self.user_colleague.id,
            )
            action = message.with_user(
                user or self.user_employee
            ).action_dialog_discuss()
        self.assertEqual(action["tag"], "mail.action_discuss")
        return message, message.sudo().dialog_board_thread_ids

    def test_a_message_is_discussed_in_a_thread_of_the_board(self):
        message, thread = self.discuss()
        self.assertEqual(thread.parent_channel_id, self.board)
        self.assertEqual(thread.name, "K-1001 Kundenfirma Test GmbH: Lieferverzug")
        self.assertEqual(
            thread.channel_member_ids.partner_id,
            self.user_employee.partner_id | self.user_colleague.partner_id,
        )
        first = thread._dialog_posts()
        self.assertIn(SECRET, first.body)
        self.assertIn(f"/{message.id}", first.body)
        self.assertEqual(message.dialog_board_post_count, 1)
        self.assertEqual(message.dialog_board_state, "open")
        # once: the second call opens the same thread
        message.with_user(self.user_colleague).action_dialog_discuss()
        self.assertEqual(message.sudo().dialog_board_thread_ids, thread)
        thread.with_user(self.user_colleague).message_post(
            body="Ich rufe ihn an.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        message.invalidate_recordset()
        self.assertEqual(message.dialog_board_post_count, 2)
        thread.with_user(self.user_colleague).action_dialog_settle()
        message.invalidate_recordset()
        self.assertEqual(message.dialog_board_state, "settled")
        found = (
            self.env["mail.message"]
            .with_user(self.user_employee)
            .search([("dialog_board_thread_ids", "!=", False)])
        )
        self.assertEqual(found, message)

    def test_customers_and_guests_never_read_or_join_it(self):
        _message, thread = self.discuss()
        Channel = self.env["discuss.channel"].with_user(self.user_portal)
        self.assertFalse(Channel.search([("id", "in", (thread | self.board).ids)]))
        with self.assertRaises(AccessError):
            thread.with_user(self.user_portal).read(["name"])
        posts = self.env["mail.message"].with_user(self.user_portal)
        self.assertFalse(posts.search([("body", "ilike", "Lieferverzug")]))
        # whatever a channel's own settings say
        self.board.sudo().group_public_id = False
        self.assertFalse(Channel.search([("id", "in", (thread | self.board).ids)]))
        # added by an employee, or through an invitation (in sudo); each
        # call as one transaction, as over RPC
        guest = self.env["mail.guest"].sudo().create({"name": "Gast"})
        for channel, kwargs in (
            (thread, {"partner_ids": self.contact.ids}),
            (thread, {"guest_ids": guest.ids}),
            (self.board, {"partner_ids": self.contact.ids}),
            (self.board, {"guest_ids": guest.ids}),
        ):
            with self.subTest(channel=channel.name, **kwargs):
                with self.assertRaisesRegex(AccessError, "employees only"):
                    with self.env.cr.savepoint():
                        channel.sudo().add_members(**kwargs)
        self.assertFalse(
            (thread | self.board).channel_member_ids.filtered(
                lambda m: m.guest_id or m.partner_id == self.contact
            )
        )
        # a post in the board is never a dialog message, nor sent to a customer
        self.assertFalse(thread._dialog_posts().filtered("dialog_visibility"))
        self.assertFalse(self.sent_emails_to("karl@kundenfirma.example.com"))

    def test_bad_calls_get_a_clear_error(self):
        self.discuss()
        other = self.post(self.other_customer, "Andere Notiz")
        # a 10,000-character subject (written past dialog_post) makes a title
        # of at most 200 characters
        long = self.post(self.customer, "Lang")
        long.sudo().subject = "Ü" * 10000
        long.with_user(self.user_employee).action_dialog_discuss()
        self.assertLessEqual(len(long.sudo().dialog_board_thread_ids.name), 200)
        # without access to the message
        with self.assertRaises(AccessError):
            other.with_user(self.user_portal).action_dialog_discuss()
        # the board channel archived or deleted
        self.board.sudo().active = False
        with self.assertRaisesRegex(UserError, "deleted or archived"):
            other.with_user(self.user_employee).action_dialog_discuss()
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_dialog.board_channel_id", "999999"
        )
        with self.assertRaisesRegex(UserError, "deleted or archived"):
            other.with_user(self.user_employee).action_dialog_discuss()
        # another channel, chosen in the settings, becomes employees only;
        # one with a customer among its members cannot be chosen
        channel = self.env["discuss.channel"].create(
            {"name": "Team", "channel_type": "channel"}
        )
        channel.add_members(partner_ids=self.contact.ids)
        self.env["ir.config_parameter"].sudo().set_param(
            "customer_dialog.board_channel_id", str(channel.id)
        )
        with self.assertRaisesRegex(UserError, "customers or guests"):
            other.with_user(self.user_employee).action_dialog_discuss()
        channel.channel_member_ids.filtered(
            lambda m: m.partner_id == self.contact
        ).unlink()
        self.env["res.config.settings"].create(
            {"dialog_board_channel_id": channel.id}
        ).execute()
        other.with_user(self.user_employee).action_dialog_discuss()
        self.assertEqual(
            other.sudo().dialog_board_thread_ids.parent_channel_id, channel
        )
        self.assertTrue(channel.dialog_board)
        # a plain message of the chatter is no dialog message
        plain = self.customer.message_post(body="x", subtype_xmlid="mail.mt_note")
        with self.assertRaisesRegex(UserError, "Only a dialog message"):
            plain.action_dialog_discuss()

    def test_the_customer_file_holds_the_discussion(self):
        message, thread = self.discuss()
        data = self.customer.with_user(self.user_manager).dialog_export_file()
        exported = next(
            m
            for ref in data["references"]
            for m in ref["messages"]
            if m["id"] == message.id
        )
        self.assertIn(SECRET, exported["discussion"][0]["text"])
        own = self.contact._dialog_portal_file()
        self.assertNotIn("discussion", str(own))
        # erasure (Art. 17) erases the posts' content and the thread's title
        self.customer.with_user(self.user_manager)._dialog_erase_file()
        self.assertNotIn(SECRET, str(thread._dialog_posts().mapped("body")))
        self.assertNotIn("Lieferverzug", thread.name)
        # retention (or a manager) deleting the message deletes its thread
        thread_id = thread.id
        message.sudo().unlink()
        self.assertFalse(self.env["discuss.channel"].browse(thread_id).exists())
        self.assertFalse(
            self.env["mail.message"].search(
                [("model", "=", "discuss.channel"), ("res_id", "=", thread_id)]
            )
        )

    def test_legal_hold_keeps_message_and_thread(self):
        message, thread = self.discuss()
        post = thread.with_user(self.user_colleague).message_post(
            body="Ich rufe ihn an.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        file = self.env["ir.attachment"].create(
            {
                "name": "tourenplan.txt",
                "raw": b"Tour 3",
                "res_model": "discuss.channel",
                "res_id": thread.id,
            }
        )
        post.sudo().attachment_ids = file
        self.customer.sudo().dialog_legal_hold = True
        with self.assertRaises(UserError):
            message.sudo().unlink()
        with self.assertRaisesRegex(UserError, "legal hold"):
            file.sudo().unlink()
        # its posts are neither edited nor deleted in Discuss (Odoo's route
        # writes in sudo: an empty body is its deletion), nor unlinked
        for body in ("Doch nicht.", ""):
            with self.assertRaisesRegex(UserError, "legal hold"):
                thread.with_user(self.user_colleague)._message_update_content(
                    post.with_user(self.user_colleague), body
                )
        with self.assertRaisesRegex(UserError, "legal hold"):
            post.sudo().unlink()
        # nor is the thread, nor the board channel that holds it
        with self.assertRaisesRegex(UserError, "legal hold"):
            thread.sudo().unlink()
        with self.assertRaisesRegex(UserError, "legal hold"):
            self.board.sudo().unlink()
        self.assertEqual(post.sudo().body, "<p>Ich rufe ihn an.</p>")
        self.assertTrue(thread.exists())
        # lifted: the board channel goes, and its threads with their posts
        # (through the ORM, not PostgreSQL's cascade that would leave them)
        self.customer.sudo().dialog_legal_hold = False
        posts = thread._dialog_posts()
        self.board.sudo().unlink()
        self.assertFalse(thread.exists())
        self.assertFalse(posts.exists())
        self.assertFalse(file.exists())

    def test_a_restricted_message_is_discussed_by_its_readers_alone(self):
        reader, outsider = self.user_colleague, self.user_employee
        with self.mock_mail_gateway():
            message = self.post(
                self.customer,
                SECRET,
                subject="Vertraulich",
                user_id=reader.id,
                reader_user_ids=(reader | self.user_admin).ids,
                user=self.user_manager,
            )
        message.with_user(reader).action_dialog_discuss()
        thread = message.sudo().dialog_board_thread_ids
        # its members read it: who discussed it, its author and responsible
        self.assertEqual(
            thread.channel_member_ids.partner_id,
            reader.partner_id | self.user_manager.partner_id,
        )
        # nothing is announced in the board channel
        announced = self.env["mail.message"].search(
            [("model", "=", "discuss.channel"), ("res_id", "=", self.board.id)]
        )
        self.assertNotIn("Vertraulich", str(announced.mapped("body")))
        # a non-reader finds no thread, reads none of it, cannot open it
        Channel = self.env["discuss.channel"].with_user(outsider)
        self.assertFalse(Channel.search([("parent_channel_id", "=", self.board.id)]))
        self.assertFalse(Channel.search([("name", "ilike", "Vertraulich")]))
        with self.assertRaises(AccessError):
            thread.with_user(outsider).read(["name"])
        Message = self.env["mail.message"].with_user(outsider)
        self.assertFalse(Message.search([("body", "ilike", "Lieferverzug")]))
        with self.assertRaises(AccessError):
            thread._dialog_posts().with_user(outsider).read(["body"])
        with self.assertRaises(AccessError):
            message.with_user(outsider).action_dialog_discuss()
        # whoever invites them, a non-reader does not join
        for inviter in (reader, self.env.ref("base.user_root")):
            with (
                self.assertRaisesRegex(AccessError, "not a reader"),
                self.env.cr.savepoint(),
            ):
                thread.with_user(inviter).add_members(
                    partner_ids=outsider.partner_id.ids
                )
        # a reader does; and a reader who no longer reads it leaves it
        thread.with_user(reader).add_members(partner_ids=self.user_admin.partner_id.ids)
        self.assertIn(self.user_admin.partner_id, thread.channel_member_ids.partner_id)
        self.assertTrue(thread.with_user(reader).search([("id", "=", thread.id)]))
        message.with_user(self.user_manager).write(
            {"dialog_reader_user_ids": [(3, self.user_admin.id)]}
        )
        self.assertNotIn(
            self.user_admin.partner_id, thread.channel_member_ids.partner_id
        )
        self.assertIn(reader.partner_id, thread.channel_member_ids.partner_id)

    def test_restricted_later_or_by_group_the_thread_follows_its_readers(self):
        message, thread = self.discuss()
        thread.add_members(partner_ids=self.user_admin.partner_id.ids)
        readers = self.env["res.groups"].create({"name": "Vertrauliche Runde"})
        readers.users = self.user_colleague
        # restricted after its discussion began: whoever is no reader (not
        # its author, not in the group) leaves, and finds it no more
        message.sudo().write({"dialog_reader_group_ids": [(6, 0, readers.ids)]})
        self.assertEqual(
            thread.channel_member_ids.partner_id,
            self.user_employee.partner_id | self.user_colleague.partner_id,
        )
        Channel = self.env["discuss.channel"]
        self.assertFalse(Channel.with_user(self.user_admin).search([]) & thread)
        self.assertTrue(Channel.with_user(self.user_colleague).search([]) & thread)
        # leaving the reader group is leaving the thread
        self.user_colleague.write({"groups_id": [(3, readers.id)]})
        self.assertEqual(
            thread.channel_member_ids.partner_id, self.user_employee.partner_id
        )
        with self.assertRaises(AccessError):
            thread.with_user(self.user_colleague).read(["name"])


@tagged("post_install", "-at_install")
class TestBoardOverHttp(HttpCase, DialogCase):
    def test_a_customer_or_a_guest_opens_no_thread(self):
        board = self.env.ref("customer_dialog.discuss_channel_community_board")
        with self.mock_mail_gateway():
            message = self.post(self.customer, SECRET, subject="Lieferverzug")
            message.with_user(self.user_employee).action_dialog_discuss()
        thread = message.sudo().dialog_board_thread_ids
        for login in (None, "karl.portal"):
            if login:
                self.authenticate(login, login)
            for channel in (thread, board):
                with self.subTest(login=login, channel=channel.name):
                    for url in (
                        f"/discuss/channel/{channel.id}",
                        # the invitation link, even with its token
                        f"/chat/{channel.id}/{channel.uuid}",
                        f"/chat/{channel.id}/x",
                        f"/chat/{'9' * 30}/x",
                    ):
                        response = self.url_open(url)
                        self.assertEqual(response.status_code, 404, url)
                        self.assertNotIn("Lieferverzug", response.text)
                    response = self.url_open(
                        "/discuss/channel/messages",
                        data=json.dumps(
                            {"params": {"channel_id": channel.id}, "jsonrpc": "2.0"}
                        ),
                        headers={"Content-Type": "application/json"},
                    )
                    self.assertNotIn(SECRET, response.text)
                    self.assertNotIn("Lieferverzug", response.text)
        self.assertFalse(
            (thread | board).channel_member_ids.filtered(
                lambda m: m.guest_id or m.partner_id.partner_share
            )
        )

    def test_a_non_reader_reads_no_restricted_thread_over_http(self):
        reader = self._employee("board.reader", "Rita Reader")
        reader.password = "board.reader"
        with self.mock_mail_gateway():
            message = self.post(
                self.customer,
                SECRET,
                subject="Vertraulich",
                reader_user_ids=reader.ids,
                user=self.user_manager,
            )
            message.with_user(reader).action_dialog_discuss()
        thread = message.sudo().dialog_board_thread_ids
        self.authenticate("employee", "employee")
        for route, params in (
            ("/discuss/channel/messages", {"channel_id": thread.id}),
            (
                "/discuss/channel/sub_channel/fetch",
                {"parent_channel_id": thread.parent_channel_id.id},
            ),
            (
                "/mail/thread/data",
                {
                    "thread_model": "discuss.channel",
                    "thread_id": thread.id,
                    "request_list": ["followers"],
                },
            ),
            ("/mail/data", {"channels_as_member": True}),
        ):
            with self.subTest(route=route):
                response = self.url_open(
                    route,
                    data=json.dumps({"params": params, "jsonrpc": "2.0"}),
                    headers={"Content-Type": "application/json"},
                )
                self.assertNotIn(SECRET, response.text)
                self.assertNotIn("Vertraulich", response.text)
        self.assertEqual(
            self.url_open(f"/discuss/channel/{thread.id}").status_code, 404
        )
        # the reader reads it
        self.authenticate("board.reader", "board.reader")
        response = self.url_open(
            "/discuss/channel/messages",
            data=json.dumps({"params": {"channel_id": thread.id}, "jsonrpc": "2.0"}),
            headers={"Content-Type": "application/json"},
        )
        self.assertIn("Lieferverzug", response.text)
