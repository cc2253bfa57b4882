"""The board channel and its threads: employees only, whatever a channel's
settings say (a global record rule for share users, and no member that is a
customer or a guest, however they were invited); the thread of a restricted
message is the readers' alone (the same rule: the message's reader rule, for
reading the thread and for joining it); a thread knows the dialog message it
discusses and whether its matter is settled, and a legal hold keeps it."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

# The board channel's system parameter (an id), else the channel created on
# installation.
BOARD_PARAMETER = "customer_dialog.board_channel_id"
BOARD_XMLID = "customer_dialog.discuss_channel_community_board"


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    dialog_message_id = fields.Many2one(
        "mail.message",
        string="Discussed Dialog Message",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        groups="base.group_user",
        help="The dialog message this board thread discusses.",
    )
    dialog_board = fields.Boolean(
        string="Community Board",
        readonly=True,
        help="The board channel or one of its threads: employees only.",
    )
    dialog_board_closed = fields.Boolean(
        string="Settled", readonly=True, groups="base.group_user"
    )
    dialog_unreadable = fields.Boolean(
        string="Thread of a Message Not Readable",
        compute="_compute_dialog_unreadable",
        search="_search_dialog_unreadable",
        help="The thread of a restricted message the user is not a reader of.",
    )

    # ------------------------------------------------------------------
    # A restricted message's thread: its readers' alone
    # ------------------------------------------------------------------

    @api.depends_context("uid")
    def _compute_dialog_unreadable(self):
        messages = self.sudo().dialog_message_id.with_env(self.env)
        unreadable = messages._dialog_unreadable_by(self.env.user)
        for channel in self:
            channel.dialog_unreadable = channel.sudo().dialog_message_id in unreadable

    def _search_dialog_unreadable(self, operator, value):
        """The record rule's half for employees: the threads of restricted
        messages the user does not read, by the message's own reader rule
        (mail.message._dialog_reader_condition, one SQL condition); a few
        rows, through the index on dialog_message_id."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on a thread's readers."))
        messages = self.env["mail.message"]
        messages._dialog_flush_readers()
        self.flush_model(["dialog_message_id"])
        unreadable = SQL(
            """(SELECT thread.id FROM discuss_channel AS thread
                 JOIN mail_message AS message ON message.id = thread.dialog_message_id
                WHERE message.dialog_restricted AND NOT %s)""",
            messages._dialog_reader_condition("message", self.env.user),
        )
        return [("id", "in" if (operator == "=") == value else "not in", unreadable)]

    @api.model
    def _dialog_leave_unreaders(self, partners=None):
        """Whoever no longer reads a restricted message leaves its thread
        (readers changed, a user left a reader group): a member would still
        get its posts on the bus. These threads, else every board thread
        (of ``partners``, when given); one check per member of a restricted
        thread."""
        threads = self.sudo()
        if not threads:
            domain = [("dialog_message_id", "!=", False)]
            if partners is not None:
                domain.append(("channel_member_ids.partner_id", "in", partners.ids))
            # (few threads; no index on the messages' flag to scan them by)
            threads = threads.search(domain)
        for thread in threads.filtered("dialog_message_id.dialog_restricted"):
            message = thread.dialog_message_id
            members = thread.channel_member_ids
            if partners is not None:
                members = members.filtered(lambda m: m.partner_id in partners)
            for member in members:
                user = member.partner_id.user_ids.filtered(lambda u: not u.share)[:1]
                if not user or message._dialog_unreadable_by(user):
                    member.unlink()

    @api.model
    def _dialog_board_channel(self):
        """The board channel (sudo): the system parameter's, else the one
        created on installation; a clear error when it is gone."""
        value = self.env["ir.config_parameter"].sudo().get_param(BOARD_PARAMETER) or ""
        board = self.sudo().browse(int(value)) if value.isdigit() else None
        if board is None:
            board = self.env.ref(BOARD_XMLID, raise_if_not_found=False)
        board = board and board.sudo().exists()
        if not board or not board.active:
            raise UserError(
                self.env._(
                    "The Community Board channel was deleted or archived: an "
                    "administrator restores it, or chooses another channel in "
                    "Settings / Discuss / Community Board."
                )
            )
        if not board.dialog_board:
            # a channel chosen in the settings: its threads' titles name
            # customers, so it has employees only from now on
            outsiders = board.channel_member_ids.filtered(
                lambda m: m.guest_id or m.partner_id.partner_share
            )
            if outsiders or board.channel_type != "channel":
                raise UserError(
                    self.env._(
                        "The channel %(name)s cannot be the Community Board: "
                        "customers or guests are among its members.",
                        name=board.name,
                    )
                )
            board.dialog_board = True
        return board

    # ------------------------------------------------------------------
    # Legal hold, and threads that go through the ORM
    # ------------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_legal_hold(self):
        """A legal hold keeps the discussion of its customer's messages: the
        thread, also when its board channel is deleted."""
        threads = (self | self.sub_channel_ids).sudo().filtered("dialog_message_id")
        held = threads.dialog_message_id.dialog_partner_id.filtered("dialog_legal_hold")
        if held:
            raise UserError(
                self.env._(
                    "%(customer)s is under legal hold: the discussion of its "
                    "messages cannot be deleted.",
                    customer=held[0].display_name,
                )
            )

    def unlink(self):
        """A deleted board channel takes its threads through the ORM, posts
        included: PostgreSQL's cascade would leave their posts, customer
        content, without a channel."""
        threads = self.sudo().sub_channel_ids.filtered("dialog_board") - self
        if threads:
            threads.unlink()
        return super().unlink()

    # ------------------------------------------------------------------
    # Opening and settling a thread
    # ------------------------------------------------------------------

    def _dialog_open_thread_action(self):
        self.ensure_one()
        # (the context's active_id wins over the params': the form's is the
        # message's)
        active_id = f"discuss.channel_{self.id}"
        return {
            "type": "ir.actions.client",
            "tag": "mail.action_discuss",
            "name": self.env._("Community Board"),
            "context": {"active_id": active_id},
            "params": {"active_id": active_id},
        }

    def _dialog_posts(self):
        """What was written in these threads, oldest first (sudo)."""
        return (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "discuss.channel"),
                    ("res_id", "in", self.ids),
                    ("message_type", "=", "comment"),
                ],
                order="date asc, id asc",
            )
        )

    def action_dialog_settle(self):
        """The matter is settled: the thread says so, and so does its
        message."""
        for thread in self.filtered("dialog_message_id"):
            thread.check_access("write")
            thread.sudo().dialog_board_closed = True
            thread.message_post(
                body=Markup("<p>%s</p>")
                % self.env._("Discussion closed: the matter is settled."),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return True


class DiscussChannelMember(models.Model):
    _inherit = "discuss.channel.member"

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        members._dialog_check_board_member()
        return members

    def _dialog_check_board_member(self):
        """Whoever adds them (an invitation link, add_members, sudo): a
        board channel or thread has employees only."""
        for member in self.sudo():
            if not (
                member.channel_id.dialog_board
                or member.channel_id.parent_channel_id.dialog_board
            ):
                continue
            partner = member.partner_id
            if (
                member.guest_id
                or not partner
                or partner.partner_share
                or not (partner.user_ids.filtered(lambda user: not user.share))
            ):
                raise AccessError(
                    self.env._(
                        "The Community Board is for employees only: customers "
                        "and guests cannot join it."
                    )
                )
            message = member.channel_id.dialog_message_id
            user = partner.user_ids.filtered(lambda user: not user.share)[:1]
            if message.dialog_restricted and message._dialog_unreadable_by(user):
                raise AccessError(
                    self.env._(
                        "%(name)s is not a reader of the restricted message and "
                        "cannot join its discussion.",
                        name=partner.name,
                    )
                )
