"""The only module that talks to Stripe: Checkout for public donations, refunds, webhooks.

Money crosses this boundary as `Decimal` yuan with two places; fen (Stripe's minor units for
CNY) exist only inside this module (`to_fen` / `from_fen`, never a float).

Configuration (config/settings.py): STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET switch
donations on (`problems()` says what is missing); STRIPE_PAYMENT_METHODS lists what Checkout
offers (empty: whatever the Stripe dashboard enables); STRIPE_API_BASE sends the SDK's API
calls to a local fake instead of api.stripe.com (development and tests only).

The donation flow needs these webhook events (subscribe the endpoint to exactly these):

- ``checkout.session.completed``: the donor finished Checkout. ``payment_status`` is
  ``"paid"`` for cards, Alipay and WeChat Pay; ``"unpaid"`` for delayed methods, whose
  outcome arrives later as one of the next two.
- ``checkout.session.async_payment_succeeded``: a delayed payment arrived (now ``"paid"``).
- ``checkout.session.async_payment_failed``: a delayed payment failed; nothing was received.
- ``checkout.session.expired``: the donor never paid (24 hours after creation by default).
- ``charge.refunded``: money went back, whether staff refunded here (`refund`) or in the
  Stripe dashboard. ``amount_refunded`` is the total refunded to date; since API version
  2022-11-15 the charge no longer carries its ``refunds`` list, so reconcile on the total
  (`refunds_for` lists the individual refunds when they are needed).

All ``checkout.session.*`` events carry a Checkout Session: read them with
`checkout_session_summary`; read ``charge.refunded`` with `refund_summary`. Both accept the
`stripe.Event` that `construct_event` returns or the same event as a plain dict (e.g. a
stored payload).

Tests never reach the network: they set `HTTP_CLIENT` to a fake `stripe.HTTPClient`
(``monkeypatch.setattr(stripe_gateway, "HTTP_CLIENT", FakeStripe())``, which the
``fake_stripe`` fixture in tests/stripe_fake/ does), or point STRIPE_API_BASE at the local
fake server there. `client(http_client=...)` takes a transport for a single call site.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from core.money import round_money

logger = logging.getLogger(__name__)

CURRENCY = "cny"

#: A test's fake transport (any `stripe.HTTPClient`); None means the real network.
HTTP_CLIENT: stripe.HTTPClient | None = None

#: Every POST carries an idempotency key, so the SDK may safely retry a lost request.
NETWORK_RETRIES = 2
#: Seconds the donor waits at most for one API call (the SDK's own default is 80).
TIMEOUT_SECONDS = 30

CHECKOUT_COMPLETED = "checkout.session.completed"
CHECKOUT_ASYNC_SUCCEEDED = "checkout.session.async_payment_succeeded"
CHECKOUT_ASYNC_FAILED = "checkout.session.async_payment_failed"
CHECKOUT_EXPIRED = "checkout.session.expired"
CHARGE_REFUNDED = "charge.refunded"
#: The webhook event types the donation flow handles.
EVENT_TYPES = (CHECKOUT_COMPLETED, CHECKOUT_ASYNC_SUCCEEDED, CHECKOUT_ASYNC_FAILED,
               CHECKOUT_EXPIRED, CHARGE_REFUNDED)


class GatewayError(Exception):
    """Stripe refused the request or could not be reached.

    ``str(error)`` (also ``error.message``) is a translated sentence fit to show the person
    who asked; ``stripe_error`` keeps the SDK's exception for logs.
    """

    def __init__(self, message, *, stripe_error=None):
        super().__init__(message)
        self.message = message
        self.stripe_error = stripe_error
        self.code = getattr(stripe_error, "code", None)
        self.request_id = getattr(stripe_error, "request_id", None)


class WebhookError(Exception):
    """The webhook's body or Stripe-Signature is not acceptable: answer HTTP 400."""


# --- configuration ---------------------------------------------------------------------------

