"""A hostile "Odoo instance" on the loopback: answers JSON-2 as a customer's
server could, lies included. No mocks of the suite: the real client reads it
over real HTTP."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODULE = "evil_module"


def imported_module_answers(views=(), attachments=()):
    """Answers of an instance with one imported module holding ``views``
    ([(id, name, arch)]) and ``attachments`` ([(id, url, claimed size,
    base64 text)])."""

    def answer(model, method, payload):
        domain = payload.get("domain") or []
        offset = payload.get("offset") or 0
        if method == "fields_get":
            return {"imported": {"type": "boolean"}, "name": {"type": "char"}}
        if offset:
            return []
        if model == "ir.module.module":
            if ["imported", "=", True] in domain:
                return [{"id": 1, "name": MODULE, "state": "installed"}]
            return []
        if model == "ir.model.data":
            kind = next(d[2] for d in domain if d[0] == "model")
            rows = {
                "ir.ui.view": [v[0] for v in views],
                "ir.attachment": [a[0] for a in attachments],
            }.get(kind, [])
            return [
                {"id": 1000 + res_id, "res_id": res_id, "module": MODULE}
                for res_id in rows
            ]
        if model == "ir.ui.view":
            return [
                {"id": view_id, "name": name, "arch_base": arch}
                for view_id, name, arch in views
            ]
        if model == "ir.attachment" and method == "search_read":
            return [
                {
                    "id": att_id,
                    "name": url.rsplit("/", 1)[-1],
                    "url": url,
                    "file_size": size,
                }
                for att_id, url, size, _data in attachments
            ]
        if model == "ir.attachment" and method == "read":
            wanted = payload.get("ids") or []
            return [
                {"id": att_id, "datas": data}
                for att_id, _url, _size, data in attachments
                if att_id in wanted
            ]
        return []

    return answer


class HostileInstance:
    """``answer(model, method, payload)`` gives the JSON to send (or
    ``raw(model, method, payload)`` the bytes); every request is counted."""

    def __init__(self, answer=None, raw=None):
        self.requests = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(length) or b"{}")
                parts = self.path.strip("/").split("/")
                model, method = parts[-2], parts[-1]
                outer.requests.append((model, method))
                if raw is not None:
                    body = raw(model, method, payload)
                else:
                    body = json.dumps(answer(model, method, payload)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
