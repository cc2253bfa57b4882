"""Upgrades of data files marked ``noupdate``: what a migration script uses
to bring a record its module ships anew to databases that still hold it as
it was shipped.

Answers Odoo's rule that a record of a ``<data noupdate="1">`` file is never
loaded again once it exists (odoo/tools/convert.py: whatever ir.model.data
says), so that a new version of an email template would reach new databases
only.
"""

from lxml import etree

from odoo.tools import file_path
from odoo.tools.convert import xml_import
from odoo.tools.translate import TranslationImporter, get_po_paths

MODULE = "customer_dialog"


def reload_unedited_templates(env, names, filename="data/mail_template_data.xml"):
    """Load the mail templates ``names`` (xmlids of this module) of the
    ``noupdate`` data file ``filename`` anew, with their translations, where
    nobody edited them since they were loaded (an administrator's edit
    stays). They stay "unedited" for the next upgrade. Returns the names
    reloaded."""
    env.cr.execute(
        """SELECT data.name, template.id
             FROM ir_model_data data
             JOIN mail_template template ON template.id = data.res_id
            WHERE data.module = %s
              AND data.model = 'mail.template'
              AND data.name IN %s
              AND template.write_date - template.create_date < interval '1 minute'""",
        (MODULE, tuple(names)),
    )
    found = dict(env.cr.fetchall())
    if not found:
        return []
    shipped = etree.parse(file_path(f"{MODULE}/{filename}"))
    root = etree.Element("odoo")
    data = etree.SubElement(root, "data", noupdate="1")
    for record in shipped.xpath("//record[@id]"):
        if record.get("id") in found:
            data.append(record)
    # mode "init": the one mode in which a noupdate record is loaded again
    xml_import(
        env, MODULE, {}, mode="init", noupdate=True, xml_filename=filename
    ).parse(root)
    importer = TranslationImporter(env.cr, verbose=False)
    xmlids = {f"{MODULE}.{name}" for name in found}
    for lang, _name in env["res.lang"].get_installed():
        if lang != "en_US":
            for path in get_po_paths(MODULE, lang, env):
                importer.load_file(path, lang, xmlids=xmlids)
    importer.save(overwrite=True, force_overwrite=True)
    env.flush_all()
    env.cr.execute(
        "UPDATE mail_template SET write_date = create_date WHERE id IN %s",
        (tuple(found.values()),),
    )
    env.invalidate_all()
    return sorted(found)
