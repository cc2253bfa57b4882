"""A dialog message discussed in the Community Board: its thread, created
once and opened from the message, the form, the chatter and the overview;
the number of posts and whether the matter is settled. The thread goes with
its message (retention, deletion), its readers are the message's, a legal
hold keeps its posts."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ...tools.dialog_constants import EMPLOYEES_ONLY, READER_FIELDS


class MailMessage(models.Model):
    _inherit = "mail.message"

    dialog_board_thread_ids = fields.One2many(
        "discuss.channel",
        "dialog_message_id",
        string="Board Discussion",
        groups=EMPLOYEES_ONLY,
    )
    dialog_board_post_count = fields.Integer(
        string="Board Posts",
        compute="_compute_dialog_board",
        groups=EMPLOYEES_ONLY,
    )
    dialog_board_state = fields.Selection(
        [("open", "Under discussion"), ("settled", "Settled")],
        string="Discussion",
        compute="_compute_dialog_board",
        groups=EMPLOYEES_ONLY,
    )

    @api.depends("dialog_board_thread_ids.dialog_board_closed")
    def _compute_dialog_board(self):
        threads = self.sudo().dialog_board_thread_ids
        counts = {}
        if threads:
            rows = (
                self.env["mail.message"]
                .sudo()
                ._read_group(
                    [
                        ("model", "=", "discuss.channel"),
                        ("res_id", "in", threads.ids),
                        ("message_type", "=", "comment"),
                    ],
                    ["res_id"],
                    ["__count"],
                )
            )
            counts = dict(rows)
        for message in self:
            thread = message.sudo().dialog_board_thread_ids[:1]
            message.dialog_board_post_count = counts.get(thread.id, 0)
            message.dialog_board_state = thread and (
                "settled" if thread.dialog_board_closed else "open"
            )

    def _dialog_board_title(self):
        """ "<customer reference> <customer name>: <subject>" (seed S4)."""
        self.ensure_one()
        customer = self.dialog_partner_id
        reference = customer.ref or str(customer.id)
        return f"{reference} {customer.name}: {self.dialog_title}"[:200]

    def action_dialog_discuss(self):
        """Open the message's thread in the Community Board, created at the
        first call: its title names the customer, its first post is the
        message's text with a link back, its author and responsible are
        invited."""
        self.ensure_one()
        # callable over RPC with any id: only a message the user may read
        self.check_access("read")
        if not self.dialog_visibility:
            raise UserError(self.env._("Only a dialog message can be discussed."))
        thread = self.sudo().dialog_board_thread_ids[:1]
        if thread:
            return thread._dialog_open_thread_action()
        board = self.env["discuss.channel"]._dialog_board_channel()
        # created as Odoo creates a thread, but not announced in the board
        # channel: the board's list of threads shows it to those who may read
        # it, and a restricted message's thread to its readers alone (see
        # discuss_channel.py), also when the message is restricted later
        thread = board.create(
            {
                "channel_type": "channel",
                "parent_channel_id": board.id,
                "name": self._dialog_board_title(),
                "dialog_message_id": self.id,
                "dialog_board": True,
            }
        )
        thread.add_members(
            partner_ids=self.env.user.partner_id.ids, post_joined_message=False
        )
        link = Markup('<p><a href="%s">%s</a></p>') % (
            self._dialog_backend_url(),
            self.env._("Open the dialog message"),
        )
        thread.message_post(
            body=Markup(self.body or "") + link,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        # its author and responsible, employees who read it
        invited = (self.author_id | self.sudo().dialog_user_id.partner_id).filtered(
            lambda partner: (user := partner.user_ids.filtered(lambda u: not u.share))
            and not self._dialog_unreadable_by(user[:1])
        ) - thread.channel_member_ids.partner_id
        if invited:
            thread.add_members(partner_ids=invited.ids)
        return thread._dialog_open_thread_action()

    def _dialog_board_posts(self):
        """The posts of this message's thread, oldest first (sudo)."""
        return self.sudo().dialog_board_thread_ids._dialog_posts()

    @api.ondelete(at_uninstall=False)
    def _unlink_dialog_board_threads(self):
        """A deleted dialog message (retention, its author, a manager) takes
        its board thread with it, posts included (Odoo's chatter removal)."""
        self.sudo().dialog_board_thread_ids.unlink()

    def write(self, vals):
        result = super().write(vals)
        if set(READER_FIELDS) & set(vals):
            # (only the threads of these messages)
            if threads := self.sudo().dialog_board_thread_ids:
                threads._dialog_leave_unreaders()
        return result

    def _dialog_held_customers(self):
        """A post in a board thread is part of its message's file: a legal
        hold keeps it as it is (edited or deleted in Discuss, deleted)."""
        customers = super()._dialog_held_customers()
        posts = self.sudo().filtered(lambda message: message.model == "discuss.channel")
        if posts:
            threads = (
                self.env["discuss.channel"].sudo().browse(set(posts.mapped("res_id")))
            )
            customers |= threads.exists().dialog_message_id.dialog_partner_id.filtered(
                "dialog_legal_hold"
            )
        return customers
