"""Stripe's confirmations tell the apps above (`grants.donations.events`); a staff request
to refund does not, as nothing is refunded until Stripe says so."""

from decimal import Decimal

import pytest

from grants.donations import events
from grants.donations import services as service
from tests.grants.donations.donation_fixtures import (  # noqa: F401 (fixtures)
    WEBHOOK,
    award,
    matching_fund,
    pay,
    refunded,
    start,
)
from tests.stripe_fake import fake_stripe, post_webhook  # noqa: F401 (fixtures)


@pytest.fixture
def heard(db):
    """(event, donation pk) as the donation events are sent."""
    named = []

    def listen(signal, donation, **kwargs):
        named.append(("paid" if signal is events.donation_paid else "refunded", donation.pk))

    events.donation_paid.connect(listen)
    events.donation_refunded.connect(listen)
    yield named
    events.donation_paid.disconnect(listen)
    events.donation_refunded.disconnect(listen)


def test_a_gift_paid_then_refunded_is_told_once_each(heard, fake_stripe, client, award, staff):
    donation = start(award)
    assert heard == []  # started, not paid
    pay(client, fake_stripe, donation)
    assert heard == [("paid", donation.pk)]
    donation.refresh_from_db()
    service.request_refund(donation, staff, Decimal("30"))
    assert heard == [("paid", donation.pk)]
    post_webhook(client, WEBHOOK, refunded(fake_stripe, donation))
    post_webhook(client, WEBHOOK, refunded(fake_stripe, donation))  # the same total again: nothing new
    assert heard == [("paid", donation.pk), ("refunded", donation.pk)]
