"""Read-only access to customers' git repositories, treated as hostile.

Plain functions around the ``git`` command, without the ORM:

- URLs are checked before git sees them: ``https://``, ``ssh://`` and
  ``user@host:path`` are accepted; ``ext::``, ``fd::``, ``file://``, local
  paths and anything git could read as an option are refused (local paths
  only when the caller allows them, for demo and tests).
- Network policy: the host of a URL is resolved before every network call and
  refused when any of its addresses is loopback, private, link-local (cloud
  metadata included), shared, reserved or multicast, unless the caller allows
  that address or host; git is then pinned to the checked address (curl's
  resolve list for https, ssh's ``HostName`` for ssh), so a second resolution
  cannot send it elsewhere.
- git runs without a terminal prompt, without system or global configuration,
  without credential helpers or hooks, with only the allowed protocols, and
  with a timeout. Credentials travel in the environment, never on a command
  line, in a URL or in an error message; what git says is trimmed to its
  ``fatal:``/``error:`` lines.
- SSH host keys are pinned: the key seen on first contact is returned to the
  caller (``host_keys``) to be stored; once pinned, another key is refused.
- Fetches check every received object (``transfer.fsckObjects``).
- Only the fetched commit's objects are read (``ls-tree``, ``cat-file``):
  nothing is checked out, so symbolic links and submodules are never followed.
  Every object read is verified: the id, type and size git announces must be
  the ones asked for, and the content must hash to the id.
"""

import base64
import contextlib
import hashlib
import ipaddress
import os
import re
import resource
import shlex
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

REMOTE_REF = "refs/support/head"
SCP_LIKE = re.compile(
    r"^(?P<user>[A-Za-z0-9._~-]+@)?(?P<host>[A-Za-z0-9.-]+):(?P<path>.+)$"
)
HASHES = {40: "sha1", 64: "sha256"}
HEADER_MAX = 256  # bytes of one ``cat-file --batch`` header line
DEFAULT_PORTS = {"https": 443, "ssh": 22}
PATH_MAX = 4096  # bytes of one path in a tree listing
LISTING_MAX = 64 * 2**20  # bytes of a whole tree listing
WATCH_INTERVAL = 0.02  # seconds between two looks at a fetch's cache size


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
        _check_authority(url)
        return url
    if lowered.startswith("ssh://"):
        rest = url[len("ssh://") :]
        authority = rest.split("/", 1)[0]
        if ":" in authority.split("@")[0] and "@" in authority:
            raise GitError("url-credentials", "password in the URL")
        if not authority or "/" not in rest or authority.startswith("-"):
            raise GitError("url", "no host or path")
        _check_authority(url)
        return url
    return _check_other_url(url, lowered, allow_local)


def _check_authority(url):
    """The host of an https:// or ssh:// URL is a name or an IP literal,
    and its port digits."""
    scheme = url.split("://", 1)[0].lower()
    authority = url[len(scheme) + 3 :].split("/", 1)[0]
    hostport = authority.rsplit("@", 1)[-1]
    if hostport.startswith("["):
        host, _sep, rest = hostport.partition("]")
        host += "]"
        port = rest[1:] if rest.startswith(":") else rest
    else:
        host, _sep, port = hostport.partition(":")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        raise GitError("url", "invalid port")
    check_host(host)


def _check_other_url(url, lowered, allow_local):
    if "://" in url:
        if lowered.startswith("file://") and allow_local:
            return url
        raise GitError("url", "protocol not allowed")
    match = SCP_LIKE.match(url)
    if match and "/" not in match.group("host") and not url.startswith("/"):
        if match.group("host").startswith("-"):
            raise GitError("url", "host starts with '-'")
        check_host(match.group("host"))
        return url
    if allow_local and os.path.isabs(url) and os.path.isdir(url):
        return url
    if os.path.isabs(url) or url.startswith(".") or "/" in url or os.sep in url:
        raise GitError("url-local", "local paths are not allowed")
    raise GitError("url", "not a git URL")


def is_local_url(url):
    url = (url or "").strip()
    return url.lower().startswith("file://") or os.path.isabs(url)


def local_path(url):
    url = (url or "").strip()
    if url.lower().startswith("file://"):
        url = url[len("file://") :]
    return os.path.realpath(url)


