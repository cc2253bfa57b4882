"""The board's discussion of a customer's messages is part of their file:
listed in a manager's Art. 15 export (never in the customer's own download)
and erased with the messages (Art. 17)."""

from markupsafe import Markup

from odoo import Command, fields, models
from odoo.tools import format_datetime, html2plaintext


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _dialog_export_message(self, message, labels, tz, staff=True):
        values = super()._dialog_export_message(message, labels, tz, staff=staff)
        if staff:
            values["discussion"] = [
                {
                    "date": fields.Datetime.to_string(post.date),
                    "date_label": format_datetime(self.env, post.date, tz=tz),
                    "author": post.author_id.name or "",
                    "text": html2plaintext(post.body or "").strip(),
                }
                for post in message._dialog_board_posts()
            ]
        return values

    def _dialog_erase_file(self):
        # (the messages the erasure acts on, without its other targets)
        threads = self._dialog_file_messages()[0].dialog_board_thread_ids
        posts = threads.sudo()._dialog_posts()
        counts = super()._dialog_erase_file()
        if threads:
            erased = Markup("<p>%s</p>") % self.with_context(
                lang=self.lang or self.env.lang
            ).env._("Content erased at the customer's request.")
            files = posts.attachment_ids
            posts.write({"body": erased, "attachment_ids": [Command.clear()]})
            files.unlink()
            for thread in threads.sudo():
                thread.name = self.env._(
                    "Erased discussion %(id)s", id=thread.dialog_message_id.id
                )
            counts["board_posts"] = len(posts)
        return counts
