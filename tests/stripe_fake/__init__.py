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

The pieces live in envelopes.py (events and signatures), forms.py (decoding and checking
parameters), api.py (`FakeStripe`) and server.py (`FakeStripeServer`); this module gathers
what tests use, and the fixtures.

Parameters arrive as Stripe receives them: form-encoded strings ("15000000", not 15000000).
"""

import pytest

from tests.stripe_fake.api import FakeStripe
from tests.stripe_fake.envelopes import (
    PUBLISHABLE_KEY,
    SECRET_KEY,
    TOO_OLD,
    WEBHOOK_SECRET,
    event,
    fixture,
    post_webhook,
    signed,
)
from tests.stripe_fake.server import FakeStripeServer

__all__ = [
    "TOO_OLD", "WEBHOOK_SECRET", "FakeStripe", "FakeStripeServer", "configure", "event", "fake_stripe",
    "fake_stripe_server", "fixture", "post_webhook", "signed",
]


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
