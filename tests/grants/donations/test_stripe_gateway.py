"""The Stripe boundary: exact money, what is sent to Checkout, webhooks verified offline, the
event summaries, and the local fake server's round trip. Nothing here reaches the network."""

import http.client
import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
import stripe
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import path
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from grants.donations import stripe_gateway as gateway
from tests.stripe_fake import (  # noqa: F401 (fixtures)
    TOO_OLD,
    WEBHOOK_SECRET,
    FakeStripeServer,
    event,
    fake_stripe,
    fixture,
    post_webhook,
    signed,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def donate(**overrides):
    arguments = {
        "amount": Decimal("150000.00"),
        "description": "Donation: community garden",
        "reference": "DON-2026-0042",
        "metadata": {"donation": 42, "fund": "7"},
        "success_url": "http://testserver/en/donate/thanks/?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://testserver/en/donate/",
        "customer_email": "donor@example.com",
        "language": "zh-hans",
        "idempotency_key": "donation-42-checkout",
    }
    return gateway.create_checkout_session(**{**arguments, **overrides})


# --- money -----------------------------------------------------------------------------------

def test_to_fen_is_exact():
    assert gateway.to_fen(Decimal("0.01")) == 1
    assert gateway.to_fen(Decimal("150000.00")) == 15000000
    assert gateway.to_fen(Decimal("0")) == 0
    assert gateway.to_fen(Decimal("19.9")) == 1990
    assert gateway.to_fen(Decimal("7")) == 700
    assert gateway.to_fen(Decimal("1.000")) == 100  # trailing zeros are still whole fen
    assert gateway.to_fen(Decimal("99999999999999.99")) == 9999999999999999


@pytest.mark.parametrize("amount", [Decimal("1.005"), Decimal("0.001"), Decimal("-0.01"),
                                    Decimal("-1"), Decimal("NaN"), Decimal("Infinity")])
def test_to_fen_refuses_fractions_of_a_fen_and_negatives(amount):
    with pytest.raises(ValueError):
        gateway.to_fen(amount)


@pytest.mark.parametrize("amount", [1.1, 10, "10.00"])
def test_to_fen_refuses_anything_but_decimal(amount):
    with pytest.raises(TypeError):
        gateway.to_fen(amount)


def test_from_fen_gives_two_places_exactly():
    assert gateway.from_fen(1) == Decimal("0.01")
    assert str(gateway.from_fen(1)) == "0.01"
    assert str(gateway.from_fen(15000000)) == "150000.00"
    assert str(gateway.from_fen(0)) == "0.00"
    assert all(gateway.to_fen(gateway.from_fen(fen)) == fen for fen in range(0, 100001, 7))
    with pytest.raises(TypeError):
        gateway.from_fen(1.0)


# --- configuration ---------------------------------------------------------------------------

def test_problems_lists_what_is_missing(settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    assert gateway.problems() == [
        "STRIPE_SECRET_KEY is not set.", "STRIPE_WEBHOOK_SECRET is not set."]
    assert not gateway.is_enabled()
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    assert gateway.problems() == ["STRIPE_WEBHOOK_SECRET is not set."]


def test_problems_is_empty_when_configured(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_123"
    settings.STRIPE_PUBLISHABLE_KEY = ""  # hosted Checkout does not need it
    assert gateway.problems() == []
    assert gateway.is_enabled()
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_123"
    assert gateway.problems() == []


def test_problems_notices_keys_in_the_wrong_place(settings):
    settings.STRIPE_SECRET_KEY = "pk_test_123"
    settings.STRIPE_WEBHOOK_SECRET = "sk_test_123"
    settings.STRIPE_PUBLISHABLE_KEY = ""
    found = gateway.problems()
    assert len(found) == 2
    assert "sk_" in found[0] and "whsec_" in found[1]
    settings.STRIPE_SECRET_KEY = "sk_live_123"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_123"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_123"
    assert gateway.problems() == [
        "STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY belong to different modes (one is a test "
        "key, the other a live key)."]


def test_client_honours_the_api_base(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_API_BASE = "http://127.0.0.1:12111/"
    assert gateway.client()._requestor._options.base_addresses["api"] == "http://127.0.0.1:12111"
    settings.STRIPE_API_BASE = ""
    assert gateway.client()._requestor._options.base_addresses["api"] == stripe.DEFAULT_API_BASE


# --- Checkout --------------------------------------------------------------------------------

def test_the_checkout_session_request_carries_everything(fake_stripe):
    session = donate()

    sent = fake_stripe.last("/v1/checkout/sessions", "post")
    assert sent.idempotency_key == "donation-42-checkout"
    assert sent.stripe_version == stripe.api_version
    params = sent.params
    assert params["mode"] == "payment"
    assert params["submit_type"] == "donate"
    assert params["line_items"] == [{"quantity": "1", "price_data": {
        "currency": "cny", "unit_amount": "15000000",
        "product_data": {"name": "Donation: community garden"}}}]
    assert params["client_reference_id"] == "DON-2026-0042"
    assert params["metadata"] == {"donation": "42", "fund": "7"}
    assert params["payment_intent_data"]["metadata"] == {"donation": "42", "fund": "7"}
    assert params["allowed_payment_method_types"] == ["card", "alipay", "wechat_pay"]
    assert params["payment_method_options"] == {"wechat_pay": {"client": "web"}}
    assert params["locale"] == "zh"
    assert params["customer_email"] == "donor@example.com"
    assert params["success_url"].endswith("?session_id={CHECKOUT_SESSION_ID}")
    assert session.id.startswith("cs_test_")
    assert session.url == "https://checkout.stripe.com/c/pay/" + session.id
    assert fake_stripe.sessions[session.id]["amount_total"] == 15000000


def test_english_visitors_get_an_english_checkout_and_no_email_is_sent_when_unknown(fake_stripe):
    donate(language="en", customer_email=None)
    params = fake_stripe.last().params
    assert params["locale"] == "en"
    assert "customer_email" not in params


def test_wechat_pay_options_only_accompany_wechat_pay(fake_stripe, settings):
    settings.STRIPE_PAYMENT_METHODS = ["card", "alipay"]
    donate()
    params = fake_stripe.last().params
    assert params["allowed_payment_method_types"] == ["card", "alipay"]
    assert "payment_method_options" not in params


def test_no_listed_methods_leaves_the_choice_to_the_dashboard(fake_stripe, settings):
    settings.STRIPE_PAYMENT_METHODS = []
    donate()
    params = fake_stripe.last().params
    assert "allowed_payment_method_types" not in params
    assert params["payment_method_options"] == {"wechat_pay": {"client": "web"}}


def test_the_same_idempotency_key_gives_the_same_session(fake_stripe):
    first = donate()
    again = donate()  # a double-clicked Donate
    other = donate(idempotency_key="donation-43-checkout")
    assert again == first
    assert other.id != first.id
    assert len(fake_stripe.sessions) == 2
    assert len(fake_stripe.sent("/v1/checkout/sessions")) == 3


def test_a_reused_key_with_other_parameters_is_refused(fake_stripe):
    donate()
    with pytest.raises(gateway.GatewayError) as raised:
        donate(amount=Decimal("10.00"))
    assert isinstance(raised.value.stripe_error, stripe.IdempotencyError)


def test_the_pinned_api_version_knows_no_payment_method_types_parameter(fake_stripe):
    """API 2026-09-30.endive removed it from session creation; the fake checks parameters
    against the SDK's own definitions, so a gateway that sent it would fail here."""

    with pytest.raises(stripe.InvalidRequestError, match="unknown parameter: payment_method_types"):
        gateway.client().v1.checkout.sessions.create({
            "mode": "payment", "payment_method_types": ["card"], "success_url": "http://x/",
            "line_items": [{"quantity": 1, "price_data": {
                "currency": "cny", "unit_amount": 100, "product_data": {"name": "x"}}}]})


def test_a_stripe_error_becomes_a_gateway_error_with_a_message(fake_stripe):
    fake_stripe.fail_next("invalid_request_error", "The payment method type wechat_pay is invalid.")
    with pytest.raises(gateway.GatewayError) as raised:
        donate()
    assert "Nothing has been charged" in str(raised.value)
    assert raised.value.message == str(raised.value)
    assert isinstance(raised.value.stripe_error, stripe.InvalidRequestError)
    # Nothing was stored under the key: trying again after the failure works.
    assert donate().id in fake_stripe.sessions


def test_stripe_being_unreachable_becomes_a_gateway_error(fake_stripe):
    fake_stripe.fail_next("connection", "Connection refused")
    with pytest.raises(gateway.GatewayError) as raised:
        donate()
    assert "could not be reached" in str(raised.value)
    assert isinstance(raised.value.stripe_error, stripe.APIConnectionError)


def test_donations_switched_off_send_nothing(fake_stripe, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    with pytest.raises(gateway.GatewayError, match="switched off"):
        donate()
    assert fake_stripe.requests == []


def test_amounts_that_are_not_whole_fen_send_nothing(fake_stripe):
    for amount in (Decimal("10.005"), Decimal("0"), Decimal("-5")):
        with pytest.raises(ValueError):
            donate(amount=amount)
    assert fake_stripe.requests == []


def retrieve_checkout_session(session_id):
    """The session as Stripe has it now, read with the gateway's client and summary (what a
    success page arriving before the webhook would do)."""
    session = gateway.client().v1.checkout.sessions.retrieve(session_id)
    return gateway._checkout_summary(session.to_dict())


def test_retrieving_a_session_reads_it_as_stripe_has_it(fake_stripe):
    session = donate()
    fake_stripe.complete(session.id)
    summary = retrieve_checkout_session(session.id)
    assert summary.payment_status == "paid"
    assert summary.amount_total == Decimal("150000.00")
    assert summary.payment_intent_id.startswith("pi_")


# --- refunds ---------------------------------------------------------------------------------

def test_a_partial_refund_sends_fen_and_its_key(fake_stripe):
    session = fake_stripe.complete(donate().id)
    made = gateway.refund(session["payment_intent"], Decimal("50.25"), "donation-42-refund-1")
    sent = fake_stripe.last("/v1/refunds", "post")
    assert sent.params == {"payment_intent": session["payment_intent"], "amount": "5025"}
    assert sent.idempotency_key == "donation-42-refund-1"
    assert made.id.startswith("re_")
    assert made.status == "succeeded"
    assert made.amount == Decimal("50.25")
    assert made.payment_intent_id == session["payment_intent"]


def test_refunding_the_rest_and_then_too_much(fake_stripe):
    session = fake_stripe.complete(donate(amount=Decimal("200.00")).id)
    pi = session["payment_intent"]
    gateway.refund(pi, Decimal("50.00"), "r1")
    rest = gateway.refund(pi, None, "r2")
    assert rest.amount == Decimal("150.00")
    assert "amount" not in fake_stripe.last("/v1/refunds").params
    with pytest.raises(gateway.GatewayError, match="already been refunded"):
        gateway.refund(pi, Decimal("1.00"), "r3")
    listed = gateway.refunds_for(pi)
    assert sorted(r.amount for r in listed) == [Decimal("50.00"), Decimal("150.00")]
    summary = gateway.refund_summary(event("charge.refunded", fake_stripe.charge(pi)))
    assert summary.amount_refunded == Decimal("200.00")
    assert summary.fully_refunded


def test_an_over_refund_explains_itself(fake_stripe):
    session = fake_stripe.complete(donate(amount=Decimal("20.00")).id)
    with pytest.raises(gateway.GatewayError) as raised:
        gateway.refund(session["payment_intent"], Decimal("20.01"), "too-much")
    assert str(raised.value).startswith("Stripe refused the refund: Refund amount (¥20.01)")



def test_a_refund_while_stripe_is_unreachable_says_so(fake_stripe):
    session = fake_stripe.complete(donate().id)
    fake_stripe.fail_next("connection", path="/v1/refunds")
    with pytest.raises(gateway.GatewayError, match="could not be reached") as raised:
        gateway.refund(session["payment_intent"], None, "refund-unreachable")
    assert "charged" not in str(raised.value)
    assert gateway.refund(session["payment_intent"], None, "refund-unreachable").amount == \
        Decimal("150000.00")

# --- webhooks --------------------------------------------------------------------------------

def test_construct_event_accepts_a_correctly_signed_payload(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    body, header = signed(fixture("checkout_session_completed"))
    verified = gateway.construct_event(body, header)
    assert isinstance(verified, stripe.Event)
    assert verified.id == "evt_1QxR7dH2sd4kLm0AqW3eR5tY"
    assert verified.type == "checkout.session.completed"


def test_construct_event_rejects_a_tampered_body(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    body, header = signed(fixture("checkout_session_completed"))
    tampered = body.replace(b'"amount_total": 20000', b'"amount_total": 2000000')
    assert tampered != body
    with pytest.raises(gateway.WebhookError, match="signature"):
        gateway.construct_event(tampered, header)


def test_construct_event_rejects_an_old_timestamp(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    body, header = signed(fixture("checkout_session_completed"), age=TOO_OLD)
    with pytest.raises(gateway.WebhookError, match="tolerance"):
        gateway.construct_event(body, header)


@pytest.mark.parametrize("header", ["", "t=123", "nonsense"])
def test_construct_event_rejects_missing_or_garbled_signatures(settings, header):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    body, _ = signed(fixture("checkout_session_completed"))
    with pytest.raises(gateway.WebhookError):
        gateway.construct_event(body, header)


def test_construct_event_rejects_another_secret_and_a_body_that_is_not_an_event(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    body, header = signed(fixture("checkout_session_completed"), "whsec_someone_else")
    with pytest.raises(gateway.WebhookError):
        gateway.construct_event(body, header)
    body, header = signed(b"not json")
    with pytest.raises(gateway.WebhookError, match="payload"):
        gateway.construct_event(body, header)
    with pytest.raises(gateway.WebhookError):
        gateway.construct_event(b"\xff\xfe", header)  # not even UTF-8


def test_construct_event_refuses_everything_without_a_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    body, header = signed(fixture("checkout_session_completed"))
    with pytest.raises(gateway.WebhookError):
        gateway.construct_event(body, header)


# --- summaries -------------------------------------------------------------------------------

def verified(name, settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return gateway.construct_event(*signed(fixture(name)))


def test_the_completed_session_summary_reads_exact_yuan(settings):
    summary = gateway.checkout_session_summary(verified("checkout_session_completed", settings))
    assert summary == gateway.CheckoutSummary(
        session_id="cs_test_a1Q8vZr2Kx7mN4pL9sT3wE6yU0iO5aD2fG8hJ1kB4nM7cX9vRbS2",
        payment_intent_id="pi_3QxR7bH2sd4kLm0A1x9KpQzT",
        amount_total=Decimal("200.00"), currency="cny", status="complete", payment_status="paid",
        client_reference_id="DON-2026-0042", metadata={"donation": "42", "fund": "7"},
        customer_email="donor@example.com", customer_name="李明", livemode=False)
    assert str(summary.amount_total) == "200.00"
    # The same from a plain dict (a stored payload).
    assert gateway.checkout_session_summary(fixture("checkout_session_completed")) == summary


def test_delayed_payments_complete_unpaid_and_succeed_later(settings):
    completed = gateway.checkout_session_summary(
        verified("checkout_session_completed_unpaid", settings))
    succeeded = gateway.checkout_session_summary(verified("async_payment_succeeded", settings))
    failed = gateway.checkout_session_summary(verified("async_payment_failed", settings))
    expired = gateway.checkout_session_summary(verified("checkout_session_expired", settings))
    assert (completed.payment_status, succeeded.payment_status) == ("unpaid", "paid")
    assert failed.payment_status == "unpaid"
    assert (expired.status, expired.payment_intent_id) == ("expired", None)
    assert {s.session_id for s in (completed, succeeded, failed, expired)} == {completed.session_id}


def test_the_refund_summary_reads_the_total_refunded_to_date(settings):
    summary = gateway.refund_summary(verified("charge_refunded", settings))
    assert summary.charge_id == "ch_3QxR7bH2sd4kLm0A1v2WnB5e"
    assert summary.payment_intent_id == "pi_3QxR7bH2sd4kLm0A1x9KpQzT"
    assert summary.amount == Decimal("200.00")
    assert summary.amount_refunded == Decimal("50.00")
    assert not summary.fully_refunded
    assert summary.refunds == ()  # current API versions send the charge without its refunds
    assert summary.metadata == {"donation": "42", "fund": "7"}


def test_the_refund_summary_lists_refunds_when_the_charge_carries_them():
    charge = fixture("charge_refunded")["data"]["object"]
    refund = fixture("refund")
    charge["refunds"] = {"object": "list", "data": [refund], "has_more": False,
                         "url": f"/v1/charges/{charge['id']}/refunds"}
    summary = gateway.refund_summary(event("charge.refunded", charge))
    assert summary.refunds == (gateway.RefundLine(id=refund["id"], amount=Decimal("50.00"),
                                                  status="succeeded"),)


def test_summaries_refuse_the_wrong_kind_of_object():
    with pytest.raises(gateway.WebhookError):
        gateway.checkout_session_summary(fixture("charge_refunded"))
    with pytest.raises(gateway.WebhookError):
        gateway.refund_summary(fixture("checkout_session_completed"))


# --- a Django view receiving the fake's webhook ------------------------------------------------

@csrf_exempt
@require_POST
def _webhook(request):
    try:
        verified_event = gateway.construct_event(
            request.body, request.headers.get("Stripe-Signature"))
    except gateway.WebhookError:
        return HttpResponseBadRequest()
    return HttpResponse(gateway.checkout_session_summary(verified_event).amount_total)


urlpatterns = [path("stripe/webhook/", _webhook)]


def test_a_session_then_its_signed_webhook_through_the_django_test_client(
        fake_stripe, client, settings):
    settings.ROOT_URLCONF = __name__
    session = fake_stripe.complete(donate().id)
    completed = event("checkout.session.completed", session)
    response = post_webhook(client, "/stripe/webhook/", completed)
    assert response.status_code == 200
    assert response.content == b"150000.00"
    stale = post_webhook(client, "/stripe/webhook/", completed, age=TOO_OLD)
    assert stale.status_code == 400


# --- the local fake server -------------------------------------------------------------------

class _Receiver:
    """A tiny webhook endpoint on 127.0.0.1 recording what it is sent."""

    def __init__(self):
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((body, self.headers["Stripe-Signature"]))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/stripe/webhook/" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def _fetch(url, method="GET"):
    """(status, headers, body) without following redirects."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if method == "POST" else {}
        body = b"" if method == "POST" else None
        connection.request(method, parts.path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8")
    finally:
        connection.close()


def test_the_fake_server_round_trip(settings, monkeypatch):
    monkeypatch.setattr(gateway, "HTTP_CLIENT", None)  # the SDK's real transport, over loopback
    with _Receiver() as receiver, FakeStripeServer(webhook_url=receiver.url) as server:
        settings.STRIPE_SECRET_KEY = "sk_test_round_trip"
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_API_BASE = server.url

        session = donate(success_url="http://testserver/thanks/?session_id={CHECKOUT_SESSION_ID}",
                         cancel_url="http://testserver/donate/")
        assert session.url == f"{server.url}/pay/{session.id}"
        assert server.fake.last("/v1/checkout/sessions").idempotency_key == "donation-42-checkout"
        assert donate(success_url="http://testserver/thanks/?session_id={CHECKOUT_SESSION_ID}",
                      cancel_url="http://testserver/donate/") == session  # idempotent over HTTP too

        status, _, page = _fetch(session.url)
        assert status == 200
        assert '<html lang="en">' in page and "<h1>" in page and "<main>" in page
        assert "Pay ¥150,000.00</button>" in page
        assert "Donation: community garden" in page
        assert "<link" not in page and "<script" not in page and "src=" not in page

        status, headers, _ = _fetch(session.url + "/cancel")
        assert (status, headers["Location"]) == (303, "http://testserver/donate/")
        assert receiver.received == []

        status, headers, _ = _fetch(session.url, "POST")
        assert status == 303
        assert headers["Location"] == f"http://testserver/thanks/?session_id={session.id}"

        assert len(receiver.received) == 1
        body, signature = receiver.received[0]
        verified_event = gateway.construct_event(body, signature)
        assert verified_event.type == "checkout.session.completed"
        summary = gateway.checkout_session_summary(verified_event)
        assert summary.session_id == session.id
        assert summary.payment_status == "paid"
        assert summary.amount_total == Decimal("150000.00")
        assert summary.metadata == {"donation": "42", "fund": "7"}
        assert summary.client_reference_id == "DON-2026-0042"
        assert summary.payment_intent_id.startswith("pi_")
        assert [d.status for d in server.deliveries] == [200]

        # Paying again changes nothing and sends nothing.
        status, headers, page = _fetch(session.url, "POST")
        assert status == 303 and len(receiver.received) == 1
        assert "nothing left to pay" in _fetch(session.url)[2]

        # Tests can send further events the same way (a refund, a duplicate delivery…).
        refund = gateway.refund(summary.payment_intent_id, Decimal("0.01"), "refund-1")
        server.deliver(event("charge.refunded", server.fake.charge(summary.payment_intent_id)))
        refunded = gateway.refund_summary(gateway.construct_event(*receiver.received[-1]))
        assert refunded.amount_refunded == refund.amount == Decimal("0.01")
        assert json.loads(receiver.received[-1][0])["type"] == "charge.refunded"
