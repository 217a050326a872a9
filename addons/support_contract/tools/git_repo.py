"""Read-only access to customers' git repositories, treated as hostile.

Plain functions around the ``git`` command, without the ORM:

- URLs are checked before git sees them: ``https://``, ``ssh://`` and
  ``user@host:path`` are accepted; ``ext::``, ``fd::``, ``file://``, local
  paths and anything git could read as an option are refused (local paths
  only when the caller allows them, for demo and tests).
- git runs without a terminal prompt, without system or global configuration,
  without credential helpers or hooks, with only the allowed protocols, and
  with a timeout. Credentials travel in the environment, never on a command
  line, in a URL or in an error message.
- Only the fetched commit's objects are read (``ls-tree``, ``cat-file``):
  nothing is checked out, so symbolic links and submodules are never followed.
"""

import base64
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

REMOTE_REF = "refs/support/head"
SCP_LIKE = re.compile(
    r"^(?P<user>[A-Za-z0-9._~-]+@)?(?P<host>[A-Za-z0-9.-]+):(?P<path>.+)$"
)


class GitError(Exception):
    """A repository problem a person can act on.

    ``kind`` names it for the caller's (translated) message; ``detail`` is
    git's own words with any credential removed.
    """

    def __init__(self, kind, detail=""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Credentials:
    token: str = ""
    ssh_key: str = ""


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    kind: str  # blob, tree or commit (a submodule)
    sha: str
    size: int  # -1 for trees and submodules
    path: str

    @property
    def is_regular_file(self):
        return self.kind == "blob" and self.mode in ("100644", "100755")

    @property
    def is_symlink(self):
        return self.mode == "120000"

    @property
    def is_submodule(self):
        return self.kind == "commit"


def check_url(url, allow_local=False):
    """Return the URL git may fetch, or raise GitError('url', reason)."""
    url = (url or "").strip()
    if not url:
        raise GitError("url", "empty")
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise GitError("url", "spaces or control characters")
    if url.startswith("-"):
        raise GitError("url", "starts with '-'")
    lowered = url.lower()
    if "::" in url.split("/", 1)[0] or lowered.startswith(("ext::", "fd::")):
        raise GitError("url", "transport helpers are not allowed")
    if lowered.startswith("https://"):
        rest = url[len("https://") :]
        authority = rest.split("/", 1)[0]
        if "@" in authority:
            raise GitError("url-credentials", "credentials in the URL")
        if not authority or "/" not in rest:
            raise GitError("url", "no host or path")
        return url
    if lowered.startswith("ssh://"):
        rest = url[len("ssh://") :]
        authority = rest.split("/", 1)[0]
        if ":" in authority.split("@")[0] and "@" in authority:
            raise GitError("url-credentials", "password in the URL")
        if not authority or "/" not in rest or authority.startswith("-"):
            raise GitError("url", "no host or path")
        return url
    return _check_other_url(url, lowered, allow_local)


def _check_other_url(url, lowered, allow_local):
    if "://" in url:
        if lowered.startswith("file://") and allow_local:
            return url
        raise GitError("url", "protocol not allowed")
    match = SCP_LIKE.match(url)
    if match and "/" not in match.group("host") and not url.startswith("/"):
        if match.group("host").startswith("-"):
            raise GitError("url", "host starts with '-'")
        return url
    if allow_local and os.path.isabs(url) and os.path.isdir(url):
        return url
    if os.path.isabs(url) or url.startswith(".") or "/" in url or os.sep in url:
        raise GitError("url-local", "local paths are not allowed")
    raise GitError("url", "not a git URL")


def check_branch(branch):
    """A branch name git cannot mistake for an option or a revision range."""
    branch = (branch or "").strip()
    if not branch:
        return ""
    if (
        branch.startswith(("-", "/"))
        or ".." in branch
        or any(ch.isspace() or ch in "~^:?*[\\" or ord(ch) < 32 for ch in branch)
        or branch.endswith((".lock", "/"))
        or "@{" in branch
    ):
        raise GitError("branch", branch)
    return branch


class GitRepository:
    """A bare cache of one remote repository under ``path``."""

    def __init__(self, path, url, credentials=None, timeout=120, allow_local=False):
        self.path = path
        self.url = check_url(url, allow_local=allow_local)
        self.credentials = credentials or Credentials()
        self.timeout = timeout
        self.allow_local = allow_local

    # -- running git ------------------------------------------------------

    def _environment(self, workdir):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": workdir,
            "LANG": "C",
            "LC_ALL": "C",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_ASKPASS": "/bin/false",
            "SSH_ASKPASS": "/bin/false",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_PROTOCOL_FROM_USER": "0",
            "GIT_ALLOW_PROTOCOL": "https:ssh" + (":file" if self.allow_local else ""),
        }
        config = {
            "credential.helper": "",
            "core.hooksPath": os.devnull,
            "core.askPass": "/bin/false",
            "protocol.allow": "never",
            "protocol.https.allow": "always",
            "protocol.ssh.allow": "always",
            "protocol.file.allow": "always" if self.allow_local else "never",
            "submodule.recurse": "false",
            "fetch.recurseSubmodules": "false",
            "transfer.fsckObjects": "false",
            "http.followRedirects": "false",
        }
        if self.credentials.token:
            basic = base64.b64encode(
                f"x-access-token:{self.credentials.token}".encode()
            ).decode()
            config["http.extraHeader"] = f"Authorization: Basic {basic}"
        ssh = [
            "ssh",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=accept-new",
            "-o",
            f"UserKnownHostsFile={os.path.join(workdir, 'known_hosts')}",
            "-o",
            "ConnectTimeout=20",
        ]
        if self.credentials.ssh_key:
            key_path = os.path.join(workdir, "id_key")
            with open(os.open(key_path, os.O_WRONLY | os.O_CREAT, 0o600), "w") as key:
                key.write(self.credentials.ssh_key.strip() + "\n")
            ssh += ["-i", key_path, "-o", "IdentitiesOnly=yes"]
        env["GIT_SSH_COMMAND"] = " ".join(ssh)
        env["GIT_CONFIG_COUNT"] = str(len(config))
        for index, (key, value) in enumerate(config.items()):
            env[f"GIT_CONFIG_KEY_{index}"] = key
            env[f"GIT_CONFIG_VALUE_{index}"] = value
        return env

    def _redact(self, text):
        text = text or ""
        for secret in (self.credentials.token, self.credentials.ssh_key):
            if secret:
                text = text.replace(secret, "***")
        if self.credentials.token:
            basic = base64.b64encode(
                f"x-access-token:{self.credentials.token}".encode()
            ).decode()
            text = text.replace(basic, "***")
        return text.strip()[-2000:]

    def _git(self, args, *, timeout=None, input_bytes=None, network=False):
        workdir = tempfile.mkdtemp(prefix="support-git-")
        try:
            env = self._environment(workdir)
            try:
                result = subprocess.run(
                    ["git", "--git-dir", self.path, *args],
                    input=input_bytes,
                    capture_output=True,
                    env=env,
                    timeout=timeout or self.timeout,
                    check=False,
                    cwd=workdir,
                )
            except subprocess.TimeoutExpired:
                raise GitError("timeout", str(timeout or self.timeout)) from None
            except FileNotFoundError:
                raise GitError("no-git", "git is not installed") from None
            if result.returncode:
                stderr = self._redact(result.stderr.decode("utf-8", "replace"))
                raise GitError(classify(stderr) if network else "git", stderr)
            return result.stdout
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    # -- fetching -----------------------------------------------------------

    def ensure(self):
        if not os.path.isdir(os.path.join(self.path, "objects")):
            os.makedirs(self.path, exist_ok=True)
            self._git(["init", "--quiet", "--bare"])

    def default_branch(self):
        out = self._git(
            ["ls-remote", "--symref", "--", self.url, "HEAD"], network=True
        ).decode("utf-8", "replace")
        for line in out.splitlines():
            if line.startswith("ref: ") and line.endswith("\tHEAD"):
                ref = line[len("ref: ") : -len("\tHEAD")]
                if ref.startswith("refs/heads/"):
                    return ref[len("refs/heads/") :]
        raise GitError("branch", "the remote has no default branch")

    def fetch(self, branch=""):
        """Fetch the head of ``branch`` (default: the remote's); return its sha."""
        self.ensure()
        branch = check_branch(branch) or self.default_branch()
        self._git(
            [
                "fetch",
                "--quiet",
                "--no-tags",
                "--no-recurse-submodules",
                "--no-write-fetch-head",
                "--depth=1",
                "--force",
                "--",
                self.url,
                f"+refs/heads/{branch}:{REMOTE_REF}",
            ],
            network=True,
        )
        return self.resolve(REMOTE_REF)

    def resolve(self, rev):
        out = self._git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"])
        return out.decode().strip()

    # -- reading --------------------------------------------------------------

    def tree_sha(self, commit):
        return self._git(["rev-parse", f"{commit}^{{tree}}"]).decode().strip()

    def tree(self, commit):
        """Every entry of the commit, recursively, trees included."""
        out = self._git(["ls-tree", "-r", "-t", "-l", "-z", "--full-tree", commit])
        entries = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _tab, path = record.partition(b"\t")
            mode, kind, sha, size = meta.split()
            entries.append(
                TreeEntry(
                    mode=mode.decode(),
                    kind=kind.decode(),
                    sha=sha.decode(),
                    size=int(size) if size != b"-" else -1,
                    path=path.decode("utf-8", "surrogateescape"),
                )
            )
        return entries

    def read_blobs(self, shas):
        """{sha: bytes} of the given blobs, read in one git process."""
        shas = list(dict.fromkeys(shas))
        if not shas:
            return {}
        out = self._git(
            ["cat-file", "--batch"], input_bytes=("\n".join(shas) + "\n").encode()
        )
        blobs = {}
        pos = 0
        for _sha in shas:
            header_end = out.index(b"\n", pos)
            header = out[pos:header_end].split()
            pos = header_end + 1
            if len(header) < 3 or header[1] != b"blob":
                continue
            size = int(header[2])
            blobs[header[0].decode()] = out[pos : pos + size]
            pos += size + 1
        return blobs


def classify(stderr):
    """The kind of a failed fetch, from git's message."""
    text = stderr.lower()
    if "could not find remote ref" in text or "couldn't find remote ref" in text:
        return "branch"
    if (
        "authentication failed" in text
        or "permission denied" in text
        or "could not read username" in text
        or "invalid username or password" in text
        or "403" in text
        or "401" in text
    ):
        return "auth"
    if "not found" in text or "does not appear to be a git repository" in text:
        return "not-found"
    if (
        "could not resolve host" in text
        or "connection refused" in text
        or "connection timed out" in text
        or "network is unreachable" in text
        or "failed to connect" in text
        or "could not read from remote repository" in text
    ):
        return "unreachable"
    return "git"
