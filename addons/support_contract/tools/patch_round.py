"""The monthly patch round, without the ORM.

- :func:`read_version` asks an instance what Odoo it runs, on its public
  endpoint ``/web/webclient/version_info`` (JSON-RPC), through the database
  count's bounded, policy-checked request (``db_http.Client``): the same
  network policy, timeouts and size limit; the answer is hostile until
  :func:`parse_version_info` has checked it.
- :func:`read_modules` reads the installed modules and their versions
  through a database-count client (credentials needed).
- :func:`release_key` and :func:`is_behind` compare a release with the
  partner's target for its series.
- :func:`planned_date` is the agreement's day in a month.
"""

import json
import re
from dataclasses import replace
from datetime import date

from dateutil.relativedelta import relativedelta

from . import db_http

VERSION_PATH = "/web/webclient/version_info"
MAX_VERSION_BYTES = 16 * 1024
VERSION_TEXT = re.compile(r"\A[0-9A-Za-z.+~:_-]{1,64}\Z")
MODULE_NAME = re.compile(r"\A[0-9A-Za-z_.-]{1,128}\Z")
SERIES = re.compile(r"\A(?:saas~)?(\d{1,3})\.(\d{1,2})")
TAIL_NUMBERS = re.compile(r"\d+")


def parse_version_info(data):
    """{"server_version", "series"} of a version_info answer (bytes), or
    ApiError("protocol") when the answer is not what Odoo sends."""
    try:
        answer = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise db_http.ApiError("protocol", "version_info is not JSON") from None
    result = answer.get("result") if isinstance(answer, dict) else None
    if not isinstance(result, dict):
        raise db_http.ApiError("protocol", "version_info has no result")
    version = result.get("server_version")
    info = result.get("server_version_info")
    if not isinstance(version, str) or not VERSION_TEXT.match(version):
        raise db_http.ApiError("protocol", "server_version")
    if (
        not isinstance(info, list)
        or not 2 <= len(info) <= 8
        or not all(
            isinstance(part, int)
            and not isinstance(part, bool)
            and 0 <= part < 10**9
            or isinstance(part, str)
            and len(part) <= 32
            and (not part or VERSION_TEXT.match(part))
            for part in info
        )
    ):
        raise db_http.ApiError("protocol", "server_version_info")
    series = f"{info[0]}.{info[1]}"
    if not SERIES.match(series):
        raise db_http.ApiError("protocol", "server_version_info")
    return {"server_version": version, "series": series}


def read_version(url, limits=None, allowed=""):
    """The running version of the Odoo at ``url`` (see parse_version_info),
    read with the database count's request, bounds and network policy."""
    limits = limits or db_http.Limits()
    limits = replace(limits, max_bytes=min(limits.max_bytes, MAX_VERSION_BYTES))
    client = db_http.Client(url, "", "", limits=limits, allowed=allowed)
    body = json.dumps(
        {"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1}
    ).encode()
    status, data = client._post(
        VERSION_PATH,
        body,
        {
            "Content-Type": "application/json",
            "User-Agent": "support_contract patch round",
        },
    )
    if status == 404:
        raise db_http.ApiError("not-found", f"HTTP {status}")
    if status != 200:
        raise db_http.ApiError("server", f"HTTP {status}")
    return parse_version_info(data)


def read_modules(client):
    """{module name: installed version} of the instance ``client`` reads."""
    rows = client.search_read(
        "ir.module.module", [("state", "=", "installed")], ["name", "latest_version"]
    )
    modules = {}
    for row in rows:
        name = row.get("name") if isinstance(row, dict) else None
        version = row.get("latest_version") if isinstance(row, dict) else None
        if not isinstance(name, str) or not MODULE_NAME.match(name):
            raise db_http.ApiError("protocol", "ir.module.module.name")
        if version in (None, False):
            version = ""
        if not isinstance(version, str) or (
            version and not VERSION_TEXT.match(version)
        ):
            raise db_http.ApiError("protocol", "ir.module.module.latest_version")
        modules[name] = version
    return modules


def module_changes(before, after):
    """[(name, version before, version after)] of the modules that changed,
    were installed or removed, by name."""
    before, after = before or {}, after or {}
    return [
        (name, before.get(name, ""), after.get(name, ""))
        for name in sorted(set(before) | set(after))
        if before.get(name, "") != after.get(name, "")
    ]


def release_key(version):
    """(series, numbers after the series) of a release such as ``17.0``,
    ``17.0+e``, ``17.0-20251105`` or ``saas~17.4``; None when it names no
    series. Releases compare within one series only."""
    match = SERIES.match((version or "").strip())
    if not match:
        return None
    series = f"{int(match.group(1))}.{int(match.group(2))}"
    tail = tuple(int(n) for n in TAIL_NUMBERS.findall(version[match.end() :]))
    return series, tail


def series_of(version):
    key = release_key(version)
    return key[0] if key else ""


def is_behind(running, target):
    """True when ``running`` is an older release of ``target``'s series."""
    running_key, target_key = release_key(running), release_key(target)
    if not running_key or not target_key or running_key[0] != target_key[0]:
        return False
    return running_key[1] < target_key[1]


def month_start(day):
    return date(day.year, day.month, 1)


def planned_date(start, period):
    """The agreement's day of the month (the day of ``start``) in the month
    of ``period``, on the month's last day when it is shorter."""
    period = month_start(period)
    return period + relativedelta(day=start.day if start else 1)


def is_late(today, last_done, first_planned):
    """No closed round for more than a month: since the last closed round,
    or since the first planned one when none was closed yet."""
    since = last_done or first_planned
    return bool(since) and since < today - relativedelta(months=1)