def url_endpoint(url):
    """(scheme, host, port) a URL connects to; ("file", "", None) for a path.

    Credentials belong to this endpoint: when it changes they must go.
    """
    url = (url or "").strip()
    lowered = url.lower()
    for scheme in ("https", "ssh"):
        if lowered.startswith(f"{scheme}://"):
            authority = url[len(scheme) + 3 :].split("/", 1)[0]
            hostport = authority.rsplit("@", 1)[-1]
            if hostport.startswith("["):
                host, _sep, rest = hostport[1:].partition("]")
                port = rest[1:] if rest.startswith(":") else ""
            else:
                host, _sep, port = hostport.partition(":")
            try:
                port = int(port) if port else DEFAULT_PORTS[scheme]
            except ValueError:
                port = DEFAULT_PORTS[scheme]
            return scheme, host.lower().rstrip("."), port
    if "://" in url or is_local_url(url):
        return "file", "", None
    match = SCP_LIKE.match(url)
    if match:
        return "ssh", match.group("host").lower().rstrip("."), 22
    return "", "", None


def parse_allowed_networks(text):
    """Networks and host names from a comma/space/line separated list."""
    networks, hosts = [], set()
    for item in re.split(r"[\s,;]+", text or ""):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            hosts.add(item.lower().rstrip("."))
    return networks, hosts


# IPv6 prefixes that carry an IPv4 address in their last 32 bits: NAT64
# (RFC 6052 well-known prefix, RFC 8215 local-use prefix) and the deprecated
# IPv4-compatible addresses.
NAT64_PREFIXES = (
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
    ipaddress.ip_network("::/96"),
)
HOST_NAME = re.compile(r"\A[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\Z")


def embedded_ipv4(address):
    """The IPv4 addresses an IPv6 address leads to (IPv4-mapped, 6to4,
    Teredo server and client, NAT64, IPv4-compatible): a packet to it may
    reach them, so they are checked by the IPv4 rule too."""
    if address.version != 6:
        return []
    found = []
    if address.ipv4_mapped:
        found.append(address.ipv4_mapped)
    if address.sixtofour:
        found.append(address.sixtofour)
    if address.teredo:
        found.extend(address.teredo)
    if any(address in prefix for prefix in NAT64_PREFIXES) and int(address) >> 32:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    elif address in NAT64_PREFIXES[2] and int(address) > 1:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def _refused_address(address):
    for candidate in [address, *embedded_ipv4(address)]:
        if not candidate.is_global or candidate.is_multicast:
            return True
    return False


def check_host(host):
    """A host name (letters, digits, dots, hyphens) or an IP literal; else
    GitError('url'): nothing else may reach git, ssh or a shell."""
    host = (host or "").strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    if not HOST_NAME.match(host) or ".." in host:
        raise GitError("url", "invalid host name")
    return host


def check_network(url, allowed="", resolve=None):
    """The address git must connect to for ``url``, after the policy.

    Raises GitError('network', host) when the host resolves to an address
    that is not a public one and is not allowed (``allowed``: CIDRs or host
    names), or GitError('unreachable') when it does not resolve.
    """
    scheme, host, port = url_endpoint(url)
    if scheme not in ("https", "ssh") or not host:
        raise GitError("url", "no host")
    networks, hosts = parse_allowed_networks(allowed)
    resolve = resolve or socket.getaddrinfo
    try:
        infos = resolve(host, port, 0, socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise GitError("unreachable", f"could not resolve host {host}") from None
    addresses = []
    for info in infos:
        text = info[4][0].split("%", 1)[0]
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            continue
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise GitError("unreachable", f"could not resolve host {host}")
    if host not in hosts:
        for address in addresses:
            if _refused_address(address) and not any(
                address in network for network in networks
            ):
                raise GitError("network", host)
    return scheme, host, port, str(addresses[0])


def tree_size(path):
    """Bytes of the files under ``path`` (what a cache takes on disk)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


def remove_cache(path):
    """Remove a repository's cache: renamed first (one atomic step, so a
    process killed halfway leaves no half cache that looks whole), then
    deleted. Safe to call twice."""
    if not os.path.lexists(path):
        return
    trash = f"{path}.removed-{os.getpid()}-{threading.get_ident()}"
    try:
        os.rename(path, trash)
    except OSError:
        trash = path
    shutil.rmtree(trash, ignore_errors=True)


class _Process:
    """A git process with a watchdog; its stderr goes to a file.

    ``watch``: (folder, max bytes): git is stopped as soon as the folder
    grows past it (``too_large``), and no file it writes may be larger
    (RLIMIT_FSIZE, the kernel's bound)."""

    def __init__(self, args, env, cwd, timeout, watch=None):
        self.stderr = tempfile.TemporaryFile(dir=cwd)
        self.timed_out = False
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=env,
            cwd=cwd,
            close_fds=True,
        )
        self.timer = threading.Timer(timeout, self._expire)
        self.timer.daemon = True
        self.timer.start()
        self.too_large = False
        self.watcher = None
        if watch and watch[1]:
            folder, limit = watch
            with contextlib.suppress(OSError, ValueError):
                resource.prlimit(
                    self.proc.pid, resource.RLIMIT_FSIZE, (limit + 1, limit + 1)
                )
            self.watcher = threading.Thread(
                target=self._watch, args=(folder, limit), daemon=True
            )
            self.watcher.start()

    def _watch(self, folder, limit):
        while self.proc.poll() is None:
            if tree_size(folder) > limit:
                self.too_large = True
                self.kill()
                return
            time.sleep(WATCH_INTERVAL)

    def _expire(self):
        self.timed_out = True
        self.kill()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()

    def error_text(self):
        self.stderr.seek(0)
        return self.stderr.read(65536).decode("utf-8", "replace")

    def finish(self):
        self.timer.cancel()
        self.kill()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.proc.wait()
        self.stderr.close()


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
            return _Process(
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
                        entries.append(_tree_entry(record))
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
                target=_write_all,
                args=(process.proc.stdin, ("\n".join(shas) + "\n").encode()),
                daemon=True,
            )
            writer.start()
            try:
                stream = process.proc.stdout
                for sha in shas:
                    blobs[sha] = _read_object(stream, sha, sizes, max_size, budget)
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


