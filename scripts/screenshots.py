#!/usr/bin/env python3
"""Screenshots of the demo for the README, taken from a running server.

    python3 scripts/screenshots.py [--url http://localhost:8069] [--db support_demo]

Against the server of `make run` (or any URL serving the demo data), it logs
in as the demo user of each page (a session cookie from Odoo's
/web/session/authenticate), opens the page in Debian's headless `chromium`
driven over its DevTools protocol (a small websocket client of the standard
library below), and saves PNGs to docs/screenshots/. The quotation, the
invoice and its support statement are the PDFs the Swedish customers download
from the portal, turned into PNGs by `pdftoppm`.
"""

import argparse
import base64
import http.cookiejar
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "docs", "screenshots")


# ----------------------------------------------------------------------
# Odoo over HTTP
# ----------------------------------------------------------------------


class Session:
    """A logged-in Odoo session: its cookie and JSON-RPC calls."""

    def __init__(self, url, db, login, password):
        self.url = url.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )
        self.rpc(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": password},
        )
        self.session_id = next(c.value for c in self.jar if c.name == "session_id")

    def rpc(self, path, params):
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "params": params}
            ).encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=120) as response:
            answer = json.load(response)
        if answer.get("error"):
            raise SystemExit(f"{path}: {answer['error']['data']['message']}")
        return answer["result"]

    def call(self, model, method, *args, **kwargs):
        return self.rpc(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["res_id"],
        )
        if not rows:
            raise SystemExit(f"{xmlid} not found: is the demo data installed?")
        return rows[0]["res_id"]

    def get(self, path):
        with self.opener.open(self.url + path, timeout=300) as response:
            return response.read()


# ----------------------------------------------------------------------
# Chromium over the DevTools protocol (websocket, standard library only)
# ----------------------------------------------------------------------


class WebSocket:
    def __init__(self, url):
        parts = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET {parts.path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        header = b""
        while b"\r\n\r\n" not in header:
            header += self.sock.recv(1)
        if b" 101 " not in header.split(b"\r\n")[0]:
            raise SystemExit(f"DevTools refused the websocket: {header[:80]!r}")

    def send(self, text):
        data = text.encode()
        head = bytes([0x81])
        mask = os.urandom(4)
        if len(data) < 126:
            head += bytes([0x80 | len(data)])
        elif len(data) < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", len(data))
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", len(data))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(head + mask + masked)

    def _read(self, size):
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise SystemExit("DevTools closed the websocket")
            data += chunk
        return data

    def receive(self):
        message = b""
        while True:
            first, second = self._read(2)
            size = second & 0x7F
            if size == 126:
                size = struct.unpack(">H", self._read(2))[0]
            elif size == 127:
                size = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(size)
            message += payload
            if first & 0x80:
                return message.decode()


class Chromium:
    def __init__(self, width=1280, height=860):
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if not binary:
            raise SystemExit("chromium is not installed (apt-get install chromium)")
        self.profile = tempfile.mkdtemp(prefix="support-screenshots-")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--window-size={width},{height}",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/json/list", timeout=2
                ) as response:
                    pages = [p for p in json.load(response) if p["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit("chromium did not start its DevTools server")
        self.ws = WebSocket(pages[0]["webSocketDebuggerUrl"])
        self.next_id = 0
        self.send("Page.enable")

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.receive())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise SystemExit(f"{method}: {message['error']}")
                return message.get("result", {})

    def wait_event(self, name, timeout=60):
        end = time.time() + timeout
        while time.time() < end:
            if json.loads(self.ws.receive()).get("method") == name:
                return
        raise SystemExit(f"chromium: no {name} within {timeout}s")

    def shot(self, session, path, target, settle=4.0, selector=None):
        host = urllib.parse.urlparse(session.url).hostname
        self.send("Network.clearBrowserCookies")
        self.send(
            "Network.setCookie",
            name="session_id",
            value=session.session_id,
            domain=host,
            path="/",
        )
        self.send("Page.navigate", url=session.url + path)
        self.wait_event("Page.loadEventFired")
        # The backend renders after the load event: wait for the record.
        end = time.time() + 30
        while selector and time.time() < end:
            found = self.send(
                "Runtime.evaluate",
                expression=f"!!document.querySelector({json.dumps(selector)})",
                returnByValue=True,
            )
            if found.get("result", {}).get("value"):
                break
            time.sleep(0.5)
        time.sleep(settle)
        data = self.send("Page.captureScreenshot", format="png")["data"]
        with open(target, "wb") as handle:
            handle.write(base64.b64decode(data))
        print(f"saved {os.path.relpath(target, ROOT)}")

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.profile, ignore_errors=True)


def pdf_to_png(pdf, target):
    if not shutil.which("pdftoppm"):
        raise SystemExit("pdftoppm is not installed (apt-get install poppler-utils)")
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "statement.pdf")
        with open(source, "wb") as handle:
            handle.write(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                source,
                os.path.join(folder, "page"),
            ],
            check=True,
        )
        shutil.move(os.path.join(folder, "page.png"), target)
    print(f"saved {os.path.relpath(target, ROOT)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="support_demo")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)

    admin = Session(args.url, args.db, "admin", "admin")
    agreement = admin.ref("support_contract.agreement_nordkust_msa_demo")
    ticket = admin.ref("support_helpdesk_scope.ticket_solberga_configuration_demo")
    # The statement of the invoice with the most to explain (code lines,
    # ticket hours, the upgrade fee).
    invoices = admin.call(
        "account.move",
        "search_read",
        [
            ("subscription_id", "=", agreement),
            ("state", "=", "posted"),
            ("move_type", "=", "out_invoice"),
            ("payment_state", "!=", "reversed"),
        ],
        fields=["invoice_line_ids"],
        order="invoice_date desc",
    )
    invoices = (
        [max(invoices, key=lambda row: len(row["invoice_line_ids"]))["id"]]
        if invoices
        else []
    )

    anna = Session(args.url, args.db, "anna@nordkust.example", "portal")
    consultant = Session(args.url, args.db, "consultant", "consultant")
    agent = Session(args.url, args.db, "agent", "agent")

    browser = Chromium()
    try:
        browser.shot(
            anna,
            f"/my/agreements/{agreement}",
            os.path.join(OUT, "portal-agreement.png"),
            selector="main",
        )
        browser.shot(
            agent,
            f"/odoo/helpdesk.ticket/{ticket}",
            os.path.join(OUT, "ticket-scope.png"),
            selector=".o_form_view .o_field_widget",
        )
        browser.shot(
            consultant,
            f"/odoo/sale.subscription/{agreement}",
            os.path.join(OUT, "agreement-form.png"),
            selector=".o_form_view .o_field_widget",
        )
    finally:
        browser.close()
    # What the Swedish customers receive, downloaded as they download it
    # from the portal: the prospect's quotation, Anna's invoice and its
    # support statement.
    quote = admin.ref("support_contract.sale_order_bjorkdal_quote_demo")
    maja = Session(args.url, args.db, "maja@bjorkdal-el.example", "portal")
    pdf_to_png(
        maja.get(f"/my/orders/{quote}?report_type=pdf&download=true"),
        os.path.join(OUT, "quotation.png"),
    )
    if invoices:
        pdf_to_png(
            anna.get(f"/my/invoices/{invoices[0]}?report_type=pdf&download=true"),
            os.path.join(OUT, "invoice.png"),
        )
        pdf_to_png(
            anna.get(f"/my/invoices/{invoices[0]}/support-statement?download=1"),
            os.path.join(OUT, "support-statement.png"),
        )
    else:
        print("no posted invoice of the demo agreement: invoice skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
