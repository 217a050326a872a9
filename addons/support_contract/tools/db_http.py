"""A bounded, policy-checked HTTP client of a customer's Odoo instance.

The address of the instance is checked by the repositories' network policy
(``git_url.check_network``) and the connection pinned to it; every request
is bounded in time and bytes (``Limits``), every answer's records checked
(``check_records``). ``ApiError`` is the error of every ``db_*`` module. The
protocols (JSON-2, XML-RPC) are in ``db_api``.
"""

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.parse
from dataclasses import dataclass

from . import git_url

READ_CONTEXT = {"active_test": False, "lang": "en_US"}


class ApiError(Exception):
    """Reading the instance failed; ``kind`` says why, ``detail`` is safe to
    show (it never holds the API key)."""

    def __init__(self, kind, detail=""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


@dataclass
class Limits:
    timeout: float = 30.0  # seconds per request
    seconds: float = 600.0  # seconds for the whole read
    max_records: int = 10000  # records of one kind
    max_bytes: int = 20 * 2**20  # bytes of one answer
    max_total_bytes: int = 256 * 2**20  # bytes of every answer of one count
    page: int = 200  # records per request


# What a record's fields may hold; anything else is a protocol error.
INTEGER_FIELDS = {"id", "res_id", "file_size"}
TEXT_FIELDS = {"module", "state", "name"}
BOOLEAN_FIELDS = {"imported"}


def parse_url(url):
    """(scheme, host, port, path prefix) of an instance URL."""
    parts = urllib.parse.urlsplit((url or "").strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ApiError("url", url or "")
    if parts.username or parts.password:
        raise ApiError("url-credentials", parts.hostname)
    try:
        port = parts.port or (443 if scheme == "https" else 80)
        git_url.check_host(parts.hostname)
    except (ValueError, git_url.GitError):
        raise ApiError("url", url) from None
    return scheme, parts.hostname.lower().rstrip("."), port, parts.path.rstrip("/")


def endpoint(url):
    """(scheme, host, port) the credentials of an instance belong to."""
    try:
        scheme, host, port, _prefix = parse_url(url)
    except ApiError:
        return "", "", None
    return scheme, host, port


def check_address(url, allowed=""):
    """The address to connect to for ``url`` after the network policy of
    repositories (loopback, private, link-local and metadata addresses
    refused unless ``allowed`` names them); plain http only to an address
    the policy allows explicitly (never across the internet)."""
    scheme, host, port, _prefix = parse_url(url)
    literal = f"[{host}]" if ":" in host else host
    try:
        _s, _h, _p, address = git_url.check_network(
            f"https://{literal}:{port}/", allowed
        )
    except git_url.GitError as error:
        raise ApiError(error.kind, error.detail) from None
    if scheme == "http" and ipaddress.ip_address(address).is_global:
        raise ApiError("insecure", host)
    return address


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the checked address, whatever the name resolves to now."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class Client:
    """Bounded reads from one instance; subclasses speak the protocol."""

    def __init__(self, url, database, key, login="", limits=None, allowed=""):
        self.url = url
        self.database = database
        self.login = login
        self._key = key
        self.limits = limits or Limits()
        self.scheme, self.host, self.port, self.prefix = parse_url(url)
        self.address = check_address(url, allowed)
        self.deadline = time.monotonic() + self.limits.seconds
        self.received = 0  # bytes of every answer so far

    def _redact(self, text):
        text = str(text or "")
        if self._key:
            text = text.replace(self._key, "***")
        return text[:500]

    def _post(self, path, body, headers):
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise ApiError("timeout", self.limits.seconds)
        cls = _PinnedHTTPS if self.scheme == "https" else _PinnedHTTP
        conn = cls(
            self.host,
            self.port,
            self.address,
            timeout=min(self.limits.timeout, remaining),
        )
        try:
            conn.request("POST", self.prefix + path, body, headers)
            response = conn.getresponse()
            data = bytearray()
            while True:
                chunk = response.read(65536)
                if not chunk:
                    break
                data += chunk
                self.received += len(chunk)
                if len(data) > self.limits.max_bytes:
                    raise ApiError("too-large", self.limits.max_bytes)
                if (
                    self.limits.max_total_bytes
                    and self.received > self.limits.max_total_bytes
                ):
                    raise ApiError("too-many-bytes", self.limits.max_total_bytes)
                if time.monotonic() > self.deadline:
                    raise ApiError("timeout", self.limits.seconds)
            return response.status, bytes(data)
        except TimeoutError:
            raise ApiError("timeout", self.limits.timeout) from None
        except ssl.SSLError as error:
            raise ApiError("tls", self._redact(error.reason or error)) from None
        except (OSError, http.client.HTTPException) as error:
            raise ApiError(
                "unreachable", self._redact(getattr(error, "strerror", None) or error)
            ) from None
        finally:
            conn.close()

    def check_total(self, model, total):
        if total > self.limits.max_records:
            raise ApiError("too-many-records", f"{model}: {self.limits.max_records}")

    def search_read(self, model, domain, fields_):
        """Every record of ``domain``, page by page, bounded."""
        records, offset = [], 0
        while True:
            page = self._search_read(
                model, list(domain), fields_, offset, self.limits.page
            )
            records += check_records(model, page, fields_)
            self.check_total(model, len(records))
            if len(page) < self.limits.page:
                return records
            offset += len(page)

    def field_names(self, model):
        result = self.call(model, "fields_get", [], {"attributes": ["type"]})
        if not isinstance(result, dict):
            raise ApiError("protocol", f"{model}.fields_get")
        return set(result)

    def read(self, model, ids, fields_):
        result = self.call(model, "read", [ids], {"fields": fields_})
        return check_records(model, result, fields_)

    def _search_read(self, model, domain, fields_, offset, limit):
        return self.call(
            model,
            "search_read",
            [],
            {
                "domain": domain,
                "fields": fields_,
                "offset": offset,
                "limit": limit,
                "order": "id",
            },
        )


def check_records(model, records, fields_):
    """``records`` as asked: a list of dicts with an integer id and every
    field of the expected type (text or False, integers, booleans); else
    ApiError('protocol'), whatever the instance sent."""
    if not isinstance(records, list):
        raise ApiError("protocol", f"{model}: not a list of records")
    for record in records:
        if not isinstance(record, dict):
            raise ApiError("protocol", f"{model}: a record is not an object")
        for name in ("id", *fields_):
            value = record.get(name)
            if name in INTEGER_FIELDS:
                ok = (type(value) is int) or (name != "id" and value is False)
            elif name in BOOLEAN_FIELDS:
                ok = isinstance(value, bool)
            elif name in TEXT_FIELDS:
                ok = isinstance(value, str)
            else:
                ok = value is False or value is None or isinstance(value, str)
            if not ok:
                raise ApiError("protocol", f"{model}.{name}: {type(value).__name__}")
    return records
