"""The overview's own sections: the customer's dialog messages with the
chatter's badges, and every to-do on the customer, its contacts, their
documents of the other sections and the dialog's follow-ups."""

from odoo.osv import expression
from odoo.tools import SQL

from ...tools.overview import ROWS, Section, cell

# Odoo's colours of a to-do's due date (mail.activity.state)
DUE_TONES = {"overdue": "danger", "today": "warning", "planned": "success"}


class MessageSection(Section):
    def __init__(self, env):
        super().__init__(
            "communication",
            env._("Communication"),
            "mail.message",
            scope=lambda partners: [
                ("dialog_partner_id", "in", partners.commercial_partner_id.ids),
                ("dialog_visibility", "!=", False),
                ("dialog_archived", "=", False),
            ],
            mine=lambda user: [
                "|",
                ("author_id", "=", user.partner_id.id),
                ("dialog_user_id", "=", user.id),
            ],
            columns=[
                ("date", env._("Date")),
                ("dialog_title", env._("Subject")),
                ("author_id", env._("Author")),
            ],
            filters=[
                (
                    "customer",
                    env._("For the customer"),
                    [("dialog_visibility", "=", "customer")],
                ),
                (
                    "internal",
                    env._("Internal"),
                    [("dialog_visibility", "=", "internal")],
                ),
            ],
            order="date desc, id desc",
            sequence=10,
            counted_by=(
                "dialog_visibility",
                {"customer": ("customer",), "internal": ("internal",)},
            ),
        )
        self.documents = False

    def row(self, record):
        return {
            **super().row(record),
            "badges": record._dialog_badges()["items"],
            # opened in the dialog's own form, not mail's technical one
            "view_id": self.form_view_id,
        }

    def to_page(self, env, partners, mine, filter_key):
        self.form_view_id = env["ir.model.data"]._xmlid_to_res_id(
            "customer_dialog.mail_message_dialog_view_form"
        )
        return super().to_page(env, partners, mine, filter_key)

    def action(self, env, partners, mine, filter_key):
        action = env["ir.actions.act_window"]._for_xml_id(
            "customer_dialog.mail_message_dialog_action"
        )
        action["name"] = self.title
        action["domain"] = self.domain(env, partners, mine, filter_key)
        action["context"] = {}
        return action


class ActivitySection(Section):
    """Open to-dos are Odoo's activities; done ones, the log lines Odoo
    leaves when a to-do is marked done (the activity itself is gone)."""

    def __init__(self, env):
        super().__init__(
            "activities",
            env._("To-dos"),
            "mail.activity",
            scope=None,
            mine=lambda user: [("user_id", "=", user.id)],
            columns=[
                ("summary", env._("To-do")),
                ("res_name", env._("Document")),
                ("user_id", env._("Assigned to")),
                ("date_deadline", env._("Due Date")),
            ],
            filters=[("open", env._("Open"), None), ("done", env._("Done"), None)],
            sequence=20,
        )
        self.documents = False
        self.siblings = []

    # the scope: the customer, its contacts, the documents of the other
    # sections (as the user may read them), the follow-ups of its messages
    def _documents(self, env, partners, model_field, id_field):
        parts = [[(model_field, "=", "res.partner"), (id_field, "in", partners.ids)]]
        for section in self.siblings:
            if getattr(section, "documents", False):
                Model = env[section.model].with_context(**section.context)
                parts.append(
                    [
                        (model_field, "=", section.model),
                        (id_field, "in", Model._search(section.scope(partners))),
                    ]
                )
        return parts

    def _open_domain(self, env, partners, mine):
        # the follow-ups of its messages: from the few activities that have
        # a message to their message, not from its thousands of messages
        follow_ups = SQL(
            """(SELECT activity.id FROM mail_activity AS activity
                  JOIN mail_message AS message
                    ON message.id = activity.dialog_message_id
                 WHERE message.dialog_partner_id = %s)""",
            partners.commercial_partner_id.id,
        )
        domain = expression.OR(
            [
                *self._documents(env, partners, "res_model", "res_id"),
                [("id", "in", follow_ups)],
            ]
        )
        return expression.AND([domain, self.mine(env.user) if mine else []])

    def _done_domain(self, env, partners, mine):
        # (the log lines of done follow-ups, from lines to their message)
        log_lines = SQL(
            """(SELECT line.id FROM mail_message AS line
                  JOIN mail_message AS message ON message.id = line.dialog_log_for_id
                 WHERE message.dialog_partner_id = %s)""",
            partners.commercial_partner_id.id,
        )
        domain = expression.OR(
            [
                *self._documents(env, partners, "model", "res_id"),
                [("id", "in", log_lines)],
            ]
        )
        mine = [("author_id", "=", env.user.partner_id.id)] if mine else []
        return expression.AND([[("mail_activity_type_id", "!=", False)], domain, mine])

    def to_page(self, env, partners, mine, filter_key):
        """One search of open to-dos and one of done ones (Odoo checks each
        to-do's document after its query anyway): the counts are their
        lengths, the rows their first ones."""
        self.found = {
            "open": env["mail.activity"].search(
                self._open_domain(env, partners, mine),
                order="date_deadline asc, id asc",
            ),
            "done": env["mail.message"].search(
                self._done_domain(env, partners, mine), order="date desc, id desc"
            ),
        }
        return super().to_page(env, partners, mine, filter_key)

    def counts(self, env, partners, mine):
        done, open_ = len(self.found["done"]), len(self.found["open"])
        return {"all": open_ + done, "open": open_, "done": done}

    def records(self, env, partners, mine, filter_key, limit=ROWS):
        if filter_key == "all":
            return [*self.found["open"][:limit], *self.found["done"][:limit]][:limit]
        return list(self.found[filter_key][:limit])

    def row(self, record):
        """A to-do opens its document; its due date is coloured as Odoo
        colours it."""
        if record._name == "mail.activity":
            return {
                "id": record.res_id,
                "model": record.res_model,
                "cells": [
                    record.summary or record.activity_type_id.name or "",
                    record.res_name or "",
                    cell(record, "user_id"),
                    cell(record, "date_deadline"),
                ],
                "tone": DUE_TONES.get(record.state, ""),
            }
        return {
            "id": record.res_id,
            "model": record.model,
            "cells": [
                record.mail_activity_type_id.name or "",
                record.record_name or "",
                record.author_id.name or "",
                cell(record, "date"),
            ],
            "tone": "muted",
            "done": True,
        }

    def action(self, env, partners, mine, filter_key):
        """The to-dos' own list (done ones: their log lines; "all": the open
        ones, one list shows one kind), on the ids the page found: the page's
        domain holds subqueries, which no client can be sent."""
        done = filter_key == "done"
        found = env["mail.message" if done else "mail.activity"].search(
            self._done_domain(env, partners, mine)
            if done
            else self._open_domain(env, partners, mine)
        )
        return {
            "type": "ir.actions.act_window",
            "name": env._("Done to-dos") if done else self.title,
            "res_model": found._name,
            "views": [[False, "list"], [False, "form"]],
            "domain": [("id", "in", found.ids)],
            "context": {"create": False},
        }
