"""A visitor in a Chinese browser gives to a funded project, anonymously, through the local
fake Stripe: the project page shows ¥0.00 raised, Donate leads to the form, Stripe's (fake)
Checkout page takes the payment and posts its signed webhook to the live server, the visitor
lands on the thank-you page and, back on the project page, sees the total risen by the gift.
axe-core runs on each of our pages (not on the fake Checkout page, which is not ours).

Selectors use ids, names and data-testid rather than visible wording, so the journey does not
depend on the state of the Chinese translation.
"""

from decimal import Decimal

import pytest

from grants.donations import stripe_gateway
from grants.donations.models import Donation
from tests.e2e.conftest import assert_accessible
from tests.factories import (
    FundFactory,
    OrganisationFactory,
    UserFactory,
    approved,
    make_award,
    make_call,
    make_proposal,
)
from tests.stripe_fake import FakeStripeServer, configure

pytestmark = pytest.mark.browser

GIFT = "88.50"


def funded_project():
    applicant = UserFactory(email="chen.jing@example.org", name="陈静")
    staff = UserFactory(email="zhou.staff@example.org", roles=["staff"])
    proposal = approved(make_proposal(make_call(), OrganisationFactory(admins=[applicant]), applicant), applicant,
                        staff, score=Decimal("82"))
    return make_award(proposal, {FundFactory(): Decimal("90000")}, staff)


def test_a_visitor_donates_anonymously_and_sees_the_total_rise(site, chinese_page, settings, monkeypatch):
    monkeypatch.setattr(stripe_gateway, "HTTP_CLIENT", None)  # the SDK's own transport, over loopback
    award = funded_project()
    project_path = f"/zh-hans/projects/{award.pk}/"
    page = chinese_page
    with FakeStripeServer(webhook_url=site.url + "/stripe/webhook/") as stripe:
        configure(settings, api_base=stripe.url)

        # 1. The project page: nothing raised yet, and a Donate button.
        page.goto(project_path)
        raised = page.locator('[data-testid="raised"]')
        assert raised.inner_text().startswith("¥0.00")
        assert_accessible(page)
        page.locator(f'[data-testid="donate-box"] a[href="{project_path}donate/"]').click()
        page.wait_for_url(f"**{project_path}donate/")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        assert_accessible(page)

        # 2. The form: an amount, a name that must not be shown, and anonymity.
        page.fill("#id_amount", GIFT)
        page.fill("#id_donor_name", "王芳")
        page.check("#id_anonymous")
        page.locator("form.donation-form button[type=submit]").click()

        # 3. Stripe's (fake) Checkout page, in Chinese, for exactly the gift.
        page.wait_for_url(f"{stripe.url}/pay/**")
        donation = Donation.objects.get()
        assert (donation.status, donation.amount, donation.anonymous) == (
            Donation.Status.PENDING, Decimal(GIFT), True)
        assert "¥88.50" in page.locator("main").inner_text()
        assert "Checkout language: zh" in page.locator("main").inner_text()
        page.locator("form button[type=submit]").click()

        # 4. Paid: the signed webhook arrived before the browser was sent back.
        page.wait_for_url(f"**/zh-hans/donations/{donation.public_id}/")
        assert [delivery.status for delivery in stripe.deliveries] == [200]
        assert page.locator("article.donation-status").get_attribute("data-status") == "paid"
        assert page.locator('[data-testid="donation-amount"]').inner_text() == "¥88.50"
        assert_accessible(page)
        donation.refresh_from_db()
        assert donation.status == Donation.Status.PAID

        # 5. Back on the project page: the total has risen by the gift, and no name is shown.
        page.locator(f'main a[href="{project_path}"]').first.click()
        page.wait_for_url(f"**{project_path}")
        assert raised.inner_text().startswith("¥88.50")
        assert "王芳" not in page.locator("main").inner_text()
        assert_accessible(page)