def _write_all(stream, data):
    try:
        stream.write(data)
        stream.close()
    except (OSError, ValueError):
        pass  # git stopped (checked by the reader)


def _tree_entry(record):
    meta, tab, path = record.partition(b"\t")
    fields = meta.split()
    if not tab or len(fields) != 4:
        raise GitError("object", "malformed tree listing")
    if len(path) > PATH_MAX:
        raise GitError("object", "a path longer than PATH_MAX")
    mode, kind, sha, size = fields
    return TreeEntry(
        mode=mode.decode(),
        kind=kind.decode(),
        sha=sha.decode(),
        size=int(size) if size != b"-" else -1,
        path=path.decode("utf-8", "surrogateescape"),
    )


def _read_object(stream, sha, sizes, max_size, budget):
    header = stream.readline(HEADER_MAX)
    if not header.endswith(b"\n"):
        raise GitError("object", f"{sha}: no answer from git")
    parts = header.split()
    if len(parts) == 2 and parts[1] == b"missing":
        raise GitError("object", f"{sha}: missing")
    if len(parts) != 3 or not parts[2].isdigit():
        raise GitError("object", f"{sha}: malformed answer")
    got, kind, size = parts[0].decode("ascii", "replace"), parts[1], int(parts[2])
    if got != sha:
        raise GitError("object", f"{sha}: git answered for {got}")
    if kind != b"blob":
        raise GitError(
            "object", f"{sha}: a {kind.decode('ascii', 'replace')} where a file was"
        )
    if sha in sizes and sizes[sha] != size:
        raise GitError("object", f"{sha}: size {size}, listed as {sizes[sha]}")
    if max_size and size > max_size:
        raise GitError("object", f"{sha}: {size} bytes")
    if budget is not None:
        budget.take(size)
    data = stream.read(size)
    if len(data) != size or stream.read(1) != b"\n":
        raise GitError("object", f"{sha}: truncated")
    algorithm = HASHES.get(len(sha))
    if not algorithm:
        raise GitError("object", f"{sha}: not an object id")
    digest = hashlib.new(algorithm, b"blob %d\0" % size)
    digest.update(data)
    if digest.hexdigest() != sha:
        raise GitError("object", f"{sha}: content does not match its id")
    return data


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


def classify(stderr):
    """The kind of a failed fetch, from git's message."""
    text = stderr.lower()
    if "remote host identification has changed" in text or (
        "host key verification failed" in text
    ):
        return "host-key"
    if (
        "fsck" in text
        or "invalid tree" in text
        or "index-pack failed" in text
        or "is a blob, not a tree" in text
        or "is a tree, not a blob" in text
        or "bad object" in text
    ):
        return "corrupt"
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
