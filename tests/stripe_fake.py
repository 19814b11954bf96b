"""Stripe without the network: an in-process transport, signed webhooks, a local fake server.

- `FakeStripe` is a `stripe.HTTPClient`: the real SDK sends it its requests and it answers
  from the recorded JSON in tests/fixtures/stripe/, records every request (`.requests`),
  honours idempotency keys and can be told to fail (`.fail_next(...)`). It rejects
  parameters the pinned API version does not know, as Stripe does.
- `event(type, obj)` wraps an object in Stripe's event envelope; `signed(event, secret)`
  signs it with the SDK's public `WebhookSignature.generate_signature_header`;
  `post_webhook(client, url, event)` sends it to a Django test client.
- `FakeStripeServer` serves the same API on 127.0.0.1 plus a stand-in for the hosted
  Checkout page that, when "paid", posts a signed checkout.session.completed webhook and
  redirects the browser to the session's success_url.
- Fixtures: `fake_stripe` (settings configured, the fake installed as the gateway's
  transport) and `fake_stripe_server` (settings pointing at a running server). Import them
  into a test module or a conftest: ``from tests.stripe_fake import fake_stripe  # noqa: F401``.

Parameters arrive as Stripe receives them: form-encoded strings ("15000000", not 15000000).
"""

import copy
import html
import json
import re
import secrets
import string
import sys
import threading
import time
import typing
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import stripe
from requests.structures import CaseInsensitiveDict
from stripe.params import RefundCreateParams, RefundListParams
from stripe.params.checkout import SessionCreateParams

FIXTURES = Path(__file__).parent / "fixtures" / "stripe"
SECRET_KEY = "sk_test_seedbed_fake_0000000000"
PUBLISHABLE_KEY = "pk_test_seedbed_fake_0000000000"
WEBHOOK_SECRET = "whsec_seedbed_fake_signing_secret"
#: Older than the SDK's tolerance: `signed(event, secret, age=TOO_OLD)` must be refused.
TOO_OLD = stripe.Webhook.DEFAULT_TOLERANCE + 60


def fixture(name):
    """A fresh copy of tests/fixtures/stripe/<name> (".json" optional)."""

    if not name.endswith(".json"):
        name += ".json"
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def new_id(prefix, length=24):
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


# --- events and signatures -------------------------------------------------------------------

def event(type, obj, id=None, *, previous_attributes=None, created=None, idempotency_key=None):
    """Stripe's event envelope around `obj` (a dict), as webhooks deliver it."""
    data = {"object": copy.deepcopy(obj)}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    return {
        "id": id or new_id("evt_"),
        "object": "event",
        "api_version": stripe.api_version,
        "context": None,
        "created": int(time.time()) if created is None else created,
        "data": data,
        "livemode": bool(obj.get("livemode", False)),
        "pending_webhooks": 1,
        "request": {"id": new_id("req_", 14) if idempotency_key else None,
                    "idempotency_key": idempotency_key},
        "type": type,
    }


def signed(evt, secret=WEBHOOK_SECRET, *, age=0, timestamp=None):
    """(body bytes, Stripe-Signature header) for an event dict (or a body already encoded).

    `age` seconds back-dates the signature (`TOO_OLD` for a replayed, stale delivery);
    `timestamp` sets it outright.
    """
    body = evt if isinstance(evt, (bytes, str)) else json.dumps(evt, ensure_ascii=False)
    payload = body.decode("utf-8") if isinstance(body, bytes) else body
    if timestamp is None:
        timestamp = int(time.time()) - age
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)
    return payload.encode("utf-8"), header


def post_webhook(client, url, evt, secret=WEBHOOK_SECRET, **signing):
    """POST a signed event to a Django test client, as Stripe would."""
    body, header = signed(evt, secret, **signing)
    return client.post(url, data=body, content_type="application/json",
                       headers={"Stripe-Signature": header})


# --- form decoding and parameter checks ------------------------------------------------------

def parse_form(pairs):
    """Stripe's form encoding (``a[b][0][c]=v``) back into nested dicts and lists."""
    root = {}
    for key, value in pairs:
        parts = re.findall(r"^[^\[]+|\[([^\]]*)\]", key)
        names = [key.split("[", 1)[0]] + parts[1:]
        node = root
        for name, following in zip(names, names[1:] + [None]):
            if following is None:
                node[name] = value
            else:
                node = node.setdefault(name, {})
    return _lists(root)


