"""The delivery of a dialog message as stored: the decision as a sentence,
the state of its delivery email, a later change of visibility (a new
decision), resending, and what goes with a deleted message."""

from odoo import api, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL

from ...tools.dialog_constants import (
    DELIVERY_FAILURES,
    DELIVERY_OF_DECISION,
    DialogDelivery,
)

# Notification statuses of the delivery email, as delivery states.
FAILED_STATUSES = frozenset({"exception", "bounce", "canceled"})
PENDING_STATUSES = frozenset({"ready", "process", "pending"})


class MailMessage(models.Model):
    _inherit = "mail.message"

    # ------------------------------------------------------------------
    # The decision and the delivery state, as the reader sees them
    # ------------------------------------------------------------------

    @api.depends("dialog_delivery_code")
    def _compute_dialog_delivery(self):
        for message in self:
            code = message.sudo().dialog_delivery_code
            message.dialog_delivery = code and DELIVERY_OF_DECISION[code]

    @api.depends(
        "dialog_delivery_code", "dialog_delivery_address", "dialog_delivery_state"
    )
    @api.depends_context("lang")
    def _compute_dialog_delivery_info(self):
        """The decision as a sentence; for a delivery that failed, why (a
        failed message does not say "emailed")."""
        for message in self:
            if message.dialog_delivery_state == "failed":
                failed = message._dialog_failed_notification()
                message.dialog_delivery_info = self.env._(
                    "Not delivered to %(email)s. %(reason)s",
                    email=(failed.res_partner_id.email_normalized if failed else None)
                    or message.dialog_delivery_address,
                    reason=message._dialog_failure_reason(),
                )
                continue
            message.dialog_delivery_info = message.dialog_delivery_code and (
                self._dialog_decision_sentence(
                    message.dialog_delivery_code,
                    message.dialog_delivery_address,
                    message.dialog_recipient_id,
                )
            )
            recipient = message.dialog_recipient_id
            if (
                message.dialog_delivery_code == "notice"
                and recipient
                and not recipient._dialog_can_log_in()
            ):
                # whatever the way in (composer, release, RPC): the clerk
                # learns that the notice's link does not open for them
                message.dialog_delivery_info += " " + self.env._(
                    "%(name)s has no portal login yet: the link in the notice "
                    "does not open for them (Grant portal access).",
                    name=recipient.name,
                )
            if message.dialog_delivery_info:
                message.dialog_delivery_info = " ".join(
                    [
                        message.dialog_delivery_info,
                        *message._dialog_delivery_info_more(),
                    ]
                )

    def _dialog_delivery_info_more(self):
        """Sentences the decision adds (see recipients/)."""
        return []

    def _dialog_failed_notification(self):
        """The first email of this message's delivery that did not arrive
        (sudo): its recipient is named, whichever of them it was."""
        return self.sudo().dialog_delivery_message_id.notification_ids.filtered(
            lambda n: n.notification_type == "email"
            and n.notification_status in DELIVERY_FAILURES
        )[:1]

    def _dialog_failure_reason(self):
        notifications = self.sudo().dialog_delivery_message_id.notification_ids
        failed = self._dialog_failed_notification()
        if failed:
            return failed.format_failure_reason()
        if notifications.filtered(lambda n: n.notification_status == "canceled"):
            return self.env._("The delivery was cancelled.")
        return self.env._("No email was sent.")

    def _dialog_delivery_partners(self, recipient):
        """Every partner the delivery email of this message goes to (see
        recipients/ for its copies)."""
        return recipient

    def _dialog_delivery_of(self):
        """The dialog message whose delivery email this is (sudo), if any."""
        if len(self) != 1 or self.message_type != "user_notification":
            return self.browse()
        return self.sudo().search(
            [("dialog_delivery_message_id", "=", self.id)], limit=1
        )

    @api.model
    def _dialog_planned_sentence(self, code, address, recipient):
        """The decision before it is taken (the composer's and the release
        dialog's preview): what will happen, not what did."""
        if code == "internal":
            return self.env._(
                "Internal message: it will not be sent nor shown in the portal."
            )
        if code == "no_email":
            return self.env._(
                "%(name)s has no valid email address: the message will be saved "
                "as an internal message.",
                name=recipient.display_name or self.env._("The customer"),
            )
        if code == "content_no_portal":
            return self.env._(
                "Full content will be emailed to %(email)s; the message will be "
                "published in the portal for later portal access.",
                email=address,
            )
        if code == "content":
            return self.env._(
                "Full content will be emailed to %(email)s and published in the "
                "portal.",
                email=address,
            )
        if code == "notice":
            return self.env._(
                "Notice without content will be emailed to %(email)s; the message "
                "will be published in the portal.",
                email=address,
            )
        return self._dialog_decision_sentence(code, address, recipient)

    def _dialog_decision_sentence(self, code, address, recipient):
        """The stored decision as a sentence in the reader's language."""
        if code == "internal":
            return self.env._("Internal message: not sent and not shown in the portal.")
        if code == "no_email":
            return self.env._(
                "%(name)s has no valid email address: saved as an internal message.",
                name=recipient.display_name or self.env._("The customer"),
            )
        if code == "content_no_portal":
            return self.env._(
                "Full content emailed to %(email)s; published in the portal "
                "for later portal access.",
                email=address,
            )
        if code == "content":
            return self.env._(
                "Full content emailed to %(email)s and published in the portal.",
                email=address,
            )
        if code == "notice":
            return self.env._(
                "Notice without content emailed to %(email)s; "
                "the message is published in the portal.",
                email=address,
            )
        if code == "portal_reply":
            return self.env._("Reply from the customer portal.")
        return self.env._("Received by email from %(email)s.", email=address)

    @api.depends(
        "dialog_visibility",
        "dialog_delivery",
        "dialog_delivery_message_id.notification_ids.notification_status",
    )
    def _compute_dialog_delivery_state(self):
        for message in self:
            if not message.dialog_visibility:
                message.dialog_delivery_state = False
            elif message.dialog_delivery in (False, "none"):
                message.dialog_delivery_state = "none"
            else:
                message.dialog_delivery_state = (
                    message._dialog_state_from_notifications()
                )

    def _dialog_state_from_notifications(self):
        delivery = self.sudo().dialog_delivery_message_id
        if not delivery:
            return "failed"
        notifications = delivery.notification_ids
        statuses = set(
            notifications.filtered(lambda n: n.notification_type == "email").mapped(
                "notification_status"
            )
        )
        if statuses & FAILED_STATUSES or not notifications:
            # no notification: nobody was sent anything
            return "failed"
        if statuses & PENDING_STATUSES:
            return "pending"
        # sent, or delivered to the inbox of a recipient who is a user
        return "sent"

    def _search_dialog_delivery_state(self, operator, value):
        """The same derivation as the compute, in SQL: the state lives in the
        delivery email's notifications, nowhere else."""
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(
                self.env._(
                    "Delivery states can only be searched with =, !=, in, not in."
                )
            )
        self.flush_model(
            ["dialog_visibility", "dialog_delivery", "dialog_delivery_message_id"]
        )
        self.env["mail.notification"].flush_model(
            ["mail_message_id", "notification_type", "notification_status"]
        )
        values = [value] if isinstance(value, str) or not value else value
        if not isinstance(values, list | tuple) or not all(
            isinstance(v, str) or not v for v in values
        ):
            raise UserError(
                self.env._(
                    "Delivery states are searched by their codes, e.g. 'failed'."
                )
            )
        states = tuple(v for v in values if v) or ("",)
        state = SQL(
            """CASE
                 WHEN m.dialog_delivery IS NULL OR m.dialog_delivery = 'none'
                   THEN 'none'
                 WHEN m.dialog_delivery_message_id IS NULL THEN 'failed'
                 WHEN NOT EXISTS (
                        SELECT 1 FROM mail_notification n
                         WHERE n.mail_message_id = m.dialog_delivery_message_id)
                   THEN 'failed'
                 WHEN EXISTS (SELECT 1 FROM mail_notification n
                               WHERE n.mail_message_id = m.dialog_delivery_message_id
                                 AND n.notification_type = 'email'
                                 AND n.notification_status IN %s) THEN 'failed'
                 WHEN EXISTS (SELECT 1 FROM mail_notification n
                               WHERE n.mail_message_id = m.dialog_delivery_message_id
                                 AND n.notification_type = 'email'
                                 AND n.notification_status IN %s) THEN 'pending'
                 ELSE 'sent'
               END""",
            tuple(sorted(FAILED_STATUSES)),
            tuple(sorted(PENDING_STATUSES)),
        )
        matching = SQL(
            "(SELECT m.id FROM mail_message m "
            "WHERE m.dialog_visibility IS NOT NULL AND %s IN %s)",
            state,
            states,
        )
        positive = operator in ("=", "in")
        if False in values or None in values:
            # "no state" are the messages that are not dialog messages
            no_state = [("dialog_visibility", "=", False)]
            found = [("id", "in", matching)]
            domain = expression.OR([no_state, found])
            return domain if positive else ["!", *domain]
        return [("id", "in" if positive else "not in", matching)]

    # ------------------------------------------------------------------
    # A later change of visibility: a new delivery decision
    # ------------------------------------------------------------------

    def _dialog_set_visibility(self, visibility, send_content=None):
        """Apply the delivery rules again, as for a new post: a message that
        becomes a customer message is delivered (or the change is refused with
        the reason); one that becomes internal is unpublished."""
        if visibility == "customer" and self.sudo().filtered("dialog_restricted"):
            raise UserError(self._dialog_restricted_customer_message())
        for message in self:
            record = message._dialog_thread() or message.dialog_partner_id
            recipient = message.dialog_recipient_id
            decision = record._dialog_decide_delivery(
                visibility, recipient, send_content
            )
            if decision["visibility"] != visibility:
                raise UserError(
                    self.env._(
                        "“%(subject)s” stays internal: %(reason)s",
                        subject=message.dialog_title,
                        reason=message._dialog_refusal_reason(decision, recipient),
                    )
                )
            if decision["delivery"] == "content":
                record._dialog_check_email_size(message.attachment_ids)
            message.sudo().write(record._dialog_decision_values(decision))
            if decision["delivery"] != "none":
                record._dialog_deliver(message, recipient)

    def _dialog_refusal_reason(self, decision, recipient):
        if decision["code"] == "no_email":
            return self.env._(
                "%(name)s has no valid email address. Add one, then release "
                "the message again.",
                name=recipient.display_name or self.env._("The customer"),
            )
        return decision["info"]

    def action_dialog_release(self):
        """ "For the customer": the release dialog, with the delivery preview
        of the composer and a confirmation."""
        self.ensure_one()
        # callable over RPC with any id: what it tells needs read access
        self.check_access("read")
        if self.dialog_visibility != "internal":
            raise UserError(self.env._("Only an internal message can be released."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Release for the customer"),
            "res_model": "customer_dialog.release.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_message_id": self.id},
        }

    # ------------------------------------------------------------------
    # Delivery emails: Message-Id, resend, sent again, failure to-dos
    # ------------------------------------------------------------------

    def _get_message_id(self, values):
        """A notice names the customer portal only: its Message-Id does not
        name the document (Odoo's says "-openerp-<id>-sale.order@")."""
        delivery = DialogDelivery.of(self.env)
        if delivery and delivery.notice:
            return tools.mail.generate_tracking_message_id("dialog")
        return super()._get_message_id(values)

    def action_dialog_resend(self):
        """Open Odoo's resend wizard on the delivery email, where the address
        can be corrected before sending again."""
        self.ensure_one()
        # callable over RPC with any id: what it tells needs read access
        self.check_access("read")
        if (
            self.dialog_delivery_state != "failed"
            or not self.dialog_delivery_message_id
        ):
            raise UserError(
                self.env._("Only a message whose delivery failed can be resent.")
            )
        if not self.sudo().dialog_delivery_message_id.notification_ids.filtered(
            lambda n: n.notification_status in DELIVERY_FAILURES
        ):
            # cancelled: its content was erased, or its failure discarded
            raise UserError(
                self.env._(
                    "This delivery was cancelled (its content erased or its "
                    "failure discarded): there is nothing to resend."
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Resend"),
            "res_model": "mail.resend.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"mail_message_to_resend": self.dialog_delivery_message_id.id},
        }

    def _dialog_check_resend(self, notifications):
        """Odoo's resend wizard emails its message to the partners of the
        notifications it is given, both chosen by the caller: it resends only
        a failed email of this message to its own recipients, for a user who
        may read it. A dialog message itself is never sent this way: only
        its delivery email, to its recipient."""
        sudo = self.sudo()
        if len(self) != 1 or notifications.sudo().mail_message_id - sudo:
            raise AccessError(
                self.env._("Only the recipients of this email can get it again.")
            )
        if sudo.dialog_visibility:
            raise AccessError(
                self.env._(
                    "A dialog message reaches a customer only by the delivery "
                    "rules: resend its delivery email instead."
                )
            )
        dialog = sudo.search([("dialog_delivery_message_id", "=", self.id)], limit=1)
        # a delivery email is read as its dialog message is
        (dialog.with_env(self.env) if dialog else self).check_access("read")

    @api.model
    def _dialog_record_sent(self, addresses, delivered):
        """After delivery emails were sent: record, per delivery email id, the
        address it went to where it changed since the decision and, when it
        arrived (``delivered``), close the to-do its failure left."""
        messages = self.sudo().search(
            [("dialog_delivery_message_id", "in", list(addresses))]
        )
        for message in messages:
            address = addresses[message.dialog_delivery_message_id.id]
            if address and address != message.dialog_delivery_address:
                message.dialog_delivery_address = address
        if delivered:
            messages._dialog_failure_activities().action_feedback(
                feedback=self.env._("Sent again.")
            )

    def _dialog_failure_activities(self):
        """The open 'Delivery failed' to-dos of these dialog messages (sudo)."""
        Activity = self.env["mail.activity"].sudo()
        if not self.ids:
            return Activity
        return Activity.search(
            [
                ("dialog_message_id", "in", self.ids),
                (
                    "activity_type_id",
                    "=",
                    self.env["ir.model.data"]._xmlid_to_res_id(
                        "customer_dialog.mail_activity_type_delivery_failed"
                    ),
                ),
            ]
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_dialog_delivery_and_follow_up(self):
        """A deleted dialog message takes its delivery email (a queued one is
        then never sent: its mail.mail goes with it) and its open follow-up
        with it, and the log lines of its done to-dos, whoever deletes it:
        author, manager or retention."""
        dialog_messages = self.sudo().filtered("dialog_visibility")
        if not dialog_messages:
            return
        copies = dialog_messages.dialog_delivery_message_id - self
        # the log lines of its done to-dos, with the feedback typed there
        log_lines = dialog_messages.search(
            [("dialog_log_for_id", "in", dialog_messages.ids)]
        )
        activities = dialog_messages.dialog_activity_id.exists()
        (copies | (log_lines - self)).unlink()
        (activities | dialog_messages._dialog_failure_activities()).unlink()