def problems():
    """Why donations are off, as translated sentences (empty when they are on)."""

    found = []
    secret_key = settings.STRIPE_SECRET_KEY
    publishable_key = settings.STRIPE_PUBLISHABLE_KEY
    webhook_secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret_key:
        found.append(_("%(setting)s is not set.") % {"setting": "STRIPE_SECRET_KEY"})
    elif not secret_key.startswith(("sk_", "rk_")):
        found.append(_("STRIPE_SECRET_KEY is not a secret key: it should start with sk_ or rk_."))
    if not webhook_secret:
        found.append(_("%(setting)s is not set.") % {"setting": "STRIPE_WEBHOOK_SECRET"})
    elif not webhook_secret.startswith("whsec_"):
        found.append(_("STRIPE_WEBHOOK_SECRET is not a webhook signing secret: it should start "
                       "with whsec_."))
    # Hosted Checkout does not need the publishable key; when given, it must match.
    if publishable_key:
        if not publishable_key.startswith("pk_"):
            found.append(_("STRIPE_PUBLISHABLE_KEY is not a publishable key: it should start "
                           "with pk_."))
        elif secret_key and _mode(secret_key) != _mode(publishable_key):
            found.append(_("STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY belong to different "
                           "modes (one is a test key, the other a live key)."))
    return found


def is_enabled():
    return not problems()


def _mode(key):
    return "live" if "_live_" in key else "test"


# --- money -----------------------------------------------------------------------------------

def to_fen(amount):
    """Decimal yuan → int fen, exactly. Refuses floats, negatives and fractions of a fen."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"amounts are Decimal, not {type(amount).__name__}")
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"not an amount of money: {amount}")
    try:
        cents = round_money(amount)
    except InvalidOperation:
        raise ValueError(f"amount too large: {amount}") from None
    if cents != amount:
        raise ValueError(f"{amount} has more than two decimal places")
    return int(cents.scaleb(2))


def from_fen(fen):
    """int fen → Decimal yuan with two places (1 → Decimal("0.01"))."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError(f"fen are int, not {type(fen).__name__}")
    return Decimal(fen).scaleb(-2)


# --- the client ------------------------------------------------------------------------------

_default_http_client = None


def _network():
    global _default_http_client
    if _default_http_client is None:
        # Thread-safe: RequestsClient keeps one requests.Session per thread.
        _default_http_client = stripe.RequestsClient(timeout=TIMEOUT_SECONDS)
    return _default_http_client


def client(http_client=None):
    """A StripeClient for STRIPE_SECRET_KEY (GatewayError when it is not set).

    The transport is, in order: `http_client`, the module's `HTTP_CLIENT` (tests), the network.
    """
    if not settings.STRIPE_SECRET_KEY:
        raise GatewayError(_("Online donations are switched off at the moment."))
    return _client(settings.STRIPE_SECRET_KEY, http_client)


def _client(api_key, http_client=None):
    api_base = settings.STRIPE_API_BASE
    base_addresses = {"api": api_base.rstrip("/")} if api_base else None
    return stripe.StripeClient(
        api_key,
        base_addresses=base_addresses,
        http_client=http_client or HTTP_CLIENT or _network(),
        max_network_retries=NETWORK_RETRIES,
    )


def _failed(error, refused_message, unreachable_message=None):
    logger.warning("Stripe request failed: %r", error)
    if isinstance(error, stripe.APIConnectionError):
        return GatewayError(
            unreachable_message
            or _("The payment service could not be reached. Please try again in a few minutes."),
            stripe_error=error)
    return GatewayError(refused_message, stripe_error=error)


# --- Checkout --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckoutSession:
    id: str  # cs_…
    url: str  # Stripe's hosted page: redirect the donor there (303)


def checkout_locale(language):
    """Checkout's language for a Django language code: "zh" for zh-hans, else "en"."""
    return "zh" if (language or "").lower() in ("zh-hans", "zh-cn", "zh") else "en"


