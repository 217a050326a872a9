"""The protocols of an instance's external API: JSON-2 (Odoo 19 and later)
and XML-RPC (before), each a bounded ``db_http.Client``; ``client_for``
picks one by the instance's version, ``call`` makes one call. ``LocalReader``
reads the same records from this server's own database (the demo)."""

import json
import re
import xml.parsers.expat
import xmlrpc.client

from .db_http import READ_CONTEXT, ApiError, Client


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
