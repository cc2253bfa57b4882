"""How a dialog message presents itself at the clerk's desk: its badges in
the chatter, its title (its subject, not its document's name), which fields
the current user may change (read-only before the save that would refuse
them), and what the overview offers to group by (the dialog's own fields,
not mail's technical ones)."""

from odoo import api, fields, models

# What the overview offers in "Add Custom Group".
OVERVIEW_GROUP_BYS = {
    "date",
    "author_id",
    "record_name",
    "dialog_partner_id",
    "dialog_contact_id",
    "dialog_topic_id",
    "dialog_channel",
    "dialog_direction",
    "dialog_visibility",
    "dialog_published",
    "dialog_delivery",
    "dialog_reference_model",
    "dialog_user_id",
    "dialog_follow_up_date",
    "dialog_archived",
}


class MailMessage(models.Model):
    _inherit = "mail.message"

    dialog_partner_blocked = fields.Boolean(
        string="Customer Blocked",
        related="dialog_partner_id.dialog_blocked",
        groups="customer_dialog.group_customer_dialog_user",
    )
    dialog_can_edit = fields.Boolean(
        string="Can Edit",
        compute="_compute_dialog_can_edit",
        help="The current user wrote the message or is a Customer Dialog "
        "manager: the only ones who may change it.",
    )

    @api.depends_context("uid")
    @api.depends("author_id")
    def _compute_dialog_can_edit(self):
        manager = self._dialog_is_manager()
        partner = self.env.user.partner_id
        for message in self:
            message.dialog_can_edit = bool(
                message.dialog_visibility and (manager or message.author_id == partner)
            )

    @api.depends("subject", "body", "record_name")
    def _compute_display_name(self):
        """A dialog message's form and breadcrumb show its title (Odoo shows
        a message's document: "S00024" for each of its messages)."""
        dialog_messages = self.filtered("dialog_visibility")
        for message in dialog_messages:
            message.display_name = message.dialog_title
        return super(MailMessage, self - dialog_messages)._compute_display_name()

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """In the overview, a custom group-by offers the dialog's own fields
        (Odoo lists every stored field of mail.message: "Layout", "Outgoing
        mail server", ...)."""
        described = super().fields_get(allfields=allfields, attributes=attributes)
        if self.env.context.get("customer_dialog_overview"):
            for name, description in described.items():
                if description.get("groupable") and name not in OVERVIEW_GROUP_BYS:
                    description["groupable"] = False
        return described

    # ------------------------------------------------------------------
    # The chatter: a dialog message's badges
    # ------------------------------------------------------------------

    def _extras_to_store(self, store, format_reply):
        """A dialog message shows in the chatter what it is, in Odoo's style
        (small badges): channel, direction, internal or for the customer, its
        topic and, when it was sent, how its delivery went. For employees;
        other messages get nothing, and cost no query: Odoo's chatter has
        read ``dialog_visibility`` with their text (the columns of a message
        are fetched together; test_mail_cost)."""
        super()._extras_to_store(store, format_reply=format_reply)
        if not self.env.user._is_internal():
            return
        for message in self.filtered("dialog_visibility"):
            store.add(message, {"dialogBadges": message._dialog_badges()})

    def _dialog_badges(self):
        self.ensure_one()

        def label(fname):
            selection = self._fields[fname]._description_selection(self.env)
            return dict(selection).get(self[fname], "")

        customer = self.dialog_visibility == "customer"
        badges = [
            {"label": label("dialog_channel"), "tone": "secondary"},
            {"label": label("dialog_direction"), "tone": "secondary"},
            {
                "label": label("dialog_visibility"),
                "tone": "info" if customer else "dark",
            },
        ]
        if self.sudo().dialog_restricted:
            badges.append({"label": self.env._("Restricted"), "tone": "warning"})
        if self.dialog_recipient_ids:
            badges.append(
                {
                    "label": self.env._(
                        "+%(count)s recipients", count=len(self.dialog_recipient_ids)
                    ),
                    "tone": "light",
                }
            )
        if self.dialog_board_post_count:
            thread = self.sudo().dialog_board_thread_ids[:1]
            badges.append(
                {
                    "label": self.env._(
                        "Board: %(count)s posts", count=self.dialog_board_post_count
                    ),
                    "tone": "primary",
                    # opens the discussion, the other badges the message
                    "url": f"/odoo/discuss?active_id=discuss.channel_{thread.id}",
                }
            )
        if self.dialog_topic_id:
            badges.append({"label": self.dialog_topic_id.name, "tone": "light"})
        state = self.dialog_delivery_state
        if state not in (False, "none"):
            tone = {"sent": "success", "pending": "warning", "failed": "danger"}[state]
            badges.append({"label": label("dialog_delivery_state"), "tone": tone})
        return {
            "items": [badge for badge in badges if badge["label"]],
            "url": self._dialog_backend_url(),
            "title": self.dialog_title,
        }
