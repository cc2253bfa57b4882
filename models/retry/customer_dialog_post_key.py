from odoo import api, fields, models
from odoo.tools import SQL


class CustomerDialogPostKey(models.Model):
    """The idempotency key of a dialog_post call: unique per user (a
    database constraint), deleted with its message, read only by the
    system (no access rights: customers and employees never see it).

    A retried call finds the first call's message by its key. Two calls
    with one key at once: the second waits on the unique index until the
    first commits, then fails on a serialization error (its snapshot does
    not see the first's row) and Odoo runs it again, when it finds the
    first's message: nothing is stored or sent twice.
    """

    _name = "customer_dialog.post_key"
    _description = "Idempotency key of a dialog message"
    _log_access = False

    user_id = fields.Many2one("res.users", required=True, ondelete="cascade")
    key = fields.Char(required=True)
    message_id = fields.Many2one("mail.message", ondelete="cascade", index=True)

    _sql_constraints = [
        ("user_key_uniq", "UNIQUE (user_id, key)", "This key was used before."),
    ]

    @api.model
    def _dialog_claim(self, key):
        """Take ``key`` for the current user: its row's id, or None when it
        was taken before (by a committed call). A call that meets another
        one's key committed after its snapshot fails on a serialization
        error, which Odoo retries: expected, so not logged as an error."""
        self.env.cr.execute(
            SQL(
                """INSERT INTO customer_dialog_post_key (user_id, key)
                   VALUES (%s, %s)
                   ON CONFLICT (user_id, key) DO NOTHING
                   RETURNING id""",
                self.env.uid,
                key,
            ),
            log_exceptions=False,
        )
        row = self.env.cr.fetchone()
        return row and row[0]

    @api.model
    def _dialog_posted(self, key):
        """(message id, model, res_id) that the current user posted with
        ``key``."""
        self.env.cr.execute(
            SQL(
                """SELECT m.id, m.model, m.res_id
                     FROM customer_dialog_post_key k
                     JOIN mail_message m ON m.id = k.message_id
                    WHERE k.user_id = %s AND k.key = %s""",
                self.env.uid,
                key,
            )
        )
        return self.env.cr.fetchone()

    @api.model
    def _dialog_bind(self, key_id, message_id):
        self.env.cr.execute(
            SQL(
                "UPDATE customer_dialog_post_key SET message_id = %s WHERE id = %s",
                message_id,
                key_id,
            )
        )
