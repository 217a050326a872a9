"""Odoo's count of a database's customizations, read through its external API.

``odoo-bin cloc -d <database>`` adds to the custom modules on disk what
``odoo.tools.cloc.Cloc.count_customization`` reads in the database: server
actions with code, manual computed fields, and the QWeb views and assets of
modules imported with base_import_module. This module reads exactly those
records from a customer's instance (JSON-2 on Odoo 19 and later, XML-RPC
before) and counts them with Odoo's own parsers the way Odoo does:

- :func:`read_customization` reads the records (bounded: time, number of
  records, bytes per answer; addresses checked by the repositories' network
  policy);
- :func:`count` books them in an ``odoo.tools.cloc.Cloc``, per module (the
  imported module, or ``odoo/studio``), items named as Odoo names them;
- :func:`module_counts` turns the result into the suite's per-module counts.

Nothing here touches the ORM: it is plain data in, plain data out.
"""

import base64
import http.client
import ipaddress
import json
import os
import re
import socket
import ssl
import time
import urllib.parse
import xml.parsers.expat
import xmlrpc.client
from dataclasses import dataclass, field

from odoo.tools import cloc as odoo_cloc

from . import cloc_pool, cloc_rules, git_url
from .cloc_rules import ModuleCount

STUDIO = "odoo/studio"
EXCLUDE = "__cloc_exclude__"
STUDIO_MODULE = "studio_customization"
ASSET_NAME = re.compile(r"\.(js|xml|css|scss)\Z")
CHUNK = 500
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
# Texts and files are handed to the parser in slices of about this size.
PARSE_SLICE = 8 * 2**20


@dataclass
class Customization:
    """What ``count_customization`` reads, as plain data."""

    has_imported: bool = False
    # module name -> {"imported": bool, "state": str}, for every module name
    # that exists in ir_module_module among the ones looked up
    modules: dict = field(default_factory=dict)
    # (model, res_id) -> [module of each ir.model.data row]
    xmlids: dict = field(default_factory=dict)
    actions: list = field(default_factory=list)  # {id, name, code}
    fields: list = field(default_factory=list)  # {id, name, compute}
    views: list = field(default_factory=list)  # {id, name, arch_base} (qweb)
    attachments: list = field(default_factory=list)  # {id, name, url, raw|None, size}


# ----------------------------------------------------------------------
# Counting (Odoo's rules, Odoo's parsers)
# ----------------------------------------------------------------------


class ItemParser:
    """Counts texts and files with Odoo's parsers in the bounded worker
    processes of the repositories' count (time and memory per item), as
    they arrive: only the results are kept, never the contents.

    ``add`` returns a key; ``result(key)`` is ``(code, total)`` or
    ``(-1, reason)``. Past ``deadline`` (``time.monotonic()``) it raises
    ApiError('timeout').
    """

    def __init__(self, pool=None, deadline=None, slice_bytes=PARSE_SLICE):
        self.own_pool = pool is None
        self.pool = pool or cloc_pool.WorkerPool()
        self.deadline = deadline
        self.slice_bytes = slice_bytes
        self.pending = []
        self.pending_bytes = 0
        self.results = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        self.pending = []
        if self.own_pool:
            self.pool.close()

    def add(self, content, ext, encoding="latin1"):
        if isinstance(content, str):
            data = content.encode("utf-8", "surrogatepass")
            encoding = "utf-8"
        else:
            data = bytes(content or b"")
        key = len(self.results) + len(self.pending)
        self.pending.append((key, ext, data, encoding))
        self.pending_bytes += len(data)
        if self.pending_bytes >= self.slice_bytes:
            self.flush()
        return key

    def flush(self):
        tasks, self.pending, self.pending_bytes = self.pending, [], 0
        if not tasks:
            return
        try:
            self.results.update(self.pool.parse(tasks, deadline=self.deadline))
        except cloc_rules.CountError:
            raise ApiError("timeout", "") from None

    def result(self, key):
        if key not in self.results:
            self.flush()
        return tuple(self.results[key])


