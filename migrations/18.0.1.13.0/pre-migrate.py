"""18.0.1.13.0: the customer's "customer file ready" email greets them as
the company's letters do ("Sehr geehrte Frau …"). The template is
``noupdate``: if nobody edited it since it was installed, it is loaded anew
once; an administrator's edited template stays as it is."""

TEMPLATES = ("mail_template_dialog_export_ready",)


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
