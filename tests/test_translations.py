"""Every user-facing string of the suite has a Swedish translation."""

from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

ADDONS = Path(__file__).resolve().parent.parent / "addons"
SUITE_ADDONS = (
    "support_contract",
    "support_helpdesk_scope",
    "support_billing",
    "support_cockpit",
)


@tagged("post_install", "-at_install")
class TestSwedishTranslations(TransactionCase):
    def source_terms(self, module):
        reader = TranslationModuleReader(self.env.cr, modules=[module])
        return {source for mod, *_x, source, _v, _c in reader if mod == module}

    def test_sv_po_translates_every_term_odoo_extracts(self):
        for module in SUITE_ADDONS:
            with self.subTest(module=module):
                po_path = ADDONS / module / "i18n" / "sv.po"
                self.assertTrue(po_path.exists(), f"{module} ships no i18n/sv.po")
                catalog = {
                    entry.msgid: entry.msgstr
                    for entry in polib.pofile(str(po_path))
                    if not entry.obsolete
                }
                missing = sorted(
                    term
                    for term in self.source_terms(module)
                    if not catalog.get(term, "").strip()
                )
                self.assertFalse(
                    missing,
                    f"{module}/i18n/sv.po lacks {len(missing)} translation(s): "
                    f"{missing[:10]}",
                )

    def test_swedish_placeholders_match_the_english(self):
        import re

        placeholder = re.compile(r"%\(\w+\)s|%s|%d")
        for module in SUITE_ADDONS:
            po_path = ADDONS / module / "i18n" / "sv.po"
            if not po_path.exists():
                continue
            for entry in polib.pofile(str(po_path)):
                if entry.msgstr:
                    self.assertEqual(
                        sorted(placeholder.findall(entry.msgid)),
                        sorted(placeholder.findall(entry.msgstr)),
                        f"{module}: {entry.msgid!r}",
                    )

    def test_pot_holds_every_term_so_odoo_loads_its_translation(self):
        # Odoo merges sv.po with the module's .pot when it loads it: a term
        # missing from the .pot is dropped, and its Swedish never shown.
        for module in SUITE_ADDONS:
            with self.subTest(module=module):
                pot = {
                    entry.msgid
                    for entry in polib.pofile(
                        str(ADDONS / module / "i18n" / f"{module}.pot")
                    )
                }
                missing = sorted(self.source_terms(module) - pot)
                self.assertFalse(
                    missing,
                    f"{module}/i18n/{module}.pot lacks {len(missing)} term(s): "
                    f"{missing[:10]}",
                )