def _parsed(parser, content, ext, encoding="latin1"):
    """The count of ``content`` (or of what the parser already holds for it:
    an ``("parsed", key)`` left by :func:`read_customization`)."""
    if isinstance(content, tuple) and content and content[0] == "parsed":
        return parser.result(content[1])
    return parser.result(parser.add(content or "", ext, encoding))


def count(data, cloc=None, parser=None):
    """Book ``data`` (a :class:`Customization`) in an odoo.tools.cloc.Cloc
    exactly as ``Cloc.count_customization`` books the same records; every
    text is parsed by ``parser`` (an :class:`ItemParser`; its own when not
    given), never in this process."""
    if parser is None:
        with ItemParser() as own:
            return _book(data, cloc or odoo_cloc.Cloc(), own)
    return _book(data, cloc or odoo_cloc.Cloc(), parser)


def _book(data, cloc, parser):
    modules = data.modules

    def imported(name):
        return bool(modules.get(name, {}).get("imported"))

    def imported_installed(name):
        return imported(name) and modules[name].get("state") == "installed"

    # Server actions with code: kept unless every external id belongs to a
    # known module that is not an installed imported one.
    for action in sorted(data.actions, key=lambda a: a["id"]):
        rows = data.xmlids.get(("ir.actions.server", action["id"])) or [None]
        kept = [
            m
            for m in rows
            if m is None
            or m not in modules
            or (data.has_imported and imported_installed(m))
        ]
        if not kept:
            continue
        known = [m for m in kept if m is not None and m in modules]
        cloc.book(
            min(known) if known else STUDIO,
            "ir.actions.server/{}: {}".format(action["id"], action["name"]),
            _parsed(parser, action["code"], ".py"),
            EXCLUDE in kept,
        )

    # Manual computed fields; Studio's generated ones (an external id in
    # studio_customization, a name not x_studio_*) are not counted.
    for rec in sorted(data.fields, key=lambda f: f["id"]):
        rows = data.xmlids.get(("ir.model.fields", rec["id"])) or [None]
        if STUDIO_MODULE in rows and not rec["name"].startswith("x_studio"):
            continue
        module = None
        if data.has_imported:
            names = [m for m in rows if m is not None and imported_installed(m)]
            module = min(names) if names else None
        cloc.book(
            module or STUDIO,
            "ir.model.fields/{}: {}".format(rec["id"], rec["name"]),
            _parsed(parser, rec["compute"], ".py"),
            EXCLUDE in rows,
        )

    if not data.has_imported:
        return cloc

    # QWeb views of imported modules (Studio's left out).
    for view in sorted(data.views, key=lambda v: v["id"]):
        rows = [
            m
            for m in data.xmlids.get(("ir.ui.view", view["id"]), [])
            if m != STUDIO_MODULE
        ]
        names = [m for m in rows if imported(m)]
        if not names:
            continue
        module = min(names)
        cloc.book(
            module,
            "/{}/views/{}.xml".format(module, view["name"]),
            _parsed(parser, view["arch_base"], ".xml"),
            EXCLUDE in rows,
        )

    # JS, XML, CSS and SCSS files of imported modules.
    for attach in sorted(data.attachments, key=lambda a: a["id"]):
        if not ASSET_NAME.search(attach["name"] or ""):
            continue
        rows = data.xmlids.get(("ir.attachment", attach["id"]), [])
        names = [m for m in rows if imported(m)]
        if not names:
            continue
        module = min(names)
        url = attach["url"] or ""
        ext = os.path.splitext(url)[1].lower()
        if ext not in odoo_cloc.VALID_EXTENSION:
            continue
        if base64_size(attach["size"]) > odoo_cloc.MAX_FILE_SIZE:
            cloc.book(module, url, (-1, "Max file size exceeded"))
            continue
        cloc.book(module, url, _parsed(parser, attach["raw"], ext), EXCLUDE in rows)
    return cloc


