"""Read-only access to customers' git repositories, treated as hostile.

``GitRepository`` runs the ``git`` command, without the ORM:

- URLs, hosts and branch names are checked before git sees them
  (``git_url``), and git is pinned to the checked address (curl's resolve
  list for https, ssh's ``HostName`` for ssh), so a second resolution cannot
  send it elsewhere.
- git runs without a terminal prompt, without system or global configuration,
  without credential helpers or hooks, with only the allowed protocols, and
  with a timeout. Credentials travel in the environment, never on a command
  line, in a URL or in an error message; what git says is trimmed to its
  ``fatal:``/``error:`` lines.
- SSH host keys are pinned: the key seen on first contact is returned to the
  caller (``host_keys``) to be stored; once pinned, another key is refused.
- Fetches check every received object (``transfer.fsckObjects``).
- Only the fetched commit's objects are read, each verified (``git_objects``).
"""

import base64
import os
import shlex
import shutil
import tempfile
import threading
from dataclasses import dataclass

from .git_cache import remove_cache, tree_size
from .git_objects import LISTING_MAX, PATH_MAX, read_object, tree_entry, write_all
from .git_process import GitProcess, classify
from .git_url import GitError, check_branch, check_network, check_url, is_local_url

REMOTE_REF = "refs/support/head"


@dataclass(frozen=True)
class Credentials:
    token: str = ""
    ssh_key: str = ""


