"""Stripe's webhook events, signed as Stripe signs them, and the recorded objects they carry."""

import copy
import json
import secrets
import string
import time
from pathlib import Path

import stripe

FIXTURES = Path(__file__).parent.parent / "fixtures" / "stripe"
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
