"""A gift whose money arrives when its award no longer accepts gifts goes to the donation pool
(or, with no pool open, is held for a refund), and the donor is told. One rule decides
(`rules.accepts_gifts`): the Donate page, starting a checkout and the ledger receiving it."""

from decimal import Decimal

import pytest
from django.utils import translation

from grants.donations import services as service
from grants.donations import stripe_gateway as gateway
from grants.donations.models import Donation
from grants.funding.models import Award, BudgetEntry, Fund
from grants.funding.rules import accepts_gifts
from grants.funding.services import awards, ledger
from portal.public import donations_raised
from tests.grants.donations.donation_fixtures import (  # noqa: F401
    WEBHOOK,
    award,
    matching_fund,
    pay,
    pool,
    refunded,
    start,
)
from tests.stripe_fake import fake_stripe, post_webhook  # noqa: F401

pytestmark = pytest.mark.django_db
D = Decimal
ACCEPTING = {Award.Status.CONTRACTING, Award.Status.ACTIVE}


def test_every_state_of_an_award_has_an_answer_and_a_reason(award):
    for status in Award.Status.values:
        award.status = status
        answer = accepts_gifts(award)
        assert answer.answer == (status in ACCEPTING)
        assert bool(answer.reason) != answer.answer


@pytest.mark.parametrize("status", Award.Status.values)
def test_money_arriving_in_each_state_goes_where_the_donor_expects(fake_stripe, client, award, pool, status):
    donation = start(award, amount=D("80.00"))  # started while the award took gifts
    Award.objects.filter(pk=award.pk).update(status=status)
    before = Award.objects.get(pk=award.pk)
    assert pay(client, fake_stripe, donation).status_code == 200
    donation.refresh_from_db()
    after = Award.objects.get(pk=award.pk)
    pool.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    if status in ACCEPTING:
        assert (donation.award_id, donation.fund_id, donation.redirected_from_id) == (award.pk, None, None)
        assert after.donations_applied == before.donations_applied + D("80.00")
        assert donation.matched == D("80.00") and after.matched == before.matched + D("80.00")
        assert pool.budget == 0
    else:
        assert (donation.award_id, donation.fund_id, donation.redirected_from_id) == (None, pool.pk, award.pk)
        assert (after.donations_applied, after.matched, after.amount) == (
            before.donations_applied, before.matched, before.amount)
        assert after.tranches.count() == before.tranches.count()
        assert donation.matched == 0
        assert (pool.budget, pool.donations_received) == (D("80.00"), D("80.00"))
        assert pool.budget_entries.filter(kind=BudgetEntry.Kind.REDIRECTED_GIFT, donation=donation.public_id).exists()
    assert ledger.check_fund(pool) == []


def test_a_gift_paid_after_staff_ended_the_award_goes_to_the_pool(fake_stripe, client, award, pool, staff,
                                                                   matching_fund):
    donation = start(award, amount=D("100.00"))
    awards.terminate(award, staff, "机构注销")
    pay(client, fake_stripe, donation)
    award.refresh_from_db()
    matching_fund.refresh_from_db()
    assert (award.donations_applied, award.matched) == (0, 0)
    assert matching_fund.matched == 0
    assert not award.tranches.filter(status="planned").exists()  # no tranche that can never be paid
    assert ledger.check_award(award) == [] and ledger.check_fund(pool) == []
    assert ledger.check_fund(matching_fund) == []


@pytest.mark.parametrize(("language", "words"), [
    ("zh-hans", ["提前终止", "南岸区社区公益募捐池"]),
    ("en", ["ended early", "南岸区社区公益募捐池", "went to"])])
def test_the_donor_is_told_by_email_in_their_language(fake_stripe, client, award, pool, staff, mailoutbox,
                                                      django_capture_on_commit_callbacks, language, words):
    donation = start(award, language=language, donor_email="ann@example.org")
    awards.terminate(award, staff, "机构注销")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        pay(client, fake_stripe, donation)
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    for word in words:
        assert word in body
    assert award.proposal.title in body