def create_checkout_session(*, amount, description, reference, metadata, success_url, cancel_url,
                            customer_email, language, idempotency_key):
    """Start a hosted Checkout for one donation of `amount` yuan.

    `success_url` may contain Stripe's literal ``{CHECKOUT_SESSION_ID}`` placeholder (append
    it to a reversed URL; `reverse` would escape the braces). The same `idempotency_key`
    (e.g. derived from the pending donation's id) returns the same session for 24 hours, so a
    double-clicked Donate never makes two. Raises GatewayError with a sentence for the donor.
    """
    if not is_enabled():
        raise GatewayError(_("Online donations are switched off at the moment."))
    fen = to_fen(amount)
    if fen <= 0:
        raise ValueError("a donation must be more than nothing")
    if not idempotency_key:
        raise ValueError("an idempotency key is required")
    metadata = _metadata(metadata)
    params = {
        "mode": "payment",
        "submit_type": "donate",
        "line_items": [{
            "quantity": 1,
            "price_data": {
                "currency": CURRENCY,
                "unit_amount": fen,
                "product_data": {"name": description},
            },
        }],
        "client_reference_id": reference,
        "metadata": metadata,
        # The PaymentIntent (and so its charge, refunds and their events) carries them too.
        "payment_intent_data": {"description": description, "metadata": metadata},
        "success_url": success_url,
        "cancel_url": cancel_url,
        "locale": checkout_locale(language),
    }
    if customer_email:
        params["customer_email"] = customer_email
    methods = list(settings.STRIPE_PAYMENT_METHODS)
    if methods:
        # API 2026-09-30.endive removed `payment_method_types` from session creation; this is
        # its replacement (a filter on what the account has enabled).
        params["allowed_payment_method_types"] = methods
    if not methods or "wechat_pay" in methods:
        params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
    try:
        session = client().v1.checkout.sessions.create(
            params, {"idempotency_key": idempotency_key})
    except stripe.StripeError as error:
        raise _failed(
            error,
            _("The payment service could not start the donation. Nothing has been charged; "
              "please try again later."),
            _("The payment service could not be reached. Nothing has been charged; please try "
              "again in a few minutes.")) from error
    return CheckoutSession(id=session.id, url=session.url)


def _metadata(metadata):
    """Stripe's metadata: at most 50 keys of 40 characters, values of 500, all strings."""
    clean = {str(key): "" if value is None else str(value)
             for key, value in (metadata or {}).items()}
    if len(clean) > 50 or any(len(k) > 40 or len(v) > 500 for k, v in clean.items()):
        raise ValueError("metadata exceeds Stripe's limits (50 keys, 40/500 characters)")
    return clean


# --- refunds ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Refund:
    id: str  # re_…
    status: str  # "succeeded", "pending" (Alipay, WeChat Pay may take a while), "failed", …
    amount: Decimal  # yuan
    payment_intent_id: str | None


def refund(payment_intent_id, amount, idempotency_key, *, reason=None, metadata=None):
    """Refund `amount` yuan (None: all that is left) of a payment. Raises GatewayError with a
    sentence for staff, Stripe's own explanation included."""
    if not idempotency_key:
        raise ValueError("an idempotency key is required")
    params = {"payment_intent": payment_intent_id}
    if amount is not None:
        fen = to_fen(amount)
        if fen <= 0:
            raise ValueError("a refund must be more than nothing")
        params["amount"] = fen
    if reason:
        params["reason"] = reason  # "duplicate", "fraudulent" or "requested_by_customer"
    if metadata:
        params["metadata"] = _metadata(metadata)
    try:
        made = client().v1.refunds.create(params, {"idempotency_key": idempotency_key})
    except stripe.StripeError as error:
        raise _failed(error, _("Stripe refused the refund: %(reason)s")
                      % {"reason": getattr(error, "user_message", None) or str(error)}) from error
    return _refund(made.to_dict())


def refunds_for(payment_intent_id):
    """Every refund of a payment, newest first (charge.refunded no longer lists them)."""
    try:
        page = client().v1.refunds.list({"payment_intent": payment_intent_id, "limit": 100})
    except stripe.StripeError as error:
        raise _failed(error, _("The payment service could not list the refunds. Please try again "
                               "later.")) from error
    return [_refund(item.to_dict()) for item in page.data]


def _refund(data):
    return Refund(id=data["id"], status=data.get("status") or "", amount=from_fen(data["amount"]),
                  payment_intent_id=_id(data.get("payment_intent")))


# --- webhooks --------------------------------------------------------------------------------

