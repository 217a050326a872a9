from odoo import models

from .support_repository import PARAM_ALLOWED_NETWORKS


class SupportRepository(models.Model):
    """What a user reads when git or the count of a repository fails."""

    _inherit = "support.repository"

    def _git_error_message(self, error):
        messages = {
            "url": self.env._(
                "The URL %(url)s is not a git URL this suite accepts: use "
                "https://…, ssh://… or user@host:path.",
                url=self.url,
            ),
            "url-credentials": self.env._(
                "The URL %(url)s carries credentials. Remove them from the URL "
                "and enter the token or SSH key in the credential fields.",
                url=(self.url or "").split("@")[-1],
            ),
            "url-local": self.env._(
                "Local paths and file:// URLs are refused for customer "
                "repositories: %(url)s.",
                url=self.url,
            ),
            "branch": self.env._(
                "The branch %(branch)s does not exist in %(url)s (or is not a valid "
                "branch name).",
                branch=self.branch or self.env._("(default)"),
                url=self.url,
            ),
            "auth": self.env._(
                "The remote refused the credentials for %(url)s. Check the token "
                "or SSH key.",
                url=self.url,
            ),
            "not-found": self.env._(
                "No repository found at %(url)s (or the credentials cannot see it).",
                url=self.url,
            ),
            "unreachable": self.env._(
                "The remote %(url)s cannot be reached.", url=self.url
            ),
            "timeout": self.env._(
                "Fetching %(url)s took longer than %(seconds)s seconds.",
                url=self.url,
                seconds=self.timeout,
            ),
            "no-git": self.env._("git is not installed on the server."),
            "no-addons": self.env._(
                "No addon (a folder with __manifest__.py) was found in %(url)s.",
                url=self.url,
            ),
            "network": self.env._(
                "%(host)s resolves to an internal address (loopback, private, "
                "link-local or cloud metadata); fetches from such addresses are "
                "refused. An administrator can allow it in the system parameter "
                "%(param)s (addresses, networks or host names).",
                host=error.detail,
                param=PARAM_ALLOWED_NETWORKS,
            ),
            "host-key": self.env._(
                "The SSH server of %(url)s showed another host key than the one "
                "pinned at first contact, so the fetch was refused. If the server's "
                "key really changed, a Support Manager checks the new key and "
                "removes the pinned one on the repository.",
                url=self.url,
            ),
            "corrupt": self.env._(
                "%(url)s sent malformed git objects (refused by git's object "
                "checks); nothing of it was counted.",
                url=self.url,
            ),
            "object": self.env._(
                "A git object of %(url)s is not what its tree says (not a file, "
                "wrong size, or content not matching its id); nothing of it was "
                "counted.",
                url=self.url,
            ),
            "too-many-entries": self.env._(
                "%(url)s has more than %(limit)s files and folders in the counted "
                "commit; the count was stopped (system parameter "
                "support_contract.count_max_tree_entries).",
                url=self.url,
                limit=error.detail,
            ),
            "too-many-bytes": self.env._(
                "The files to count in %(url)s add up to more than %(limit)s bytes; "
                "the count was stopped (system parameter "
                "support_contract.count_max_bytes).",
                url=self.url,
                limit=error.detail,
            ),
            "exclude-patterns": self.env._(
                "The manifest of addon %(detail)s exclusion patterns (cloc_exclude, "
                "demo): more than the %(limit)s allowed; the count was stopped "
                "(system parameter support_contract.count_max_exclude_patterns).",
                detail=error.detail.replace(":", " has", 1),
                limit=self._count_limits().exclude_patterns,
            ),
            "exclude-timeout": self.env._(
                "Matching the exclusion patterns of %(url)s took longer than "
                "%(seconds)s seconds; the count was stopped (system parameter "
                "support_contract.count_max_exclude_seconds).",
                url=self.url,
                seconds=error.detail,
            ),
            "too-large-fetch": self.env._(
                "Fetching %(url)s took more than %(limit)s bytes on disk; git was "
                "stopped and what it fetched removed (system parameter "
                "support_contract.git_max_cache_bytes).",
                url=self.url,
                limit=error.detail,
            ),
            "count-timeout": self.env._(
                "Counting %(url)s took longer than %(seconds)s seconds; the count "
                "was stopped (system parameter support_contract.count_max_seconds).",
                url=self.url,
                seconds=self._count_limits().seconds,
            ),
        }
        message = messages.get(error.kind) or self.env._(
            "git failed on %(url)s.", url=self.url
        )
        if error.detail and error.kind in (
            "git",
            "corrupt",
            "object",
            "branch",
            "auth",
            "not-found",
            "unreachable",
        ):
            message += "\n" + error.detail
        return message