class GitRepository:
    """A bare cache of one remote repository under ``path``.

    ``allowed_networks``: addresses or host names allowed besides public
    ones. ``host_keys``: the pinned SSH known_hosts lines (empty: the first
    key seen is accepted and left in ``host_keys`` for the caller to store).
    """

    def __init__(
        self,
        path,
        url,
        credentials=None,
        timeout=120,
        allow_local=False,
        allowed_networks="",
        host_keys="",
        max_cache_bytes=0,
    ):
        self.path = path
        self.max_cache_bytes = max_cache_bytes
        self.url = check_url(url, allow_local=allow_local)
        self.credentials = credentials or Credentials()
        self.timeout = timeout
        self.allow_local = allow_local
        self.allowed_networks = allowed_networks
        self.host_keys = (host_keys or "").strip()
        self.host_key_learned = False
        self._pinned_address = None

    # -- running git ------------------------------------------------------

    def _environment(self, workdir, network=False):
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
            "GIT_NO_REPLACE_OBJECTS": "1",
            "GIT_PROTOCOL_FROM_USER": "0",
            "GIT_ALLOW_PROTOCOL": "https:ssh" + (":file" if self.allow_local else ""),
        }
        config = [
            ("credential.helper", ""),
            ("core.hooksPath", os.devnull),
            ("core.askPass", "/bin/false"),
            ("protocol.allow", "never"),
            ("protocol.https.allow", "always"),
            ("protocol.ssh.allow", "always"),
            ("protocol.file.allow", "always" if self.allow_local else "never"),
            ("submodule.recurse", "false"),
            ("fetch.recurseSubmodules", "false"),
            ("transfer.fsckObjects", "true"),
            ("fetch.fsckObjects", "true"),
            ("http.followRedirects", "false"),
            # Every received pack is written as it arrives (index-pack, never
            # unpacked in memory first), so its size on disk is watched.
            ("fetch.unpackLimit", "1"),
            ("transfer.unpackLimit", "1"),
        ]
        if self.credentials.token:
            basic = base64.b64encode(
                f"x-access-token:{self.credentials.token}".encode()
            ).decode()
            config.append(("http.extraHeader", f"Authorization: Basic {basic}"))
        pinned = self._pinned_address if network else None
        if pinned and pinned[0] == "https":
            _scheme, host, port, address = pinned
            if ":" in address:
                address = f"[{address}]"
            config.append(("http.curloptResolve", f"{host}:{port}:{address}"))
        known_hosts = os.path.join(workdir, "known_hosts")
        with open(known_hosts, "w") as handle:
            if self.host_keys:
                handle.write(self.host_keys + "\n")
        ssh = [
            "ssh",
            "-F",
            "/dev/null",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=" + ("yes" if self.host_keys else "accept-new"),
            "-o",
            f"UserKnownHostsFile={known_hosts}",
            "-o",
            "GlobalKnownHostsFile=/dev/null",
            "-o",
            "UpdateHostKeys=no",
            "-o",
            "CheckHostIP=no",
            "-o",
            "HashKnownHosts=no",
            "-o",
            "ConnectTimeout=20",
        ]
        if pinned and pinned[0] == "ssh":
            _scheme, host, _port, address = pinned
            ssh += ["-o", f"HostName={address}", "-o", f"HostKeyAlias={host}"]
        if self.credentials.ssh_key:
            key_path = os.path.join(workdir, "id_key")
            with open(os.open(key_path, os.O_WRONLY | os.O_CREAT, 0o600), "w") as key:
                key.write(self.credentials.ssh_key.strip() + "\n")
            ssh += ["-i", key_path, "-o", "IdentitiesOnly=yes"]
        # git runs GIT_SSH_COMMAND through a shell: every element quoted.
        env["GIT_SSH_COMMAND"] = " ".join(shlex.quote(part) for part in ssh)
        env["GIT_SSH_VARIANT"] = "ssh"
        env["GIT_CONFIG_COUNT"] = str(len(config))
        for index, (key, value) in enumerate(config):
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
        return text.strip()

    def _trim(self, text):
        """git's words that explain a failure: its fatal/error lines only.

        What the remote prints (``remote:`` banners, internal addresses,
        host key fingerprints) is never shown.
        """
        lines = [
            line.strip()
            for line in self._redact(text).splitlines()
            if line.strip().lower().startswith(("fatal:", "error:"))
        ]
        return "\n".join(line[:300] for line in lines[:3])

    def _start(self, args, workdir, timeout=None, network=False):
        env = self._environment(workdir, network=network)
        try:
            return GitProcess(
                ["git", "--git-dir", self.path, *args],
                env,
                workdir,
                timeout or self.timeout,
                watch=(self.path, self.max_cache_bytes) if network else None,
            )
        except FileNotFoundError:
            raise GitError("no-git", "git is not installed") from None

    def _git(self, args, *, timeout=None, input_bytes=None, network=False):
        workdir = tempfile.mkdtemp(prefix="support-git-")
        try:
            process = self._start(args, workdir, timeout=timeout, network=network)
            try:
                out, _err = process.proc.communicate(input=input_bytes)
                if network and self._over_cache_bound(process):
                    raise GitError("too-large-fetch", str(self.max_cache_bytes))
                if process.timed_out:
                    raise GitError("timeout", str(timeout or self.timeout))
                if process.proc.returncode:
                    stderr = process.error_text()
                    kind = classify(stderr) if network else "git"
                    raise GitError(kind, self._trim(stderr))
            finally:
                process.finish()
            if network and not self.host_keys:
                self._learn_host_keys(workdir)
            return out
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _over_cache_bound(self, process):
        if not self.max_cache_bytes:
            return False
        if process.too_large or "signal 25" in process.error_text():
            return True  # stopped by the watcher or by RLIMIT_FSIZE (SIGXFSZ)
        return tree_size(self.path) > self.max_cache_bytes

    def _learn_host_keys(self, workdir):
        try:
            with open(os.path.join(workdir, "known_hosts")) as handle:
                learned = handle.read().strip()
        except OSError:
            return
        if learned:
            self.host_keys = learned
            self.host_key_learned = True

    def _check_network(self):
        if is_local_url(self.url):
            self._pinned_address = None
            return
        self._pinned_address = check_network(self.url, self.allowed_networks)

    # -- fetching -----------------------------------------------------------

    def ensure(self):
        if not os.path.isdir(os.path.join(self.path, "objects")):
            os.makedirs(self.path, exist_ok=True)
            self._git(["init", "--quiet", "--bare"])

    def default_branch(self):
        self._check_network()
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
        """Fetch the head of ``branch`` (default: the remote's); return its sha.

        When the fetch fails (a bound included) the cache is removed: what a
        hostile remote sent is not kept."""
        try:
            return self._fetch(branch)
        except GitError:
            remove_cache(self.path)
            raise

    def _fetch(self, branch):
        self.ensure()
        branch = check_branch(branch) or self.default_branch()
        self._check_network()
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
        sha = self.resolve(REMOTE_REF)
        os.utime(self.path)  # last fetched now (stale caches are pruned)
        return sha

    def resolve(self, rev):
        out = self._git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"])
        return out.decode().strip()

    # -- reading --------------------------------------------------------------

    def tree_sha(self, commit):
        return self._git(["rev-parse", f"{commit}^{{tree}}"]).decode().strip()

    def tree(self, commit, max_entries=0, max_bytes=LISTING_MAX):
        """Every entry of the commit, recursively, trees included.

        git's listing is read as it comes; beyond ``max_entries`` entries or
        ``max_bytes`` bytes git is stopped and GitError('too-many-entries')
        raised; a path over PATH_MAX bytes is refused.
        """
        workdir = tempfile.mkdtemp(prefix="support-git-")
        entries = []
        try:
            process = self._start(
                ["ls-tree", "-r", "-t", "-l", "-z", "--full-tree", commit], workdir
            )
            try:
                process.proc.stdin.close()
                stream = process.proc.stdout
                pending = b""
                read = 0
                while True:
                    chunk = stream.read1(1 << 16)
                    if not chunk:
                        break
                    read += len(chunk)
                    if max_bytes and read > max_bytes:
                        raise GitError("too-many-entries", str(max_entries))
                    records = (pending + chunk).split(b"\0")
                    pending = records.pop()
                    if len(pending) > PATH_MAX + 128:
                        raise GitError("object", "a path longer than PATH_MAX")
                    for record in records:
                        entries.append(tree_entry(record))
                        if max_entries and len(entries) > max_entries:
                            raise GitError("too-many-entries", str(max_entries))
                process.proc.wait()
                if process.timed_out:
                    raise GitError("timeout", str(self.timeout))
                if process.proc.returncode or pending:
                    raise GitError("git", self._trim(process.error_text()))
            finally:
                process.finish()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return entries

    def read_blobs(self, shas, sizes=None, max_size=0, budget=None):
        """{sha: bytes} of the given blobs, read in one git process.

        Each answer is checked: the id git announces must be the one asked
        for, its type ``blob``, its size the expected one (``sizes``) and at
        most ``max_size``, and the content must hash to the id; any other
        answer stops the read with GitError('object'). ``budget`` (an
        object with ``take(size)``) bounds the bytes of the whole count.
        """
        shas = list(dict.fromkeys(shas))
        if not shas:
            return {}
        sizes = sizes or {}
        workdir = tempfile.mkdtemp(prefix="support-git-")
        blobs = {}
        try:
            process = self._start(["cat-file", "--batch"], workdir)
            writer = threading.Thread(
                target=write_all,
                args=(process.proc.stdin, ("\n".join(shas) + "\n").encode()),
                daemon=True,
            )
            writer.start()
            try:
                stream = process.proc.stdout
                for sha in shas:
                    blobs[sha] = read_object(stream, sha, sizes, max_size, budget)
            except GitError:
                if process.timed_out:
                    raise GitError("timeout", str(self.timeout)) from None
                raise
            finally:
                process.finish()
                writer.join(5)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return blobs
