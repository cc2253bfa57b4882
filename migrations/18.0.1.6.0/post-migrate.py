"""18.0.1.6.0: a dialog message's delivery and kind of reference object are
derived (from its decision and its ``model``) instead of written beside
them by hand; stored values of earlier versions that disagree are set once
to what they are derived from."""

from odoo.addons.customer_dialog.tools.dialog_constants import DELIVERY_OF_DECISION


def migrate(cr, version):
    cr.execute(
        """
        UPDATE mail_message
           SET dialog_reference_model = model
         WHERE dialog_visibility IS NOT NULL
           AND dialog_reference_model IS DISTINCT FROM model
        """
    )
    for code, delivery in DELIVERY_OF_DECISION.items():
        cr.execute(
            """
            UPDATE mail_message
               SET dialog_delivery = %s
             WHERE dialog_visibility IS NOT NULL
               AND dialog_delivery_code = %s
               AND dialog_delivery IS DISTINCT FROM %s
            """,
            (delivery, code, delivery),
        )
