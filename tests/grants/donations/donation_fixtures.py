"""A funded project that takes donations, the donation pool, and helpers to give and pay
through the fake Stripe. Import what a module needs:

    from tests.grants.donations.donation_fixtures import award, matching_fund, pool  # noqa: F401
"""

from decimal import Decimal

import pytest

from grants.donations import services as service
from tests.factories import FundFactory, approved, make_award, make_proposal
from tests.stripe_fake import event, post_webhook

WEBHOOK = "/stripe/webhook/"


@pytest.fixture
def matching_fund(db):
    """Matches donations 1:1, at most ¥100 in all."""

    return FundFactory(name_zh="南岸区慈善会配捐资金", match_ratio=Decimal("1"), match_cap=Decimal("100"))


@pytest.fixture
def award(call, organisation, applicant, staff, matching_fund):
    """¥90,000 awarded: ¥60,000 from a fund that matches nothing, ¥30,000 from `matching_fund`."""
    proposal = approved(make_proposal(call, organisation, applicant), applicant, staff, score=Decimal("80"))
    return make_award(proposal, {FundFactory(): Decimal("60000"), matching_fund: Decimal("30000")}, staff)


@pytest.fixture
def pool(db):
    return FundFactory(kind="donations", name_zh="南岸区社区公益募捐池", owner_zh="南岸区社区治理创新中心",
                       budget=Decimal("0"))


def start(award=None, pool=None, **overrides):
    """A donation started through the service (the fake Stripe must be installed)."""
    arguments = {
        "amount": Decimal("100.00"), "donor_name": "李明", "donor_email": "liming@example.com",
        "anonymous": False, "message": "", "language": "zh-hans",
        "success_url": lambda donation: f"http://testserver/zh-hans/donations/{donation.public_id}/",
        "cancel_url": "http://testserver/zh-hans/donate/",
    }
    arguments.update(overrides)
    donation, _url = service.start_donation(award=award, pool=pool, **arguments)
    return donation


def completed(fake, donation, **options):
    """The checkout.session.completed event for a donation its donor has just paid."""
    return event("checkout.session.completed", fake.complete(donation.checkout_session_id, **options))


def pay(client, fake, donation, **options):
    """The donor pays and Stripe's signed webhook arrives; returns the webhook's response."""
    return post_webhook(client, WEBHOOK, completed(fake, donation, **options))


def refunded(fake, donation):
    """charge.refunded as Stripe sends it after its refunds so far (amount_refunded cumulative)."""
    donation.refresh_from_db()
    return event("charge.refunded", fake.charge(donation.payment_intent_id))
