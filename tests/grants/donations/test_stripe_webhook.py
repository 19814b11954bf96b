"""Stripe's webhook: signatures, each donation counted exactly once (also when the same event
arrives twice, or twice at the same moment), delayed payments, expiry, refunds with the match
withdrawn, the fund's match cap, and 503 when a row stays locked. All against the fake Stripe."""

import threading
from decimal import Decimal

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import ModelLogEntry

from grants.donations import services as service
from grants.donations import stripe_gateway as gateway
from grants.donations.models import Donation, StripeEvent
from grants.funding.models import Award, Fund
from grants.funding.services import ledger
from tests.grants.donations.donation_fixtures import (  # noqa: F401
    WEBHOOK,
    award,
    completed,
    matching_fund,
    pay,
    pool,
    refunded,
    start,
)
from tests.stripe_fake import (  # noqa: F401 (fixtures)
    TOO_OLD,
    event,
    fake_stripe,
    fixture,
    post_webhook,
    signed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def raised(client, award):
    page = client.get(reverse("portal:project", args=[award.pk]))
    assert page.status_code == 200
    return page.content.decode().split('data-testid="raised">', 1)[1].split("<", 1)[0].split(" ·")[0].strip()


def logged(donation, action):
    return ModelLogEntry.objects.for_instance(donation).filter(action=action)


# -- signatures ------------------------------------------------------------------------------
def test_a_bad_missing_or_old_signature_is_refused_and_nothing_is_recorded(fake_stripe, client, award):
    donation = start(award)
    paid = completed(fake_stripe, donation)
    body, header = signed(paid)
    answers = [
        post_webhook(client, WEBHOOK, paid, secret="whsec_someone_else").status_code,
        client.post(WEBHOOK, data=body, content_type="application/json").status_code,  # no header
        post_webhook(client, WEBHOOK, paid, age=TOO_OLD).status_code,
        client.post(WEBHOOK, data=body.replace(b'"paid"', b'"unpaid"', 1), content_type="application/json",
                    headers={"Stripe-Signature": header}).status_code,  # tampered
    ]
    assert answers == [400, 400, 400, 400]
    assert StripeEvent.objects.count() == 0
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING


def test_the_webhook_refuses_everything_while_donations_are_off(client, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    response = post_webhook(client, WEBHOOK, fixture("checkout_session_completed"))
    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0


def test_get_is_not_allowed(client):
    assert client.get(WEBHOOK).status_code == 405


# -- payments --------------------------------------------------------------------------------
def test_a_paid_checkout_counts_the_donation_once_and_raises_the_projects_total(fake_stripe, client, award):
    assert raised(client, award) == "¥0.00"
    donation = start(award, amount=Decimal("200.00"))
    response = pay(client, fake_stripe, donation)
    assert response.status_code == 200
    assert response.json() == {"result": "processed"}

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert donation.paid_at is not None
    assert donation.payment_intent_id == fake_stripe.sessions[donation.checkout_session_id]["payment_intent"]
    assert donation.matched == Decimal("100.00")  # 1:1, up to the fund's ¥100 cap
    award.refresh_from_db()
    assert award.donations_applied == Decimal("200.00")
    assert award.matched == Decimal("100.00")
    assert ledger.check_award(award) == []
    assert raised(client, award) == "¥200.00"
    assert logged(donation, "seedbed.donation.paid").count() == 1
    assert StripeEvent.objects.get().type == "checkout.session.completed"


def test_the_same_event_posted_twice_is_counted_once(fake_stripe, client, award):
    donation = start(award)
    paid = completed(fake_stripe, donation)
    first, second = post_webhook(client, WEBHOOK, paid), post_webhook(client, WEBHOOK, paid)
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.json()["result"], second.json()["result"]) == ("processed", "duplicate")
    award.refresh_from_db()
    assert award.donations_applied == Decimal("100.00")
    assert StripeEvent.objects.count() == 1
    assert logged(donation, "seedbed.donation.paid").count() == 1


def test_a_different_event_for_the_same_session_is_counted_once(fake_stripe, client, award):
    donation = start(award)
    session = fake_stripe.complete(donation.checkout_session_id)
    for kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        response = post_webhook(client, WEBHOOK, event(kind, session))
        assert response.status_code == 200
    award.refresh_from_db()
    assert award.donations_applied == Decimal("100.00")
    assert StripeEvent.objects.count() == 2
    assert raised(client, award) == "¥100.00"


def test_a_delayed_payment_counts_only_when_it_succeeds(fake_stripe, client, award):
    donation = start(award)
    unpaid = fake_stripe.complete(donation.checkout_session_id, payment_status="unpaid")
    assert post_webhook(client, WEBHOOK, event("checkout.session.completed", unpaid)).json() == {
        "result": "processed"}
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING
    assert raised(client, award) == "¥0.00"

    settled = fake_stripe.settle(donation.checkout_session_id)
    post_webhook(client, WEBHOOK, event("checkout.session.async_payment_succeeded", settled))
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert raised(client, award) == "¥100.00"


def test_a_delayed_payment_that_fails_marks_the_donation_failed(fake_stripe, client, award):
    donation = start(award)
    unpaid = fake_stripe.complete(donation.checkout_session_id, payment_status="unpaid")
    post_webhook(client, WEBHOOK, event("checkout.session.completed", unpaid))
    failed = fake_stripe.settle(donation.checkout_session_id, succeeded=False)
    assert post_webhook(client, WEBHOOK, event("checkout.session.async_payment_failed", failed)).status_code == 200
    donation.refresh_from_db()
    assert donation.status == Donation.Status.FAILED
    assert logged(donation, "seedbed.donation.failed").count() == 1
    award.refresh_from_db()
    assert award.donations_applied == 0


def test_an_abandoned_checkout_expires_and_a_late_payment_event_cannot_count_it(fake_stripe, client, award):
    donation = start(award)
    expired = fake_stripe.expire(donation.checkout_session_id)
    assert post_webhook(client, WEBHOOK, event("checkout.session.expired", expired)).status_code == 200
    donation.refresh_from_db()
    assert donation.status == Donation.Status.EXPIRED
    assert logged(donation, "seedbed.donation.expired").count() == 1
    # Stripe never pays an expired session; if an event said so, nothing would count.
    post_webhook(client, WEBHOOK, completed(fake_stripe, donation))
    donation.refresh_from_db()
    assert donation.status == Donation.Status.EXPIRED
    assert raised(client, award) == "¥0.00"


def test_a_pool_donation_raises_the_pools_budget(fake_stripe, client, pool):
    donation = start(pool=pool, amount=Decimal("500.00"))
    pay(client, fake_stripe, donation)
    pool.refresh_from_db()
    assert pool.budget == Decimal("500.00")
    donation.refresh_from_db()
    assert (donation.status, donation.matched) == (Donation.Status.PAID, 0)


def test_events_about_someone_elses_session_or_of_other_types_are_recorded_and_ignored(fake_stripe, client):
    unknown = post_webhook(client, WEBHOOK, fixture("checkout_session_completed"))
    other = post_webhook(client, WEBHOOK, event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert [unknown.status_code, other.status_code] == [200, 200]
    assert [unknown.json()["result"], other.json()["result"]] == ["ignored", "ignored"]
    assert StripeEvent.objects.count() == 2


def test_a_payment_of_another_amount_or_currency_is_not_counted(fake_stripe, client, award):
    donation = start(award)
    session = fake_stripe.complete(donation.checkout_session_id)
    for change in ({"amount_total": 1}, {"currency": "usd"}):
        response = post_webhook(client, WEBHOOK, event("checkout.session.completed", {**session, **change}))
        assert response.json() == {"result": "ignored"}
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING


# -- receipts by email -----------------------------------------------------------------------
def test_the_receipt_is_emailed_after_payment_in_the_donors_language(
        fake_stripe, client, award, mailoutbox, django_capture_on_commit_callbacks):
    donation = start(award, language="en", donor_email="ann@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        pay(client, fake_stripe, donation)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ann@example.org"]
    assert "Thank you for your donation of ¥100.00" in message.subject
    assert f"/en/donations/{donation.public_id}/receipt/" in message.body
    assert f"/en/donations/{donation.public_id}/receipt.pdf" in message.body
    assert "公益事业捐赠统一票据" in message.body


def test_no_receipt_is_emailed_without_an_address(fake_stripe, client, award, mailoutbox,
                                                  django_capture_on_commit_callbacks):
    donation = start(award, donor_email="")
    with django_capture_on_commit_callbacks(execute=True):
        pay(client, fake_stripe, donation, email="stripe-only@example.org")
    assert mailoutbox == []


# -- the fund's match ------------------------------------------------------------------------
def test_the_match_stops_at_the_funds_cap(fake_stripe, client, award, matching_fund):
    first, second, third = (start(award, amount=Decimal(amount)) for amount in ("80.00", "50.00", "10.00"))
    for donation in (first, second, third):
        pay(client, fake_stripe, donation)
    matched = [Donation.objects.get(pk=d.pk).matched for d in (first, second, third)]
    assert matched == [Decimal("80.00"), Decimal("20.00"), Decimal("0.00")]  # the second only in part
    matching_fund.refresh_from_db()
    assert matching_fund.matched == Decimal("100.00") == matching_fund.match_cap
    award.refresh_from_db()
    assert (award.donations_applied, award.matched) == (Decimal("140.00"), Decimal("100.00"))
    assert ledger.check_award(award) == []
    assert ledger.check_fund(matching_fund) == []


# -- refunds ---------------------------------------------------------------------------------
def test_a_partial_then_a_full_refund_update_the_ledger_and_withdraw_the_match(
        fake_stripe, client, award, matching_fund):
    donation = start(award, amount=Decimal("80.00"))
    pay(client, fake_stripe, donation)
    donation.refresh_from_db()
    assert donation.matched == Decimal("80.00")

    gateway.refund(donation.payment_intent_id, Decimal("30.00"), "test-refund-1")
    partial = refunded(fake_stripe, donation)
    assert post_webhook(client, WEBHOOK, partial).status_code == 200
    donation.refresh_from_db()
    assert (donation.status, donation.refunded, donation.match_withdrawn) == (
        Donation.Status.PAID, Decimal("30.00"), Decimal("30.00"))
    award.refresh_from_db()
    assert (award.donations_applied, award.matched) == (Decimal("50.00"), Decimal("50.00"))
    assert raised(client, award) == "¥50.00"

    gateway.refund(donation.payment_intent_id, None, "test-refund-2")
    full = refunded(fake_stripe, donation)
    post_webhook(client, WEBHOOK, full)
    donation.refresh_from_db()
    assert (donation.status, donation.refunded, donation.match_withdrawn) == (
        Donation.Status.REFUNDED, Decimal("80.00"), Decimal("80.00"))
    award.refresh_from_db()
    matching_fund.refresh_from_db()
    assert (award.donations_applied, award.matched, matching_fund.matched) == (0, 0, 0)
    assert raised(client, award) == "¥0.00"
    assert ledger.check_award(award) == [] and ledger.check_fund(matching_fund) == []
    assert logged(donation, "seedbed.donation.refunded").count() == 2

    # Stripe repeats the cumulative total in a new event (e.g. a refund's update): no change.
    again = event("charge.refunded", full["data"]["object"])
    assert post_webhook(client, WEBHOOK, again).json() == {"result": "processed"}
    donation.refresh_from_db()
    assert donation.refunded == Decimal("80.00")
    assert logged(donation, "seedbed.donation.refunded").count() == 2


def test_a_full_refund_withdraws_all_of_the_match_even_after_the_ratio_changed(
        fake_stripe, client, award, matching_fund):
    donation = start(award, amount=Decimal("80.00"))
    pay(client, fake_stripe, donation)
    matching_fund.match_ratio = Decimal("0.5")  # staff lower the offer for future gifts
    matching_fund.save()
    donation.refresh_from_db()
    gateway.refund(donation.payment_intent_id, None, "all-of-it")
    post_webhook(client, WEBHOOK, refunded(fake_stripe, donation))
    donation.refresh_from_db()
    award.refresh_from_db()
    assert donation.status == Donation.Status.REFUNDED
    assert donation.match_withdrawn == donation.matched == Decimal("80.00")  # today: 40.00
    assert award.matched == 0  # today: ¥40 of match stays for a gift that was given back


def test_a_pool_donation_refund_takes_it_back_out_of_the_pool(fake_stripe, client, pool):
    donation = start(pool=pool, amount=Decimal("300.00"))
    pay(client, fake_stripe, donation)
    donation.refresh_from_db()
    gateway.refund(donation.payment_intent_id, None, "pool-refund")
    post_webhook(client, WEBHOOK, refunded(fake_stripe, donation))
    pool.refresh_from_db()
    donation.refresh_from_db()
    assert (pool.budget, donation.status) == (0, Donation.Status.REFUNDED)


def test_the_funds_list_shows_what_the_pool_received_less_refunds(fake_stripe, client, pool, staff):
    kept, returned = start(pool=pool, amount=Decimal("500.00")), start(pool=pool, amount=Decimal("300.00"))
    for donation in (kept, returned):
        pay(client, fake_stripe, donation)
    returned.refresh_from_db()
    gateway.refund(returned.payment_intent_id, Decimal("100.00"), "part-of-it")
    post_webhook(client, WEBHOOK, refunded(fake_stripe, returned))
    pool.refresh_from_db()
    counted = Donation.objects.filter(fund=pool, status__in=[Donation.Status.PAID, Donation.Status.REFUNDED])
    assert pool.donations_received == sum(d.amount - d.refunded for d in counted) == Decimal("700.00")
    client.force_login(staff)
    export = b"".join(client.get(reverse("funding:fund_export", args=["csv"])).streaming_content).decode("utf-8-sig")
    row = next(line.split(",") for line in export.splitlines() if line.startswith(pool.name_zh))
    assert row[7] == "700.00"


def test_ending_an_award_records_that_its_donations_lost_their_match(
        fake_stripe, client, award, matching_fund, staff):
    from grants.funding.services import awards

    first, second = start(award, amount=Decimal("60.00")), start(award, amount=Decimal("60.00"))
    for donation in (first, second):
        pay(client, fake_stripe, donation)
    awards.terminate(award, staff, "项目终止")
    first.refresh_from_db()
    second.refresh_from_db()
    matching_fund.refresh_from_db()
    assert (first.matched, second.matched) == (Decimal("60.00"), Decimal("40.00"))  # the cap is ¥100
    assert (first.match_withdrawn, second.match_withdrawn) == (Decimal("60.00"), Decimal("40.00"))
    assert matching_fund.matched == 0 and ledger.check_fund(matching_fund) == []


def test_a_refund_that_arrives_before_its_payment_is_retried_later(fake_stripe, client, award):
    donation = start(award)
    session = fake_stripe.complete(donation.checkout_session_id)  # paid, but the event is late
    gateway.refund(session["payment_intent"], None, "early-refund")
    early = event("charge.refunded", fake_stripe.charge(session["payment_intent"]))
    assert post_webhook(client, WEBHOOK, early).status_code == 503
    assert not StripeEvent.objects.filter(event_id=early["id"]).exists()
    # Stripe delivers the payment, then retries the refund: both count, in order.
    post_webhook(client, WEBHOOK, event("checkout.session.completed", session))
    assert post_webhook(client, WEBHOOK, early).status_code == 200
    donation.refresh_from_db()
    assert (donation.status, donation.refunded) == (Donation.Status.REFUNDED, Decimal("100.00"))
    assert raised(client, award) == "¥0.00"


def test_a_lock_timeout_answers_503_so_stripe_retries(fake_stripe, client, award, monkeypatch):
    def locked(event):
        raise OperationalError("canceling statement due to lock timeout")

    monkeypatch.setattr(service, "handle_event", locked)
    response = pay(client, fake_stripe, start(award))
    assert response.status_code == 503
    assert response["Retry-After"]


# -- at the same moment ---------------------------------------------------------------------


def _at_once(*requests):
    """Run each (callable) in its own thread and database connection, released together."""

    barrier = threading.Barrier(len(requests))
    answers = [None] * len(requests)

    def run(index, request):
        try:
            barrier.wait(timeout=10)
            answers[index] = request()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, request)) for index, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


