import logging
import os
import re
import time

from odoo import api, models, tools

from ..tools import git_cache, git_repo
from .support_repository import PARAM_ALLOWED_NETWORKS

_logger = logging.getLogger(__name__)

PARAM_MAX_CACHE_BYTES = "support_contract.git_max_cache_bytes"
DEFAULT_MAX_CACHE_BYTES = 512 * 2**20
PARAM_CACHE_MAX_AGE_DAYS = "support_contract.git_cache_max_age_days"
DEFAULT_CACHE_MAX_AGE_DAYS = 45
CACHE_FOLDER = "support_repositories"
CACHE_NAME = re.compile(r"\Arepository-(\d+)\.git\Z")


class SupportRepository(models.Model):
    """The repository's local git cache: where it lives, opening it for a
    fetch, and removing it (with the repository, or by the prune cron)."""

    _inherit = "support.repository"

    @api.model
    def _cache_folder(self):
        return os.path.join(tools.config["data_dir"], CACHE_FOLDER, self.env.cr.dbname)

    def _cache_path(self):
        self.ensure_one()
        return os.path.join(self._cache_folder(), f"repository-{self.id}.git")

    def _remove_cache(self):
        for repo in self:
            git_cache.remove_cache(repo._cache_path())

    def unlink(self):
        paths = [repo._cache_path() for repo in self]
        result = super().unlink()
        for path in paths:
            git_cache.remove_cache(path)
        return result

    @api.model
    def _cron_prune_caches(self):
        """Remove the caches no repository uses: of deleted repositories, left
        by a process killed halfway, or not fetched for
        support_contract.git_cache_max_age_days days. Each removal is one
        rename then a delete: safe to run twice and to kill."""
        folder = self._cache_folder()
        try:
            names = os.listdir(folder)
        except OSError:
            return 0
        max_age = self._param_number(
            PARAM_CACHE_MAX_AGE_DAYS, DEFAULT_CACHE_MAX_AGE_DAYS, float
        )
        oldest = time.time() - max_age * 86400
        ids = {}
        for name in names:
            match = CACHE_NAME.match(name)
            if match:
                ids[name] = int(match.group(1))
        existing = set(
            self.with_context(active_test=False)
            .sudo()
            .search([("id", "in", list(ids.values()))])
            .ids
        )
        removed = 0
        for name in names:
            path = os.path.join(folder, name)
            if ".removed-" in name:
                stale = True
            elif name in ids:
                try:
                    stale = ids[name] not in existing or (
                        os.stat(path).st_mtime < oldest
                    )
                except OSError:
                    continue
            else:
                continue  # not ours
            if stale:
                git_cache.remove_cache(path)
                removed += 1
        if removed:
            _logger.info("Removed %s stale repository caches", removed)
        return removed

    def _git(self, timeout=None):
        self.ensure_one()
        credential = self._credential()
        return git_repo.GitRepository(
            self._cache_path(),
            self.url,
            credentials=git_repo.Credentials(
                token=credential.auth_token or "",
                ssh_key=credential.ssh_private_key or "",
            ),
            timeout=timeout or self.timeout,
            allow_local=self._allow_local(),
            allowed_networks=self.env["ir.config_parameter"]
            .sudo()
            .get_param(PARAM_ALLOWED_NETWORKS, ""),
            host_keys=self.ssh_host_key or "",
            max_cache_bytes=self._param_number(
                PARAM_MAX_CACHE_BYTES, DEFAULT_MAX_CACHE_BYTES
            ),
        )