def _lists(node):
    """Dicts keyed 0, 1, 2… become lists."""
    if not isinstance(node, dict):
        return node
    node = {key: _lists(value) for key, value in node.items()}
    if node and all(key.isdigit() for key in node):
        return [node[key] for key in sorted(node, key=int)]
    return node


_REQUEST_OPTIONS = set(stripe.RequestOptions.__optional_keys__)


def unknown_parameter(params, spec, prefix=""):
    """The first parameter the pinned API version does not define (or a missing required one),
    judged from the SDK's own TypedDicts; None when all is well."""
    keys = (spec.__required_keys__ | spec.__optional_keys__) - _REQUEST_OPTIONS
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else key
        if key not in keys:
            return f"Received unknown parameter: {name}"
        nested = _nested_spec(spec, key)
        if nested is None:
            continue
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            if isinstance(item, dict):
                where = f"{name}[{index}]" if isinstance(value, list) else name
                problem = unknown_parameter(item, nested, where)
                if problem:
                    return problem
    for key in spec.__required_keys__ - _REQUEST_OPTIONS:
        if key not in params:
            return f"Missing required param: {f'{prefix}[{key}]' if prefix else key}."
    return None


def _nested_spec(spec, key):
    annotations = {}
    for base in reversed(spec.__mro__):
        annotations.update(getattr(base, "__annotations__", {}))
    module = sys.modules[spec.__module__]
    for name in re.findall(r"\b([A-Z]\w*Params\w*)\b", repr(annotations.get(key))):
        candidate = getattr(module, name, None)
        if candidate is not None and typing.is_typeddict(candidate):
            return candidate
    return None


# --- the in-process fake ---------------------------------------------------------------------

@dataclass
class Recorded:
    """One request the SDK sent."""

    method: str  # "get", "post" (as the SDK writes them)
    path: str  # "/v1/checkout/sessions"
    params: dict  # the decoded form body (POST) or query (GET); values are strings
    idempotency_key: str | None
    headers: dict = field(repr=False)

    @property
    def stripe_version(self):
        return self.headers.get("Stripe-Version")


@dataclass
class _Failure:
    kind: str
    message: str
    code: str | None
    path: str | None


_ERROR_STATUS = {"invalid_request_error": 400, "idempotency_error": 400, "card_error": 402,
                 "authentication_error": 401, "rate_limit_error": 429, "api_error": 500}


class StripeReply(Exception):
    """An error answer from the fake API (status and Stripe's error object)."""

    def __init__(self, status, type, message, *, code=None, param=None):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type, "message": message, "code": code, "param": param,
                               "request_log_url": "https://dashboard.stripe.com/test/logs"}}


