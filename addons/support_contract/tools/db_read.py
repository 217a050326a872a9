"""What ``odoo-bin cloc -d`` reads in a database, read through a client.

:func:`read_customization` reads, bounded by the client, the records
``odoo.tools.cloc.Cloc.count_customization`` reads (server actions with
code, manual computed fields, QWeb views and assets of imported modules)
into a :class:`Customization`, plain data; with a parser, texts and files go
to it as they arrive and only its keys are kept.
"""

import base64
import os
import re
from dataclasses import dataclass, field

from odoo.tools import cloc as odoo_cloc

from .db_http import ApiError

ASSET_NAME = re.compile(r"\.(js|xml|css|scss)\Z")
CHUNK = 500


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


def base64_size(size):
    """Length of the base64 text of ``size`` bytes (what Odoo compares)."""
    return 4 * ((int(size or 0) + 2) // 3)


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
