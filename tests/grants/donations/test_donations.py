"""Starting a donation: what is checked, what Stripe is sent; the Donate box and form, with
donations on and off; anonymity; the thank-you page and the receipt; staff refunds. Stripe is
the in-process fake throughout."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry

from grants.donations import services as service
from grants.donations.models import Donation
from grants.funding.models import Award
from tests.factories import FundFactory
from tests.stripe_fake import fake_stripe, post_webhook  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _in_english():
    """These tests read English labels (the catalogue translates everything into Chinese)."""

    from django.utils import translation

    with translation.override("en"):
        yield


from tests.grants.donations.donation_fixtures import (  # noqa: E402, F401
    WEBHOOK,
    award,
    matching_fund,
    pay,
    pool,
    refunded,
    start,
)

pytestmark = pytest.mark.django_db

SESSIONS = "/v1/checkout/sessions"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def donations_off(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def donate_url(award, language="en"):
    with translation.override(language):
        return reverse("donations:donate_project", args=[award.pk])


def project_url(award, language="en"):
    with translation.override(language):
        return reverse("portal:project", args=[award.pk])


def form_data(**overrides):
    return {"amount": "88.50", "donor_name": "王芳", "donor_email": "wangfang@example.com", "message": "加油！",
            **overrides}


# -- the service -----------------------------------------------------------------------------
def test_starting_a_donation_sends_cny_in_fen_with_its_key_and_metadata(fake_stripe, award):
    donation = start(award, amount=Decimal("88.50"), message="加油")
    assert donation.status == Donation.Status.PENDING
    assert donation.checkout_session_id in fake_stripe.sessions
    sent = fake_stripe.last(SESSIONS, "post")
    price = sent.params["line_items"][0]["price_data"]
    assert (price["currency"], price["unit_amount"]) == ("cny", "8850")
    assert sent.idempotency_key == service.checkout_idempotency_key(donation)
    assert str(donation.public_id) in sent.idempotency_key
    assert sent.params["metadata"] == {"donation": str(donation.public_id), "award": award.reference, "pool": ""}
    assert sent.params["payment_intent_data"]["metadata"]["donation"] == str(donation.public_id)
    assert sent.params["client_reference_id"] == str(donation.public_id)
    assert sent.params["allowed_payment_method_types"] == ["card", "alipay", "wechat_pay"]
    assert sent.params["customer_email"] == "liming@example.com"
    assert sent.params["locale"] == "zh"
    assert sent.params["success_url"] == f"http://testserver/zh-hans/donations/{donation.public_id}/"
    assert award.reference in price["product_data"]["name"]
    entry = ModelLogEntry.objects.for_instance(donation).get(action="seedbed.donation.created")
    assert entry.data["amount"] == "88.50"


def test_each_donation_has_its_own_checkout_session(fake_stripe, award):
    first, second = start(award), start(award)
    assert first.checkout_session_id != second.checkout_session_id
    keys = [request.idempotency_key for request in fake_stripe.sent(SESSIONS, "post")]
    assert len(set(keys)) == 2


def test_a_pool_donation_names_the_pool(fake_stripe, pool):
    donation = start(pool=pool, language="en")
    assert (donation.fund, donation.award) == (pool, None)
    sent = fake_stripe.last(SESSIONS, "post")
    assert sent.params["metadata"]["pool"] == str(pool.pk)
    assert sent.params["locale"] == "en"


@pytest.mark.parametrize("amount, code", [
    ("0.99", "min"), ("0", "min"), ("-5", "min"), ("50000.01", "max"), ("1e9", "max"), ("10.005", "fen"),
    ("abc", "invalid"), ("", "invalid"), ("NaN", "invalid"),
])
def test_amounts_outside_one_yuan_to_the_maximum_or_finer_than_a_fen_are_refused(fake_stripe, award, amount, code):
    with pytest.raises(ValidationError) as refused:
        start(award, amount=amount)
    assert list(refused.value.error_dict) == ["amount"]
    assert refused.value.error_dict["amount"][0].code == code
    assert fake_stripe.requests == []
    assert not Donation.objects.exists()


@pytest.mark.parametrize("amount, expected", [
    ("1", "1.00"), ("50000", "50000.00"), ("¥1,234.5", "1234.50"), ("￥ 20", "20.00"),
])
def test_amounts_at_the_limits_and_as_people_write_them_are_accepted(fake_stripe, award, amount, expected):
    assert start(award, amount=amount).amount == Decimal(expected)


def test_the_other_fields_are_checked_by_field(fake_stripe, award):
    with pytest.raises(ValidationError) as refused:
        start(award, donor_name="名" * 61, donor_email="not an address", message="字" * 201)
    assert set(refused.value.error_dict) == {"donor_name", "donor_email", "message"}
    assert fake_stripe.requests == []


def test_a_project_that_ended_takes_no_donations(fake_stripe, award):
    Award.objects.filter(pk=award.pk).update(status=Award.Status.COMPLETED)
    award.refresh_from_db()
    with pytest.raises(ValidationError, match="no longer accepts donations"):
        start(award)
    assert fake_stripe.requests == []


def test_only_an_active_donations_fund_is_a_pool(fake_stripe, pool):
    with pytest.raises(ValidationError, match="does not accept donations"):
        start(pool=FundFactory(kind="government"))
    pool.is_active = False
    pool.save()
    with pytest.raises(ValidationError, match="does not accept donations"):
        start(pool=pool)
    assert fake_stripe.requests == []


def test_when_stripe_refuses_the_donation_is_marked_failed_and_the_donor_told(fake_stripe, award):
    fake_stripe.fail_next("api_error")
    with pytest.raises(ValidationError) as refused:
        start(award)
    assert not hasattr(refused.value, "error_dict")
    assert "could not start the donation" in refused.value.messages[0]
    donation = Donation.objects.get()
    assert (donation.status, donation.checkout_session_id) == (Donation.Status.FAILED, None)
    assert ModelLogEntry.objects.for_instance(donation).filter(action="seedbed.donation.failed").exists()


def test_with_donations_off_nothing_starts(donations_off, award):
    with pytest.raises(ValidationError, match="switched off"):
        start(award)
    assert not Donation.objects.exists()


# -- the project page and the Donate form ----------------------------------------------------
def test_the_project_page_has_a_donate_box_when_donations_are_on(fake_stripe, client, award):
    page = client.get(project_url(award)).content.decode()
    assert 'data-testid="donate-box"' in page
    assert f'href="{donate_url(award)}"' in page
    assert "adds ¥1 for every ¥1 you give" in page  # the matching fund's offer
    assert 'data-testid="donations-notice"' not in page


def test_with_donations_off_there_is_no_donate_box_and_staff_read_why_once_on_the_funds_page(
        donations_off, client, award, staff, supervisor, applicant):
    public = client.get(project_url(award)).content.decode()
    assert 'data-testid="donate-box"' not in public and donate_url(award) not in public
    assert 'data-testid="donations-notice"' not in public
    assert "STRIPE_SECRET_KEY" not in signed_in(applicant).get(project_url(award)).content.decode()
    for reader in (staff, supervisor):
        for url in (project_url(award), donate_url(award), reverse("funding:award_detail", args=[award.pk])):
            page = signed_in(reader).get(url).content.decode()
            assert 'data-testid="donate-box"' not in page
            assert 'data-testid="donations-notice"' not in page and "STRIPE_" not in page
        page = signed_in(reader).get(reverse("funding:fund_list")).content.decode()
        assert 'data-testid="donations-notice"' in page and "Stripe" in page
        assert "STRIPE_SECRET_KEY is not set." in page and "STRIPE_WEBHOOK_SECRET is not set." in page


def test_with_donations_off_the_donate_url_says_so_instead_of_failing(donations_off, client, award, pool, staff):
    for url in (donate_url(award), reverse("donations:donate_pool")):
        for response in (client.get(url), client.post(url, form_data())):
            assert response.status_code == 200
            assert "Online donations are switched off at the moment." in response.content.decode()
            assert "<form" not in response.content.decode().split('<main', 1)[1].split("</main>")[0]
    assert "STRIPE_SECRET_KEY" not in signed_in(staff).get(donate_url(award)).content.decode()  # said on the funds page
    assert not Donation.objects.exists()


def test_no_donate_box_for_a_project_that_ended(fake_stripe, client, award):
    Award.objects.filter(pk=award.pk).update(status=Award.Status.TERMINATED)
    assert 'data-testid="donate-box"' not in client.get(project_url(award)).content.decode()
    response = client.get(donate_url(award))
    assert "This project was ended early and no longer accepts donations." in response.content.decode()


def test_posting_the_form_sends_the_donor_to_checkout_with_a_303(fake_stripe, client, award):
    response = client.post(donate_url(award), form_data(anonymous="on"))
    assert response.status_code == 303
    donation = Donation.objects.get()
    assert response["Location"] == fake_stripe.sessions[donation.checkout_session_id]["url"]
    assert (donation.amount, donation.donor_name, donation.anonymous, donation.language) == (
        Decimal("88.50"), "王芳", True, "en")
    sent = fake_stripe.last(SESSIONS, "post").params
    assert sent["success_url"] == f"http://testserver/en/donations/{donation.public_id}/"
    assert sent["cancel_url"] == f"http://testserver{donate_url(award)}?cancelled={donation.public_id}"
    assert sent["locale"] == "en"


def test_the_form_keeps_what_was_typed_and_shows_errors_beside_the_fields(fake_stripe, client, award):
    response = client.post(donate_url(award), form_data(amount="0.50", donor_email="not-an-address",
                                                        anonymous="on"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="0.50"' in page and 'value="王芳"' in page and 'value="not-an-address"' in page
    assert "加油！</textarea>" in page
    assert 'name="anonymous" id="id_anonymous" checked' in page or ('id="id_anonymous"' in page and "checked" in page)
    assert 'id="id_amount_error">The smallest donation is ¥1.00.' in page
    assert 'id="id_donor_email_error">' in page
    assert not Donation.objects.exists() and fake_stripe.requests == []


def test_form_errors_come_in_the_pages_language(fake_stripe, client, award):
    page = client.post(donate_url(award, "zh-hans"), form_data(donor_email="not-an-address")).content.decode()
    assert "请输入有效的电子邮箱" in page  # our Chinese for Django's "Enter a valid email address."
    assert '<html lang="zh-hans">' in page


def test_a_stripe_failure_on_the_form_is_explained_and_keeps_the_input(fake_stripe, client, award):
    fake_stripe.fail_next("connection")
    page = client.post(donate_url(award), form_data()).content.decode()
    assert "could not be reached" in page and 'class="form-errors"' in page
    assert 'value="88.50"' in page and 'value="王芳"' in page
    assert Donation.objects.get().status == Donation.Status.FAILED


def test_leaving_checkout_returns_to_the_form_with_a_message_and_the_gift_filled_in(fake_stripe, client, award):
    client.post(donate_url(award), form_data())
    donation = Donation.objects.get()
    page = client.get(f"{donate_url(award)}?cancelled={donation.public_id}").content.decode()
    assert "nothing was charged" in page
    assert 'value="88.50"' in page and 'value="王芳"' in page
    assert "<form" in page  # and a nonsense id is just the empty form
    assert client.get(f"{donate_url(award)}?cancelled=nonsense").status_code == 200


def test_a_signed_in_donor_starts_with_their_name_and_address(fake_stripe, applicant, award):
    page = signed_in(applicant).get(donate_url(award)).content.decode()
    assert f'value="{applicant.email}"' in page


def test_the_pool_has_its_own_donate_page(fake_stripe, client, pool):
    page = client.get(reverse("donations:donate_pool"))
    assert page.status_code == 200 and pool.name_zh in page.content.decode()
    response = client.post(reverse("donations:donate_pool"), form_data())
    assert response.status_code == 303
    assert Donation.objects.get().fund == pool


def test_without_a_pool_the_pool_page_is_not_found(fake_stripe, client):
    FundFactory(kind="donations", is_active=False)
    assert client.get(reverse("donations:donate_pool")).status_code == 404


# -- anonymity -------------------------------------------------------------------------------
def test_anonymous_donors_are_shown_as_anonymous_publicly(fake_stripe, client, award, staff, applicant):
    hidden = start(award, donor_name="张三", donor_email="zhangsan@example.com", anonymous=True)
    shown = start(award, donor_name="李四")
    for donation in (hidden, shown):
        pay(client, fake_stripe, donation)
    page = client.get(project_url(award)).content.decode()
    assert "李四" in page and "Anonymous" in page
    assert "张三" not in page
    with translation.override("en"):
        status = client.get(reverse("donations:status", args=[hidden.public_id])).content.decode()
    assert "Anonymous" in status

    # The award's internal page: staff see who gave, everyone else the public names.
    def donations_section(user):
        request = RequestFactory().get("/")
        request.user = user
        with translation.override("en"):
            return render_to_string("funding/awards/_donations.html", {"award": award, "user": user},
                                    request=request)

    holders_view = donations_section(applicant)
    assert "张三" not in holders_view and "zhangsan@example.com" not in holders_view and "李四" in holders_view
    assert 'action="/en/staff/donations/' not in holders_view
    staff_view = donations_section(staff)
    assert "张三" in staff_view and "zhangsan@example.com" in staff_view and "anonymous publicly" in staff_view
    assert f'action="/en/staff/donations/{hidden.public_id}/refund/"' in staff_view


# -- the thank-you page and the receipt ------------------------------------------------------
def test_a_pending_donation_says_it_waits_and_refreshes_itself(fake_stripe, client, award):
    donation = start(award)
    page = client.get(reverse("donations:status", args=[donation.public_id])).content.decode()
    assert "waiting for the payment service to confirm" in page
    assert '<meta http-equiv="refresh" content="5">' in page
    assert reverse("donations:receipt", args=[donation.public_id]) not in page
    # The reader can stop it (WCAG 2.2.1); an old pending donation no longer reloads at all.
    stopped = client.get(reverse("donations:status", args=[donation.public_id]) + "?refresh=off")
    assert "http-equiv" not in stopped.content.decode()
    Donation.objects.filter(pk=donation.pk).update(created_at=donation.created_at - timedelta(hours=1))
    assert "http-equiv" not in client.get(reverse("donations:status", args=[donation.public_id])).content.decode()


def test_the_receipt_is_only_for_paid_donations(fake_stripe, client, award):
    donation = start(award, donor_name="李明", anonymous=True)
    receipt = reverse("donations:receipt", args=[donation.public_id])
    pdf = reverse("donations:receipt_pdf", args=[donation.public_id])
    status_url = reverse("donations:status", args=[donation.public_id])
    assert [client.get(receipt).status_code, client.get(pdf).status_code] == [404, 404]

    pay(client, fake_stripe, donation)
    status = client.get(status_url).content.decode()
    assert "Thank you for your gift" in status and receipt in status and "http-equiv" not in status
    page = client.get(receipt)
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    html = page.content.decode()
    assert "李明" in html and "¥100.00" in html  # the receipt names the donor, anonymous or not
    assert "公益事业捐赠统一票据" in html and "not an official receipt" in html
    assert service.receipt_number(Donation.objects.get(pk=donation.pk)) in html
    document = client.get(pdf)
    assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
    assert document.content.startswith(b"%PDF")


def test_a_refunded_donation_keeps_its_receipt_with_the_refund_on_it(fake_stripe, client, award):
    donation = start(award)
    pay(client, fake_stripe, donation)
    donation.refresh_from_db()
    from grants.donations import stripe_gateway

    stripe_gateway.refund(donation.payment_intent_id, None, "all")
    post_webhook(client, WEBHOOK, refunded(fake_stripe, donation))
    translation.activate("en")  # the webhook's request left the default language active
    html = client.get(reverse("donations:receipt", args=[donation.public_id])).content.decode()
    assert "Refunded" in html and "Net gift" in html


def test_an_unknown_donation_is_not_found(client):
    assert client.get("/en/donations/00000000-0000-4000-8000-000000000000/").status_code == 404


# -- staff refunds ---------------------------------------------------------------------------
def refund_url(donation):
    return reverse("donations:refund", args=[donation.public_id])


def test_staff_ask_stripe_for_a_refund_and_the_ledger_waits_for_stripes_confirmation(
        fake_stripe, client, award, staff):
    donation = start(award)
    pay(client, fake_stripe, donation)
    donation.refresh_from_db()
    back = f"/en/awards/{award.pk}/"
    response = signed_in(staff).post(refund_url(donation), {"amount": "30", "next": back}, follow=False)
    assert (response.status_code, response["Location"]) == (302, back)
    sent = fake_stripe.last("/v1/refunds", "post")
    assert sent.params["amount"] == "3000" and sent.params["payment_intent"] == donation.payment_intent_id
    assert sent.idempotency_key == service.refund_idempotency_key(donation, Decimal("30.00"))
    donation.refresh_from_db()
    assert donation.refunded == 0  # until charge.refunded arrives
    entry = ModelLogEntry.objects.for_instance(donation).get(action="seedbed.donation.refund_requested", user=staff)
    assert entry.data["amount"] == "30.00"
    assert not ModelLogEntry.objects.for_instance(donation).filter(action="seedbed.donation.refunded").exists()

    post_webhook(client, WEBHOOK, refunded(fake_stripe, donation))
    donation.refresh_from_db()
    assert donation.refunded == Decimal("30.00")


def test_a_refund_request_has_its_own_audit_code_and_label(fake_stripe, client, award, staff):
    donation = start(award)
    pay(client, fake_stripe, donation)
    service.request_refund(Donation.objects.get(pk=donation.pk), staff, Decimal("10"))
    entry = ModelLogEntry.objects.for_instance(donation).get(user=staff)
    assert entry.action == service.REFUND_REQUESTED_ACTION == "seedbed.donation.refund_requested"
    with translation.override("zh-hans"):
        assert str(registry.get_action_label(entry.action)) == "已申请退款"
        assert str(entry.message) == "已申请退款 ¥10.00。"
    with translation.override("en"):  # a fresh entry: Wagtail caches an entry's message
        assert str(ModelLogEntry.objects.get(pk=entry.pk).message) == "A refund of ¥10.00 was requested."


def test_a_repeated_refund_request_is_one_refund_at_stripe(fake_stripe, client, award, staff):
    donation = start(award)
    pay(client, fake_stripe, donation)
    donation = Donation.objects.get(pk=donation.pk)
    first = service.request_refund(donation, staff, Decimal("10"))
    second = service.request_refund(donation, staff, Decimal("10"))  # a double click
    assert first.id == second.id and len(fake_stripe.refunds) == 1


def test_a_refund_cannot_exceed_what_is_left_or_touch_an_unpaid_donation(fake_stripe, client, award, staff):
    donation = start(award)
    with pytest.raises(ValidationError, match="Only a paid donation"):
        service.request_refund(donation, staff)
    pay(client, fake_stripe, donation)
    translation.activate("en")  # the webhook's request left the default language active
    donation.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        service.request_refund(donation, staff, Decimal("100.01"))
    assert "At most ¥100.00" in refused.value.error_dict["amount"][0].message
    response = signed_in(staff).post(refund_url(donation), {"amount": "500"}, follow=True)
    assert "At most ¥100.00 is left to refund." in response.content.decode()
    assert fake_stripe.sent("/v1/refunds") == []


def test_only_staff_may_refund(fake_stripe, client, award, supervisor, applicant, funder):
    donation = start(award)
    pay(client, fake_stripe, donation)
    for user in (supervisor, applicant, funder):
        assert signed_in(user).post(refund_url(donation)).status_code == 403
    assert client.post(refund_url(donation)).status_code == 302  # to the sign-in page
    with pytest.raises(ValidationError):
        service.request_refund(donation, supervisor)
    assert fake_stripe.sent("/v1/refunds") == []