@pytest.mark.django_db(transaction=True)
def test_the_same_event_at_the_same_moment_is_counted_once(fake_stripe, award):
    donation = start(award)
    paid = completed(fake_stripe, donation)
    body, header = signed(paid)

    def deliver():
        return Client().post(WEBHOOK, data=body, content_type="application/json",
                             headers={"Stripe-Signature": header})

    answers = _at_once(deliver, deliver)
    assert [answer.status_code for answer in answers] == [200, 200]
    assert sorted(answer.json()["result"] for answer in answers) == ["duplicate", "processed"]
    award.refresh_from_db()
    assert award.donations_applied == Decimal("100.00")
    assert StripeEvent.objects.count() == 1
    assert Donation.objects.get(pk=donation.pk).status == Donation.Status.PAID


@pytest.mark.django_db(transaction=True)
def test_two_events_for_one_session_at_the_same_moment_count_it_once(fake_stripe, award):
    donation = start(award)
    session = fake_stripe.complete(donation.checkout_session_id)
    events = [event(kind, session) for kind in ("checkout.session.completed",
                                                 "checkout.session.async_payment_succeeded")]
    answers = _at_once(*[lambda e=e: post_webhook(Client(), WEBHOOK, e) for e in events])
    assert [answer.status_code for answer in answers] == [200, 200]
    award.refresh_from_db()
    assert award.donations_applied == Decimal("100.00")
    assert StripeEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_donation_locked_too_long_answers_503_and_records_nothing(fake_stripe, award, monkeypatch):
    monkeypatch.setattr(service, "LOCK_TIMEOUT", "200ms")
    if connection.vendor == "sqlite":  # SQLite's busy timeout plays the part of the lock timeout
        connection.ensure_connection()
        connection.connection.execute("PRAGMA busy_timeout = 200")
    donation = start(award)
    paid = completed(fake_stripe, donation)
    holding, release = threading.Event(), threading.Event()

    def hold_the_row():
        try:
            with transaction.atomic():
                Donation.objects.select_for_update().get(pk=donation.pk)
                holding.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert holding.wait(timeout=10)
        response = post_webhook(Client(), WEBHOOK, paid)
    finally:
        release.set()
        holder.join(timeout=10)
    assert response.status_code == 503
    assert not StripeEvent.objects.exists()
    # Stripe's retry, once the row is free, counts it.
    assert post_webhook(Client(), WEBHOOK, paid).status_code == 200
    assert Award.objects.get(pk=award.pk).donations_applied == Decimal("100.00")
    assert Fund.objects.filter(matched__gt=0).count() == 1
