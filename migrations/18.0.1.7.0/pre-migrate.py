"""18.0.1.7.0: the delivery emails follow German correspondence rules (one
salutation and one closing, the company in the subject, the company's own
layout). The two templates are ``noupdate``: this marks those nobody edited
since they were installed as updatable, which Odoo does not honour for a
record of a noupdate file; 18.0.1.13.0 loads them anew (tools/upgrade.py)."""

TEMPLATES = ("mail_template_dialog_content", "mail_template_dialog_notice")


def migrate(cr, version):
    cr.execute(
        """
        UPDATE ir_model_data data
           SET noupdate = FALSE
          FROM mail_template template
         WHERE data.module = 'customer_dialog'
           AND data.model = 'mail.template'
           AND data.name IN %s
           AND template.id = data.res_id
           AND template.write_date - template.create_date < interval '1 minute'
        """,
        (TEMPLATES,),
    )