def base64_size(size):
    """Length of the base64 text of ``size`` bytes (what Odoo compares)."""
    return 4 * ((int(size or 0) + 2) // 3)


def module_counts(cloc):
    """[ModuleCount] of a Cloc, one per module (errors included)."""
    names = sorted(set(cloc.modules) | set(cloc.errors) | set(cloc.excluded))
    return [
        ModuleCount(
            name=name,
            path=name,
            code=cloc.code.get(name, 0),
            total=cloc.total.get(name, 0),
            errors={
                item: str(reason) for item, reason in cloc.errors.get(name, {}).items()
            },
            # Items the customer marked __cloc_exclude__: counted aside.
            declared_files=len(cloc.excluded.get(name, {})),
            declared_code=sum(c[0] for c in cloc.excluded.get(name, {}).values()),
            declared_total=sum(c[1] for c in cloc.excluded.get(name, {}).values()),
        )
        for name in names
    ]


def items(cloc):
    """{module: {item: (code, total)}}: what was counted, item by item."""
    return {module: dict(entries) for module, entries in cloc.modules.items()}


# ----------------------------------------------------------------------
# Reading
# ----------------------------------------------------------------------


def read_customization(client, parser=None):
    """Read through ``client`` the records ``count_customization`` reads.

    With ``parser`` (an :class:`ItemParser`) every text and file is handed
    to it as it arrives and only its key is kept (files are streamed to the
    parser, not kept). Any answer of an unexpected shape (malformed or too
    deeply nested, wrong types) is ApiError('protocol')."""
    try:
        return _read_customization(client, parser)
    except ApiError:
        raise
    except (TypeError, KeyError, AttributeError, ValueError, RecursionError) as error:
        raise ApiError("protocol", type(error).__name__) from None


def _hand_over(parser, records, name, ext):
    """Texts of ``records`` handed to the parser as they arrive."""
    if parser is None:
        return records
    for record in records:
        record[name] = ("parsed", parser.add(record[name] or "", ext))
    return records


def _read_customization(client, parser):
    data = Customization()
    data.has_imported = "imported" in client.field_names("ir.module.module")
    data.actions = _hand_over(
        parser,
        client.search_read(
            "ir.actions.server", [("state", "=", "code")], ["name", "code"]
        ),
        "code",
        ".py",
    )
    data.fields = _hand_over(
        parser,
        client.search_read(
            "ir.model.fields",
            [("state", "=", "manual"), ("compute", "!=", False)],
            ["name", "compute"],
        ),
        "compute",
        ".py",
    )
    _load_xmlids(client, data, "ir.actions.server", [a["id"] for a in data.actions])
    _load_xmlids(client, data, "ir.model.fields", [f["id"] for f in data.fields])
    if data.has_imported:
        for module in client.search_read(
            "ir.module.module", [("imported", "=", True)], ["name", "state"]
        ):
            data.modules[module["name"]] = {
                "imported": True,
                "state": module["state"],
            }
        imported = sorted(data.modules)
        if imported:
            view_ids = _xmlid_res_ids(client, "ir.ui.view", imported)
            _load_xmlids(client, data, "ir.ui.view", view_ids)
            data.views = _hand_over(
                parser,
                _read_ids(
                    client,
                    "ir.ui.view",
                    view_ids,
                    ["name", "arch_base"],
                    [("type", "=", "qweb")],
                ),
                "arch_base",
                ".xml",
            )
            attach_ids = _xmlid_res_ids(client, "ir.attachment", imported)
            _load_xmlids(client, data, "ir.attachment", attach_ids)
            data.attachments = _read_attachments(client, attach_ids, parser)
    # Every module an external id names: does it exist, is it imported?
    names = sorted(
        {m for rows in data.xmlids.values() for m in rows} - set(data.modules)
    )
    fields_ = ["name", "state"] + (["imported"] if data.has_imported else [])
    for chunk in _chunks(names):
        for module in client.search_read(
            "ir.module.module", [("name", "in", chunk)], fields_
        ):
            data.modules[module["name"]] = {
                "imported": bool(module.get("imported")),
                "state": module["state"],
            }
    return data


def _chunks(values, size=CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _load_xmlids(client, data, model, ids):
    for chunk in _chunks(sorted(set(ids))):
        for row in client.search_read(
            "ir.model.data",
            [("model", "=", model), ("res_id", "in", chunk)],
            ["module", "res_id"],
        ):
            data.xmlids.setdefault((model, row["res_id"]), []).append(row["module"])


def _xmlid_res_ids(client, model, modules):
    ids = set()
    for chunk in _chunks(modules):
        for row in client.search_read(
            "ir.model.data",
            [("model", "=", model), ("module", "in", chunk)],
            ["res_id"],
        ):
            ids.add(row["res_id"])
    return sorted(ids)


def _read_ids(client, model, ids, fields_, domain=()):
    records = []
    for chunk in _chunks(ids):
        records += client.search_read(model, [("id", "in", chunk), *domain], fields_)
        client.check_total(model, len(records))
    return records


def _read_attachments(client, ids, parser=None):
    attachments = _read_ids(client, "ir.attachment", ids, ["name", "url", "file_size"])
    result = []
    for attach in attachments:
        record = {
            "id": attach["id"],
            "name": attach["name"] or "",
            "url": attach["url"] or "",
            "size": attach["file_size"] or 0,
            "raw": None,
        }
        ext = os.path.splitext(record["url"])[1].lower()
        if (
            ASSET_NAME.search(record["name"])
            and ext in odoo_cloc.VALID_EXTENSION
            and base64_size(record["size"]) <= odoo_cloc.MAX_FILE_SIZE
        ):
            rows = client.read("ir.attachment", [attach["id"]], ["datas"])
            datas = rows[0]["datas"] if rows else False
            # Odoo's bound is on the data that arrived, not on the size the
            # instance claims: a file over it is not parsed.
            if len(datas or "") > odoo_cloc.MAX_FILE_SIZE:
                record["size"] = odoo_cloc.MAX_FILE_SIZE
            else:
                raw = _b64decode(datas)
                record["size"] = len(raw)
                if parser is not None:
                    raw = ("parsed", parser.add(raw, ext))
                record["raw"] = raw
            del datas, rows
        result.append(record)
    return result


def _b64decode(datas):
    if not datas:
        return b""
    if not isinstance(datas, (str, bytes)):
        raise ApiError("protocol", "an attachment is not text")
    try:
        return base64.b64decode(datas, validate=True)
    except (ValueError, TypeError):
        raise ApiError("protocol", "an attachment is not valid base64") from None


# ----------------------------------------------------------------------
# Clients
# ----------------------------------------------------------------------


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


class Json2Client(Client):
    """Odoo 19 and later: POST /json/2/<model>/<method>, bearer API key."""

    def call(self, model, method, args, kwargs):
        payload = dict(kwargs, context=READ_CONTEXT)
        if method == "read":
            payload["ids"] = args[0]
        body = json.dumps(payload).encode()
        status, data = self._post(
            f"/json/2/{model}/{method}",
            body,
            {
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"bearer {self._key}",
                "X-Odoo-Database": self.database,
                "User-Agent": "support_contract database count",
            },
        )
        try:
            result = json.loads(data) if data else None
        except (ValueError, RecursionError):
            if status == 200:
                raise ApiError("protocol", "JSON-2: not JSON") from None
            result = None
        if status == 200 and result is not None:
            return result
        message = result.get("message") if isinstance(result, dict) else ""
        if status == 401:
            raise ApiError("auth", self._redact(message))
        if status == 403:
            raise ApiError("access", self._redact(message))
        if status == 404:
            raise ApiError("not-found", self._redact(message) or f"HTTP {status}")
        raise ApiError("server", self._redact(message) or f"HTTP {status}")


class XmlRpcClient(Client):
    """Before Odoo 19: XML-RPC on /xmlrpc/2/common and /xmlrpc/2/object."""

    _uid = None

    def _rpc(self, path, method, params):
        body = xmlrpc.client.dumps(params, method, allow_none=True).encode()
        status, data = self._post(
            path,
            body,
            {
                "Content-Type": "text/xml",
                "User-Agent": "support_contract database count",
            },
        )
        if status == 404:
            raise ApiError("not-found", f"HTTP {status}")
        if status != 200:
            raise ApiError("server", f"HTTP {status}")
        try:
            return xmlrpc.client.loads(data, use_builtin_types=True)[0][0]
        except xmlrpc.client.Fault as fault:
            text = str(fault.faultString or "")
            if "AccessDenied" in text or "Access Denied" in text:
                raise ApiError("auth", "") from None
            if "AccessError" in text:
                raise ApiError(
                    "access", self._redact(text.strip().splitlines()[-1])
                ) from None
            raise ApiError(
                "server", self._redact((text.strip().splitlines() or [""])[-1])
            ) from None
        except (
            ValueError,
            IndexError,
            TypeError,
            RecursionError,
            xml.parsers.expat.ExpatError,
            xmlrpc.client.ResponseError,
        ):
            raise ApiError("protocol", "XML-RPC") from None

    def uid(self):
        if self._uid is None:
            uid = self._rpc(
                "/xmlrpc/2/common",
                "authenticate",
                (self.database, self.login, self._key, {}),
            )
            if not uid:
                raise ApiError("auth", "")
            self._uid = uid
        return self._uid

    def call(self, model, method, args, kwargs):
        kwargs = dict(kwargs, context=READ_CONTEXT)
        if method == "read":
            args = [args[0]]
        return self._rpc(
            "/xmlrpc/2/object",
            "execute_kw",
            (self.database, self.uid(), self._key, model, method, args, kwargs),
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


def uses_json2(version):
    """JSON-2 from Odoo 19 on (or when the version is not known)."""
    match = re.match(r"\s*(?:saas~)?(\d+)", version or "")
    return not match or int(match.group(1)) >= 19


def client_for(version, url, database, key, login="", limits=None, allowed=""):
    """A bounded client of an instance (JSON-2 or XML-RPC by its version),
    its address checked by the network policy: ``client.call(model, method,
    args, kwargs)`` is one bounded call; see :func:`call`."""
    cls = Json2Client if uses_json2(version) else XmlRpcClient
    return cls(url, database, key, login=login, limits=limits, allowed=allowed)


def call(client, model, method, args=(), kwargs=None):
    """One bounded, policy-checked call through ``client`` (see
    :func:`client_for`): whatever goes wrong, including an answer of an
    unexpected shape, is an ApiError (``protocol`` for the latter)."""
    try:
        return client.call(model, method, list(args), dict(kwargs or {}))
    except ApiError:
        raise
    except (TypeError, KeyError, AttributeError, ValueError, RecursionError) as error:
        raise ApiError("protocol", type(error).__name__) from None


class LocalReader:
    """Reads the same records from the server's own database through the
    ORM (``env``): the demo's first count, made while the demo installs and
    no server answers yet."""

    def __init__(self, env):
        self.env = env(su=True, context=dict(env.context, **READ_CONTEXT))

    def field_names(self, model):
        return set(self.env[model]._fields)

    def search_read(self, model, domain, fields_):
        return self.env[model].search_read(list(domain), fields_, order="id")

    def read(self, model, ids, fields_):
        return self.env[model].browse(ids).read(fields_)

    def check_total(self, model, total):
        return None
