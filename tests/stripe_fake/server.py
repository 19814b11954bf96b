"""The local fake server: the fake API and a stand-in for the hosted Checkout page, over HTTP."""

import html
import json
import re
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import stripe

from tests.stripe_fake.api import FakeStripe, yuan_text
from tests.stripe_fake.envelopes import WEBHOOK_SECRET, event, signed


@dataclass
class Delivery:
    """One webhook the server sent: the event, and what the receiver answered."""

    event: dict
    status: int | None  # None: the receiver could not be reached
    body: bytes = b""
    error: str | None = None


class FakeStripeServer:
    """Stripe's API and a stand-in for its hosted Checkout page on 127.0.0.1:<free port>.

    ``with FakeStripeServer(webhook_url=…) as server:`` then point STRIPE_API_BASE at
    `server.url`. A session's `url` is ``<server.url>/pay/<id>``: GET shows a page with a
    "Pay ¥X" button; POST completes the session, delivers a signed
    checkout.session.completed webhook to `webhook_url` (before answering, so a test can
    rely on it) and redirects (303) to success_url; ``/pay/<id>/cancel`` redirects to
    cancel_url. `deliveries` lists every webhook sent; `deliver(event)` sends another
    (duplicates, refunds, async outcomes).
    """

    def __init__(self, webhook_url=None, webhook_secret=WEBHOOK_SECRET, *, fake=None):
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.fake = fake or FakeStripe()
        self.deliveries: list[Delivery] = []
        self._httpd = None
        self._thread = None

    @property
    def url(self):
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        handler = type("Handler", (_Handler,), {"fake_server": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self.fake.checkout_url = f"{self.url}/pay/"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        name="fake-stripe", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=5)
            self._httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def deliver(self, evt):
        """Sign `evt` and POST it to `webhook_url`, as Stripe does; returns the Delivery."""
        if not self.webhook_url:
            raise RuntimeError("FakeStripeServer.webhook_url is not set")
        body, header = signed(evt, self.webhook_secret)
        request = urllib.request.Request(
            self.webhook_url, data=body, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "Stripe-Signature": header,
                     "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)"})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
        try:
            with opener.open(request, timeout=30) as response:
                delivery = Delivery(evt, response.status, response.read())
        except urllib.error.HTTPError as error:
            delivery = Delivery(evt, error.code, error.read(), str(error))
        except (urllib.error.URLError, OSError) as error:
            delivery = Delivery(evt, None, b"", str(error))
        self.deliveries.append(delivery)
        return delivery

    def pay(self, session_id):
        """What the Pay button does, without a browser: complete and deliver."""
        session = self.fake.complete(session_id)
        return self.deliver(event("checkout.session.completed", session))

    def expire(self, session_id):
        return self.deliver(event("checkout.session.expired", self.fake.expire(session_id)))


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Fake Stripe Checkout</title>
<style>
body {{ font-family: sans-serif; margin: 0; background: #f6f8fa; color: #1a1a1a; }}
main {{ max-width: 28rem; margin: 3rem auto; padding: 2rem; background: #fff;
        border-radius: .5rem; }}
button {{ font-size: 1.1rem; padding: .75rem 1.5rem; background: #0a5c36; color: #fff;
          border: 0; border-radius: .375rem; cursor: pointer; }}
button:focus-visible, a:focus-visible {{ outline: 3px solid #1a4fd6; outline-offset: 2px; }}
a {{ color: #0b4fb3; }}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
{content}
</main>
</body>
</html>
"""


class _Handler(BaseHTTPRequestHandler):
    fake_server: FakeStripeServer  # set per server by FakeStripeServer.start
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet
        pass

    def do_GET(self):
        self._dispatch("get")

    def do_POST(self):
        self._dispatch("post")

    def do_DELETE(self):
        self._dispatch("delete")

    def _dispatch(self, method):
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8") if length else ""
        if parts.path.startswith("/v1/"):
            return self._api(method, parts, body)
        match = re.fullmatch(r"/pay/(?P<id>[^/]+)(?P<cancel>/cancel)?", parts.path)
        if not match:
            return self._page(404, "Not found", "<p>There is nothing here.</p>")
        session = self.fake_server.fake.sessions.get(match["id"])
        if session is None:
            return self._page(404, "Checkout session not found",
                              "<p>This payment page does not exist.</p>")
        if match["cancel"]:
            return self._redirect(session["cancel_url"])
        if method == "post":
            return self._pay(session)
        return self._show(session)

    def _api(self, method, parts, body):
        try:
            status, answer, headers = self.fake_server.fake.handle(
                method, parts.path, parts.query, body, dict(self.headers))
        except stripe.APIConnectionError:
            # A network failure: hang up without an answer.
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self._send(status, json.dumps(answer, ensure_ascii=False).encode("utf-8"),
                   "application/json", headers)

    def _show(self, session):
        if session["status"] != "open":
            state = "paid" if session["status"] == "complete" else "expired"
            return self._page(
                200, "Checkout session closed",
                f"<p>This payment page has {state}: there is nothing left to pay.</p>")
        items = self.fake_server.fake.line_items.get(session["id"], [])
        names = ", ".join((item["price_data"].get("product_data") or {}).get("name", "")
                          for item in items)
        amount = yuan_text(session["amount_total"])
        sid = html.escape(session["id"])
        content = (
            f'<p>{html.escape(names)}</p>'
            f'<p>Amount: <strong>{amount}</strong></p>'
            f'<p>Checkout language: {html.escape(session.get("locale") or "auto")}</p>'
            f'<form method="post" action="/pay/{sid}">'
            f'<button type="submit">Pay {amount}</button></form>'
            f'<p><a href="/pay/{sid}/cancel">Cancel and go back</a></p>')
        self._page(200, "Fake Stripe Checkout", content)

    def _pay(self, session):
        if session["status"] == "open":
            self.fake_server.pay(session["id"])
        self._redirect(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"]))

    def _page(self, status, title, content):
        page = _PAGE.format(title=html.escape(title), content=content)
        self._send(status, page.encode("utf-8"), "text/html; charset=utf-8")

    def _redirect(self, location):
        self.send_response(303)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status, body, content_type, headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
