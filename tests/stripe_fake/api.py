"""The in-process fake: a `stripe.HTTPClient` the real SDK sends its API requests to."""

import copy
import json
import re
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import stripe
from requests.structures import CaseInsensitiveDict
from stripe.params import RefundCreateParams, RefundListParams
from stripe.params.checkout import SessionCreateParams

from tests.stripe_fake.envelopes import fixture, new_id
from tests.stripe_fake.forms import parse_form, unknown_parameter


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
                              f"Refund amount ({yuan_text(amount)}) is greater than unrefunded amount "
                              f"on charge ({yuan_text(left)})", code="amount_too_large", param="amount")
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


def yuan_text(fen):
    return f"¥{Decimal(fen).scaleb(-2):,.2f}"
