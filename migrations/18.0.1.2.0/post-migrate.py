"""18.0.1.2.0: images pasted into dialog messages before this version were
filed as files of the document, where its token holders could list them;
they become files of their message, as dialog_post now files them."""


def migrate(cr, version):
    refile_pasted_images(cr)


def refile_pasted_images(cr):
    """A file of the document that a dialog message links and shows as an
    image in its text (mail's /web/image/<id>?access_token=... link) is a
    pasted image of that message: it moves to the message. Files attached
    to the message from the document stay the document's."""
    cr.execute(
        """
        UPDATE ir_attachment AS file
           SET res_model = 'mail.message', res_id = message.id
          FROM message_attachment_rel AS rel
          JOIN mail_message AS message ON message.id = rel.message_id
         WHERE rel.attachment_id = file.id
           AND message.dialog_visibility IS NOT NULL
           AND file.res_model = message.model
           AND file.res_id = message.res_id
           AND position(
                   '/web/image/' || file.id || '?access_token=' IN message.body
               ) > 0
        """
    )