def construct_event(payload, signature_header):
    """The verified `stripe.Event` of a webhook request body (bytes) and its Stripe-Signature
    header. Raises WebhookError for a missing, wrong or too old signature (the SDK's
    five-minute tolerance) or a body that is not an event: answer HTTP 400."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise WebhookError("STRIPE_WEBHOOK_SECRET is not set")
    # Verification is offline; the client only lends the event its (unused) requestor.
    webhooks = _client(settings.STRIPE_SECRET_KEY or "sk_unset")
    try:
        return webhooks.construct_event(payload, signature_header, secret)
    except stripe.SignatureVerificationError as error:
        raise WebhookError(f"bad signature: {error.user_message or error}") from error
    except ValueError as error:  # not UTF-8, not JSON, or a thin event
        raise WebhookError(f"bad payload: {error}") from error


@dataclass(frozen=True)
class CheckoutSummary:
    session_id: str  # cs_…
    payment_intent_id: str | None  # pi_…; None until the donor confirms
    amount_total: Decimal | None  # yuan
    currency: str  # "cny" (lower case, as Stripe writes it)
    status: str  # "open", "complete" or "expired"
    payment_status: str  # "paid", "unpaid" or "no_payment_required"
    client_reference_id: str | None
    metadata: dict
    customer_email: str | None
    customer_name: str | None
    livemode: bool


@dataclass(frozen=True)
class RefundLine:
    id: str  # re_…
    amount: Decimal  # yuan
    status: str


@dataclass(frozen=True)
class RefundSummary:
    charge_id: str  # ch_…
    payment_intent_id: str | None
    currency: str
    amount: Decimal  # what was charged, yuan
    amount_refunded: Decimal  # refunded so far in total, yuan
    fully_refunded: bool
    refunds: tuple  # RefundLine…; empty unless the charge carried its refunds list
    metadata: dict
    livemode: bool


def event_object(event):
    """``data.object`` of an event (a `stripe.Event` or a dict) as a plain dict."""
    return _plain(event)["data"]["object"]


def checkout_session_summary(event):
    """What the donation service needs from any ``checkout.session.*`` event."""
    session = event_object(event)
    if session.get("object") != "checkout.session":
        raise WebhookError(f"not a Checkout Session: {session.get('object')}")
    return _checkout_summary(session)


def _checkout_summary(session):
    details = session.get("customer_details") or {}
    amount_total = session.get("amount_total")
    return CheckoutSummary(
        session_id=session["id"],
        payment_intent_id=_id(session.get("payment_intent")),
        amount_total=None if amount_total is None else from_fen(amount_total),
        currency=session.get("currency") or "",
        status=session.get("status") or "",
        payment_status=session.get("payment_status") or "",
        client_reference_id=session.get("client_reference_id"),
        metadata=dict(session.get("metadata") or {}),
        customer_email=details.get("email") or session.get("customer_email"),
        customer_name=details.get("name") or details.get("individual_name"),
        livemode=bool(session.get("livemode")),
    )


def refund_summary(event):
    """What the donation service needs from a ``charge.refunded`` event."""
    charge = event_object(event)
    if charge.get("object") != "charge":
        raise WebhookError(f"not a charge: {charge.get('object')}")
    listed = (charge.get("refunds") or {}).get("data") or []
    return RefundSummary(
        charge_id=charge["id"],
        payment_intent_id=_id(charge.get("payment_intent")),
        currency=charge.get("currency") or "",
        amount=from_fen(charge["amount"]),
        amount_refunded=from_fen(charge.get("amount_refunded") or 0),
        fully_refunded=bool(charge.get("refunded")),
        refunds=tuple(RefundLine(id=item["id"], amount=from_fen(item["amount"]),
                                 status=item.get("status") or "") for item in listed),
        metadata=dict(charge.get("metadata") or {}),
        livemode=bool(charge.get("livemode")),
    )


def _plain(value):
    if isinstance(value, stripe.StripeObject):
        return value.to_dict()
    return value


def _id(value):
    """An expandable field: an id, an expanded object, or None."""
    if isinstance(value, dict):
        return value.get("id")
    return value