class FakeStripe(stripe.HTTPClient):
    """Answers the SDK's API calls in-process. Inspect `.requests`, `.sessions`, `.refunds`."""

    name = "fake-stripe"

    def __init__(self, *, checkout_url="https://checkout.stripe.com/c/pay/"):
        super().__init__()
        self.checkout_url = checkout_url  # + session id = the session's `url`
        self.requests: list[Recorded] = []
        self.sessions: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.payments: dict[str, dict] = {}  # payment intent id → amount, charge, refunded…
        self.line_items: dict[str, list] = {}
        self._replies = {}
        self._failures: list[_Failure] = []
        self._lock = threading.RLock()

    # What tests call -----------------------------------------------------------------------

    def fail_next(self, kind="api_error", message="Something went wrong on Stripe's end.", *,
                  code=None, times=1, path=None):
        """Make the next `times` requests (to `path`, if given) fail. `kind` is a Stripe error
        type ("api_error", "invalid_request_error", "card_error", "authentication_error",
        "rate_limit_error") or "connection" (the network fails: APIConnectionError)."""
        if kind != "connection" and kind not in _ERROR_STATUS:
            raise ValueError(f"unknown failure kind {kind!r}")
        with self._lock:
            self._failures.extend(_Failure(kind, message, code, path) for _ in range(times))

    def sent(self, path=None, method=None):
        """The recorded requests, optionally only those to `path` with `method`."""
        return [r for r in self.requests
                if (path is None or r.path == path) and (method is None or r.method == method)]

    def last(self, path=None, method=None):
        found = self.sent(path, method)
        assert found, f"no request to {path or 'Stripe'} was sent"
        return found[-1]

    def complete(self, session_id, *, payment_status="paid", name="李明", email=None):
        """The donor finishes Checkout: the session becomes complete (paid, or unpaid for a
        delayed method) with a PaymentIntent and a charge. Returns the session as a dict,
        ready for `event("checkout.session.completed", …)`."""
        with self._lock:
            session = self.sessions[session_id]
            if session["payment_intent"] is None:
                payment_intent = new_id("pi_3")
                session["payment_intent"] = payment_intent
                self.payments[payment_intent] = {
                    "session": session_id, "amount": session["amount_total"],
                    "currency": session["currency"], "charge": new_id("ch_3"), "refunded": 0,
                    "metadata": dict(session["metadata"]), "customer_name": name,
                }
            email = email or session.get("customer_email") or "donor@example.com"
            session.update(status="complete", payment_status=payment_status, url=None,
                           collected_information={"business_name": None, "individual_name": None,
                                                  "shipping_details": None})
            session["customer_details"] = {
                "address": {"city": None, "country": "CN", "line1": None, "line2": None,
                            "postal_code": None, "state": None},
                "business_name": None, "email": email, "individual_name": None, "name": name,
                "phone": None, "tax_exempt": "none", "tax_ids": []}
            return copy.deepcopy(session)

    def settle(self, session_id, *, succeeded=True):
        """A delayed payment's outcome (after `complete(…, payment_status="unpaid")`)."""
        with self._lock:
            session = self.sessions[session_id]
            if succeeded:
                session["payment_status"] = "paid"
            return copy.deepcopy(session)

    def expire(self, session_id):
        with self._lock:
            session = self.sessions[session_id]
            session.update(status="expired", url=None)
            return copy.deepcopy(session)

    def charge(self, payment_intent_id):
        """The payment's charge as a dict, refunds so far included (for charge.refunded)."""
        with self._lock:
            payment = self.payments[payment_intent_id]
            charge = fixture("charge_refunded.json")["data"]["object"]
            charge.update(
                id=payment["charge"], amount=payment["amount"], amount_captured=payment["amount"],
                amount_refunded=payment["refunded"],
                refunded=payment["refunded"] >= payment["amount"],
                currency=payment["currency"], metadata=dict(payment["metadata"]),
                payment_intent=payment_intent_id, created=int(time.time()))
            charge["payment_method_details"]["card"]["amount_authorized"] = payment["amount"]
            charge["billing_details"]["name"] = payment["customer_name"]
            return charge

    # stripe.HTTPClient ---------------------------------------------------------------------

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        if isinstance(post_data, bytes):
            post_data = post_data.decode("utf-8")
        status, body, reply_headers = self.handle(method, parts.path, parts.query,
                                                  post_data or "", headers or {})
        return json.dumps(body, ensure_ascii=False), status, reply_headers

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        raise NotImplementedError("the fake answers no streaming requests")

    def close(self):
        pass

    # The API ------------------------------------------------------------------------------

    def handle(self, method, path, query, body, headers):
        """(status, body dict, headers) for one API request; raises stripe.APIConnectionError
        for a simulated network failure."""
        method = method.lower()
        headers = CaseInsensitiveDict(headers)
        pairs = parse_qsl(body if method == "post" else query, keep_blank_values=True)
        params = parse_form(pairs)
        key = headers.get("Idempotency-Key")
        with self._lock:
            self.requests.append(Recorded(method, path, params, key, dict(headers)))
            failure = self._take_failure(path)
            reply = {"Request-Id": new_id("req_", 14), "Stripe-Version": stripe.api_version}
            if failure:
                if failure.kind == "connection":
                    raise stripe.APIConnectionError(failure.message, should_retry=False)
                reply["Stripe-Should-Retry"] = "false"
                return (_ERROR_STATUS[failure.kind],
                        StripeReply(0, failure.kind, failure.message, code=failure.code).body,
                        CaseInsensitiveDict(reply))
            if method == "post" and key and key in self._replies:
                first_path, first_params, status, answer = self._replies[key]
                if (first_path, first_params) != (path, params):
                    return 400, StripeReply(
                        400, "idempotency_error",
                        "Keys for idempotent requests can only be used with the same parameters "
                        f"they were first used with. Try using a key other than '{key}' if you "
                        "meant to execute a different request.").body, CaseInsensitiveDict(reply)
                reply["Idempotent-Replayed"] = "true"
                return status, copy.deepcopy(answer), CaseInsensitiveDict(reply)
            try:
                self._authenticate(headers)
                status, answer = 200, self._route(method, path, params)
            except StripeReply as error:
                status, answer = error.status, error.body
            if method == "post" and key:
                self._replies[key] = (path, params, status, copy.deepcopy(answer))
            return status, answer, CaseInsensitiveDict(reply)

    def _take_failure(self, path):
        for index, failure in enumerate(self._failures):
            if failure.path is None or failure.path == path:
                return self._failures.pop(index)
        return None

    def _authenticate(self, headers):
        authorization = headers.get("Authorization", "")
        if not authorization.startswith("Bearer ") or len(authorization) <= len("Bearer "):
            raise StripeReply(401, "invalid_request_error",
                              "You did not provide an API key.")
        if not authorization[len("Bearer "):].startswith(("sk_test_", "rk_test_")):
            raise StripeReply(401, "invalid_request_error",
                              "Invalid API Key provided: the fake answers test keys only.")

    def _route(self, method, path, params):
        routes = [
            ("post", r"/v1/checkout/sessions", self._create_session),
            ("get", r"/v1/checkout/sessions/(?P<id>[^/]+)", self._get_session),
            ("post", r"/v1/checkout/sessions/(?P<id>[^/]+)/expire", self._expire_session),
            ("post", r"/v1/refunds", self._create_refund),
            ("get", r"/v1/refunds", self._list_refunds),
            ("get", r"/v1/refunds/(?P<id>[^/]+)", self._get_refund),
        ]
        for verb, pattern, answer in routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                return answer(params, **match.groupdict())
        raise StripeReply(404, "invalid_request_error",
                          f"Unrecognized request URL ({method.upper()}: {path}).")

    def _check(self, params, spec):
        problem = unknown_parameter(params, spec)
        if problem:
            code = "parameter_unknown" if "unknown" in problem else "parameter_missing"
            raise StripeReply(400, "invalid_request_error", problem, code=code)

    def _create_session(self, params):
        self._check(params, SessionCreateParams)
        if params.get("mode") != "payment":
            raise StripeReply(400, "invalid_request_error", "The fake supports mode=payment only.",
                              param="mode")
        line_items = params.get("line_items") or []
        if not line_items:
            raise StripeReply(400, "invalid_request_error",
                              "line_items is required in payment mode.", param="line_items")
        amount = 0
        for item in line_items:
            price = item.get("price_data") or {}
            if "unit_amount" not in price or "currency" not in price:
                raise StripeReply(400, "invalid_request_error",
                                  "Missing required param: line_items[0][price_data][unit_amount].")
            amount += int(price["unit_amount"]) * int(item.get("quantity", "1"))
        methods = params.get("allowed_payment_method_types")
        options = params.get("payment_method_options") or {}
        wechat_client = (options.get("wechat_pay") or {}).get("client")
        if "wechat_pay" in (methods or []) and wechat_client is None:
            raise StripeReply(400, "invalid_request_error",
                              "payment_method_options[wechat_pay][client] is required when "
                              "wechat_pay is a payment method.", param="payment_method_options")
        session_id = new_id("cs_test_a1", 48)
        now = int(time.time())
        session = fixture("checkout_session.json")
        session.update(
            id=session_id, created=now, expires_at=int(params.get("expires_at") or now + 86400),
            amount_subtotal=amount, amount_total=amount,
            currency=line_items[0]["price_data"]["currency"],
            client_reference_id=params.get("client_reference_id"),
            metadata=params.get("metadata") or {}, mode=params["mode"],
            submit_type=params.get("submit_type"), locale=params.get("locale"),
            success_url=params.get("success_url"), cancel_url=params.get("cancel_url"),
            customer_email=params.get("customer_email"), customer_details=None,
            allowed_payment_method_types=methods, payment_method_types=methods or ["card"],
            payment_method_options={name: dict(value) for name, value in options.items()},
            status="open", payment_status="unpaid", payment_intent=None,
            url=self.checkout_url + session_id,
        )
        self.sessions[session_id] = session
        self.line_items[session_id] = line_items
        return copy.deepcopy(session)

    def _session(self, session_id):
        if session_id not in self.sessions:
            raise StripeReply(404, "invalid_request_error",
                              f"No such checkout.session: '{session_id}'", code="resource_missing",
                              param="session")
        return self.sessions[session_id]

    def _get_session(self, params, id):
        return copy.deepcopy(self._session(id))

    def _expire_session(self, params, id):
        if self._session(id)["status"] != "open":
            raise StripeReply(400, "invalid_request_error",
                              "Only Checkout Sessions with a status of open can be expired.")
        return self.expire(id)

    def _create_refund(self, params):
        self._check(params, RefundCreateParams)
        payment_intent = params.get("payment_intent")
        if not payment_intent and params.get("charge"):
            payment_intent = next((pi for pi, p in self.payments.items()
                                   if p["charge"] == params["charge"]), None)
        if payment_intent not in self.payments:
            raise StripeReply(404, "invalid_request_error",
                              f"No such payment_intent: '{payment_intent}'",
                              code="resource_missing", param="payment_intent")
        payment = self.payments[payment_intent]
        left = payment["amount"] - payment["refunded"]
        if left <= 0:
            raise StripeReply(400, "invalid_request_error",
                              f"Charge {payment['charge']} has already been refunded.",
                              code="charge_already_refunded")
        amount = int(params.get("amount", left))
        if amount > left:
            raise StripeReply(400, "invalid_request_error",
                              f"Refund amount ({_yuan(amount)}) is greater than unrefunded amount "
                              f"on charge ({_yuan(left)})", code="amount_too_large", param="amount")
        payment["refunded"] += amount
        made = fixture("refund.json")
        made.update(id=new_id("re_3"), amount=amount, charge=payment["charge"],
                    payment_intent=payment_intent, currency=payment["currency"],
                    created=int(time.time()), reason=params.get("reason"),
                    metadata=params.get("metadata") or {}, status="succeeded")
        self.refunds[made["id"]] = made
        return copy.deepcopy(made)

    def _list_refunds(self, params):
        self._check(params, RefundListParams)
        found = [r for r in self.refunds.values()
                 if params.get("payment_intent") in (None, r["payment_intent"])
                 and params.get("charge") in (None, r["charge"])]
        found.sort(key=lambda r: r["created"], reverse=True)
        return {"object": "list", "data": copy.deepcopy(found), "has_more": False,
                "url": "/v1/refunds"}

    def _get_refund(self, params, id):
        if id not in self.refunds:
            raise StripeReply(404, "invalid_request_error", f"No such refund: '{id}'",
                              code="resource_missing", param="id")
        return copy.deepcopy(self.refunds[id])


def _yuan(fen):
    return f"¥{Decimal(fen).scaleb(-2):,.2f}"


# --- the local fake server -------------------------------------------------------------------

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
        amount = _yuan(session["amount_total"])
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


# --- pytest fixtures -------------------------------------------------------------------------

def configure(settings, api_base=""):
    """Donations on, with the fake's keys (pytest-django's `settings`)."""
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_PAYMENT_METHODS = ["card", "alipay", "wechat_pay"]
    settings.STRIPE_API_BASE = api_base


@pytest.fixture
def fake_stripe(settings, monkeypatch):
    """Donations configured; every API call the gateway makes is answered by a FakeStripe."""
    from grants.donations import stripe_gateway

    configure(settings)
    fake = FakeStripe()
    monkeypatch.setattr(stripe_gateway, "HTTP_CLIENT", fake)
    return fake


@pytest.fixture
def fake_stripe_server(settings):
    """A running FakeStripeServer with STRIPE_API_BASE pointing at it; set its
    `webhook_url` (e.g. live_server.url + "/stripe/webhook/") before paying."""
    with FakeStripeServer() as server:
        configure(settings, api_base=server.url)
        yield server
