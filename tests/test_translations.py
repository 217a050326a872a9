"""Every user-facing string of the suite has a Swedish translation."""

import re
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

    def test_pot_keeps_the_records_of_other_modules_sv_po_translates(self):
        # sv.po translates a few records of the modules the suite extends
        # (subscription_oca's stages, which customers read on the portal).
        # Odoo takes the occurrences from the .pot, and an export of the
        # module does not write them: they are kept in the .pot by hand.
        foreign = re.compile(r"model(?:_terms)?:[\w.]+,\w+:(\w+)\.")
        for module in SUITE_ADDONS:
            i18n = ADDONS / module / "i18n"
            pot = {
                (entry.msgid, occurrence)
                for entry in polib.pofile(str(i18n / f"{module}.pot"))
                for occurrence, _line in entry.occurrences
            }
            for entry in polib.pofile(str(i18n / "sv.po")):
                for occurrence, _line in entry.occurrences:
                    match = foreign.match(occurrence)
                    if match and match.group(1) not in SUITE_ADDONS:
                        self.assertIn(
                            (entry.msgid, occurrence),
                            pot,
                            f"{module}.pot lost {occurrence} ({entry.msgid!r})",
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

    def test_swedish_has_no_sentence_the_english_lacks(self):
        # A union merge of sv.po once glued the end of one entry's Swedish to
        # another ("… från och med nästa faktura. en annan nyckel kommer att
        # avvisas."): a translation never has more sentences than its English.
        abbreviations = re.compile(
            r"\b(t\.ex|e\.g|excl|exkl|incl|inkl|no|nr|Org|bl\.a|s\.k|ca|i\.e)\.",
            re.IGNORECASE,
        )
        sentence_break = re.compile(r"[.!?]\s+\S")

        def breaks(text):
            text = abbreviations.sub("ABBR", re.sub(r"<[^>]+>", " ", text))
            return len(sentence_break.findall(text))

        for module in SUITE_ADDONS:
            for entry in polib.pofile(str(ADDONS / module / "i18n" / "sv.po")):
                if entry.msgstr:
                    self.assertLessEqual(
                        breaks(entry.msgstr),
                        breaks(entry.msgid),
                        f"{module}: {entry.msgstr!r} has a sentence that "
                        f"{entry.msgid!r} lacks",
                    )