def test_the_status_page_says_where_the_gift_went(fake_stripe, client, award, pool, staff):
    donation = start(award)
    Award.objects.filter(pk=award.pk).update(status=Award.Status.COMPLETED)
    pay(client, fake_stripe, donation)
    with translation.override("zh-hans"):
        page = client.get(f"/zh-hans/donations/{donation.public_id}/").content.decode()
    assert 'data-testid="redirected"' in page and "已经完成" in page and pool.name_zh in page


def test_with_no_pool_open_the_gift_is_held_for_a_refund(fake_stripe, client, award, staff):
    donation = start(award, amount=D("60.00"))
    awards.terminate(award, staff, "机构注销")
    award.refresh_from_db()
    before = award.amount
    pay(client, fake_stripe, donation)
    donation.refresh_from_db()
    award.refresh_from_db()
    assert donation.held and donation.award_id == award.pk and donation.fund_id is None
    assert award.amount == before and ledger.check_award(award) == []
    page = client.get(f"/en/donations/{donation.public_id}/").content.decode()
    assert "the centre will refund it" in page
    assert donations_raised(award) == (0, 0)  # the public total never counted it
    client.force_login(staff)
    assert 'data-testid="held"' in client.get(f"/en/awards/{award.pk}/").content.decode()
    gateway.refund(donation.payment_intent_id, None, "held-refund")
    post_webhook(client, WEBHOOK, refunded(fake_stripe, donation))
    donation.refresh_from_db()
    award.refresh_from_db()
    assert donation.status == Donation.Status.REFUNDED and award.amount == before
    assert award.refund_shortfall == 0


def test_refunding_a_redirected_gift_takes_it_out_of_the_pool(fake_stripe, client, award, pool, staff):
    donation = start(award, amount=D("90.00"))
    awards.terminate(award, staff, "机构注销")
    pay(client, fake_stripe, donation)
    donation.refresh_from_db()
    gateway.refund(donation.payment_intent_id, None, "redirected-refund")
    post_webhook(client, WEBHOOK, refunded(fake_stripe, donation))
    pool.refresh_from_db()
    assert (pool.budget, pool.donations_received) == (D("0"), D("0"))
    assert ledger.check_fund(pool) == []


def test_checkout_and_the_donate_page_refuse_a_completed_award_with_the_reason(fake_stripe, client, award):
    Award.objects.filter(pk=award.pk).update(status=Award.Status.COMPLETED)
    award.refresh_from_db()
    with pytest.raises(Exception, match="已经完成"):
        start(award)
    page = client.get(f"/en/projects/{award.pk}/donate/").content.decode()
    assert "This project is completed and no longer accepts donations." in page
    assert not Donation.objects.exists()


def test_the_pool_is_the_same_fund_for_donors_and_for_ended_awards(pool):
    newer = Fund.objects.create(name_zh="新募捐池", kind=Fund.Kind.DONATIONS, year=pool.year, owner_zh="中心",
                                budget=D("0"))
    assert service.donation_pool() == ledger.donation_pool() == newer  # the newest of the year


def test_reconciliation_finds_pool_gifts_that_disagree_with_the_donations(fake_stripe, client, award, pool, staff):
    gift = start(pool=pool, amount=D("40.00"))
    pay(client, fake_stripe, gift)
    redirected = start(award, amount=D("70.00"))
    awards.terminate(award, staff, "机构注销")
    pay(client, fake_stripe, redirected)
    assert service.check_pool(pool) == [] and ledger.check_fund(pool) == []
    Donation.objects.filter(pk=redirected.pk).update(refunded=D("70.00"))  # a refund the ledger never saw
    assert service.check_pool(pool)
    Donation.objects.filter(pk=redirected.pk).update(refunded=D("0"))
    BudgetEntry.objects.filter(donation=gift.public_id).update(amount=D("4.00"))  # an entry changed by hand
    assert service.check_pool(pool) and ledger.check_fund(pool)
