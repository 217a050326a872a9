"""Odoo's count of a database's customizations, read through its external API.

``odoo-bin cloc -d <database>`` adds to the custom modules on disk what
``odoo.tools.cloc.Cloc.count_customization`` reads in the database: server
actions with code, manual computed fields, and the QWeb views and assets of
modules imported with base_import_module. The suite reads exactly those
records from a customer's instance (JSON-2 on Odoo 19 and later, XML-RPC
before) and counts them with Odoo's own parsers the way Odoo does:

- :func:`db_read.read_customization` reads the records (bounded: time,
  number of records, bytes per answer; addresses checked by the
  repositories' network policy; clients in ``db_http`` and ``db_api``);
- :func:`count` books them in an ``odoo.tools.cloc.Cloc``, per module (the
  imported module, or ``odoo/studio``), items named as Odoo names them;
- :func:`module_counts` turns the result into the suite's per-module counts.

Nothing here touches the ORM: it is plain data in, plain data out.
"""

import os

from odoo.tools import cloc as odoo_cloc

from . import cloc_pool, cloc_rules
from .cloc_rules import ModuleCount
from .db_http import ApiError
from .db_read import ASSET_NAME, base64_size

STUDIO = "odoo/studio"
EXCLUDE = "__cloc_exclude__"
STUDIO_MODULE = "studio_customization"
# Texts and files are handed to the parser in slices of about this size.
PARSE_SLICE = 8 * 2**20


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
