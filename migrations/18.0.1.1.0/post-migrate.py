"""18.0.1.1.0: the content flag belongs to the customer, the delivery decision
is stored as a code (shown in the reader's language), the delivery state is
derived from the delivery email instead of being stored."""

from odoo.tools.sql import column_exists


def migrate(cr, version):
    move_mail_content_to_customer(cr)
    if column_exists(cr, "mail_message", "dialog_delivery_info"):
        store_decision_codes(cr)
        cr.execute("ALTER TABLE mail_message DROP COLUMN dialog_delivery_info")
    cr.execute("ALTER TABLE mail_message DROP COLUMN IF EXISTS dialog_delivery_state")
    # replaced by the partial indexes of mail.message.init()
    cr.execute("DROP INDEX IF EXISTS mail_message__dialog_visibility_index")
    cr.execute("DROP INDEX IF EXISTS mail_message__dialog_partner_id_index")


def move_mail_content_to_customer(cr):
    """Privacy first: a customer gets "content" only where all its contacts
    with portal access had it; without such contacts it keeps its own flag.
    Its contacts then follow the customer, as every commercial field."""
    cr.execute(
        """
        WITH portal_contacts AS (
            SELECT contact.commercial_partner_id AS customer_id,
                   bool_and(COALESCE(contact.dialog_mail_content, FALSE)) AS content
              FROM res_partner contact
              JOIN res_users u ON u.partner_id = contact.id AND u.active AND u.share
              JOIN res_groups_users_rel rel ON rel.uid = u.id
              JOIN ir_model_data imd ON imd.res_id = rel.gid
                   AND imd.model = 'res.groups'
                   AND imd.module = 'base' AND imd.name = 'group_portal'
          GROUP BY contact.commercial_partner_id
        )
        UPDATE res_partner customer
           SET dialog_mail_content = portal_contacts.content
          FROM portal_contacts
         WHERE customer.id = portal_contacts.customer_id
        """
    )
    cr.execute(
        """
        UPDATE res_partner contact
           SET dialog_mail_content = COALESCE(customer.dialog_mail_content, FALSE)
          FROM res_partner customer
         WHERE contact.commercial_partner_id = customer.id
           AND contact.id != customer.id
           AND contact.dialog_mail_content IS DISTINCT FROM
               COALESCE(customer.dialog_mail_content, FALSE)
        """
    )


def store_decision_codes(cr):
    cr.execute(
        r"""
        UPDATE mail_message
           SET dialog_delivery_code = CASE
                 WHEN dialog_delivery = 'notice' THEN 'notice'
                 WHEN dialog_delivery = 'content' THEN 'content'
                 WHEN dialog_visibility = 'customer' AND dialog_channel = 'portal'
                      AND dialog_direction = 'incoming' THEN 'portal_reply'
                 WHEN dialog_visibility = 'customer' AND dialog_channel = 'email'
                      AND dialog_direction = 'incoming' THEN 'received_email'
                 WHEN dialog_delivery_info ~* 'e-?mail' THEN 'no_email'
                 ELSE 'internal'
               END,
               dialog_delivery_address = substring(
                 dialog_delivery_info FROM '([^\s<>"]+@[^\s<>";,]*[^\s<>";,.])'
               )
         WHERE dialog_visibility IS NOT NULL AND dialog_delivery_code IS NULL
        """
    )
