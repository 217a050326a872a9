import re

import polib

from odoo import api, models
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationImporter, get_po_paths

# The suite's addons whose sv.po translate records of other modules.
SUITE_ADDONS = (
    "support_contract",
    "support_helpdesk_scope",
    "support_billing",
    "support_cockpit",
)
FOREIGN = re.compile(r"model(?:_terms)?:[\w.]+,\w+:(\w+)\.(\S+)")


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    @api.model
    def _load_module_terms(self, modules, langs, overwrite=False):
        super()._load_module_terms(modules, langs, overwrite=overwrite)
        self._support_load_foreign_terms(langs)

    @api.model
    def _support_load_foreign_terms(self, langs):
        """Write the suite's translations of other modules' records over the
        ones in the database.

        The suite's sv.po translates records of modules it extends
        (subscription_oca ships no Swedish) and corrects typos of Odoo's own
        Swedish that customers read ("Kommuniktationshistorik" on the
        portal). Odoo keeps a translation already in the database when a
        module's terms are loaded, so these are loaded again, for those
        records only, each time terms are loaded (a module installed or
        updated, a language added).
        """
        suite = self.sudo().search(
            [
                ("name", "in", SUITE_ADDONS),
                ("state", "in", ("installed", "to install", "to upgrade")),
            ]
        )
        importer = TranslationImporter(self.env.cr, verbose=False)
        for module in suite.mapped("name"):
            xmlids = self._support_foreign_xmlids(module)
            if not xmlids:
                continue
            for lang in langs:
                if lang == "en_US":
                    continue
                for po_path in get_po_paths(module, lang):
                    importer.load_file(po_path, lang, xmlids=xmlids)
        importer.save(force_overwrite=True)

    @api.model
    def _support_foreign_xmlids(self, module):
        """The records of other modules that ``module``'s .pot translates."""
        try:
            pot = file_path(f"{module}/i18n/{module}.pot")
        except FileNotFoundError:
            return set()
        xmlids = set()
        for entry in polib.pofile(pot):
            for occurrence, _line in entry.occurrences:
                match = FOREIGN.match(occurrence)
                if match and match.group(1) not in SUITE_ADDONS:
                    xmlids.add(f"{match.group(1)}.{match.group(2)}")
        return xmlids
