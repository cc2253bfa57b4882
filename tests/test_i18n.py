from pathlib import Path

import polib

from odoo.tests import TransactionCase
from odoo.tools.translate import TranslationModuleReader

PO_FILE = Path(__file__).parent.parent / "i18n" / "de.po"


class TestGermanTranslation(TransactionCase):
    """Every user-facing string of the module has a German translation."""

    def test_every_term_translated(self):
        catalog = polib.pofile(str(PO_FILE))
        translated = {
            entry.msgid for entry in catalog if entry.msgstr and not entry.obsolete
        }
        untranslated = [
            entry.msgid for entry in catalog if not entry.msgstr and not entry.obsolete
        ]
        self.assertFalse(untranslated, "untranslated entries in i18n/de.po")
        reader = TranslationModuleReader(self.env.cr, ["customer_dialog"])
        terms = {entry[4] for entry in reader if entry[0] == "customer_dialog"}
        self.assertGreater(len(terms), 100, "the reader found the module's strings")
        missing = sorted(terms - translated)
        self.assertFalse(
            missing, "strings missing from i18n/de.po: run `make pot` and translate"
        )
