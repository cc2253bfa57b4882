"""18.0.1.5.0: the to-dos and log lines of a dialog message are linked to it
by fields instead of by a link in their text, read here once; the files of
customers' emails filed by the gateway become their messages' own."""

# The link to a dialog message that the to-dos and log lines of earlier
# versions carried in their HTML (mail.message._dialog_backend_url).
LINK = r'customer_dialog\.mail_message_dialog_action/([0-9]+)"'


def migrate(cr, version):
    link_activities(cr)
    link_log_lines(cr)
    move_gateway_files(cr)


def link_activities(cr):
    """A follow-up is its message's dialog_activity_id; a 'Delivery failed'
    to-do names its message in its note."""
    cr.execute(
        """
        UPDATE mail_activity activity
           SET dialog_message_id = message.id
          FROM mail_message message
         WHERE message.dialog_activity_id = activity.id
           AND activity.dialog_message_id IS NULL
        """
    )
    cr.execute(
        """
        UPDATE mail_activity activity
           SET dialog_message_id = message.id
          FROM mail_message message
         WHERE activity.dialog_message_id IS NULL
           AND activity.note ~ %s
           AND message.id = (regexp_match(activity.note, %s))[1]::int
           AND message.dialog_visibility IS NOT NULL
        """,
        (LINK, LINK),
    )


def link_log_lines(cr):
    """Done to-dos and changes of visibility logged on a document link to
    their dialog message in their text."""
    cr.execute(
        """
        UPDATE mail_message log
           SET dialog_log_for_id = message.id
          FROM mail_message message
         WHERE log.dialog_log_for_id IS NULL
           AND log.dialog_visibility IS NULL
           AND log.message_type = 'notification'
           AND log.body ~ %s
           AND message.id = (regexp_match(log.body, %s))[1]::int
           AND message.dialog_visibility IS NOT NULL
        """,
        (LINK, LINK),
    )


def move_gateway_files(cr):
    """Files of a received email stayed on the document, where its token
    holders listed them: they become the message's own, as for every other
    dialog message."""
    cr.execute(
        """
        UPDATE ir_attachment file
           SET res_model = 'mail.message', res_id = message.id
          FROM message_attachment_rel rel
          JOIN mail_message message ON message.id = rel.message_id
         WHERE rel.attachment_id = file.id
           AND message.dialog_delivery_code = 'received_email'
           AND file.res_model = message.model
           AND file.res_id = message.res_id
        """
    )
