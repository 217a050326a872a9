from odoo import api, fields, models
from odoo.tools import SQL


class SupportClocCache(models.Model):
    """Counts of git objects by object id and cloc rules' version.

    A git object never changes, so an entry is right forever for its rules'
    version: counting an unchanged addon again reads one row.
    """

    _name = "support.cloc.cache"
    _description = "Code-line count cache"
    _log_access = False

    key = fields.Char(required=True, index=True)
    value = fields.Text(required=True)

    _key_unique = models.Constraint("UNIQUE(key)", "The cache key must be unique.")

    @api.model
    def _for_counting(self):
        return _DatabaseCache(self.sudo())


class _DatabaseCache:
    """The get/set interface of ``cloc_count`` over the cache table.

    Reads are batched per key prefix lazily; writes insert and ignore a key a
    concurrent count stored first (same object, same value).
    """

    def __init__(self, model):
        self.model = model
        self.cr = model.env.cr
        self.local = {}

    def get(self, key):
        if key not in self.local:
            self.cr.execute(
                SQL("SELECT value FROM support_cloc_cache WHERE key = %s", key)
            )
            row = self.cr.fetchone()
            self.local[key] = row[0] if row else None
        return self.local[key]

    def set(self, key, value):
        self.local[key] = value
        self.cr.execute(
            SQL(
                "INSERT INTO support_cloc_cache (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO NOTHING",
                key,
                value,
            )
        )
