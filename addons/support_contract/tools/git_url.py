"""Customers' git URLs and hosts, checked before git sees them.

- URLs: ``https://``, ``ssh://`` and ``user@host:path`` are accepted;
  ``ext::``, ``fd::``, ``file://``, local paths and anything git could read as
  an option are refused (local paths only when the caller allows them, for
  demo and tests). Branch names likewise (``check_branch``).
- Network policy: the host of a URL is resolved before every network call and
  refused when any of its addresses is loopback, private, link-local (cloud
  metadata included), shared, reserved or multicast, unless the caller allows
  that address or host; ``check_network`` returns the checked address, to
  which git is then pinned (``git_repo``).

``GitError`` is the error of every ``git_*`` module.
"""

import ipaddress
import os
import re
import socket

SCP_LIKE = re.compile(
    r"^(?P<user>[A-Za-z0-9._~-]+@)?(?P<host>[A-Za-z0-9.-]+):(?P<path>.+)$"
)
DEFAULT_PORTS = {"https": 443, "ssh": 22}


class GitError(Exception):
    """A repository problem a person can act on.

    ``kind`` names it for the caller's (translated) message; ``detail`` is
    git's own words with any credential removed.
    """

    def __init__(self, kind, detail=""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


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
