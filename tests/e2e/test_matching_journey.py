"""Staff match approved proposals to funds in a Chinese browser: they start a run for a call
and a fund, read the optimum beside the allocation by hand, confirm it, open the award it
created and download its agreement, a PDF with the amount in Chinese capitals. axe-core runs
on each page.

Selectors use names, values and URLs rather than visible wording, so the journey does not
depend on the state of the Chinese translation.
"""

from decimal import Decimal

import pytest

from grants.funding.models import Award, MatchingRun
from grants.proposals.models import Proposal
from grants.review.services import determine
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_organisation_applies import sign_in
from tests.factories import (
    FundFactory,
    OrganisationFactory,
    UserFactory,
    in_review,
    make_call,
    make_proposal,
)
from tests.grants.proposals.test_proposal_files import poppler

pytestmark = pytest.mark.browser


def approved_proposals(call, staff):
    """Three approved proposals; the best (100,000) would strand money a person picking by
    score would not use: the optimum funds the two others."""

    applicant = UserFactory(email="chen.jing@example.org", name="陈静")
    organisation = OrganisationFactory(admins=[applicant])
    made = []
    for score, amount in ((Decimal("90"), Decimal("100000")), (Decimal("80"), Decimal("75000")),
                          (Decimal("80"), Decimal("75000"))):
        proposal = in_review(make_proposal(call, organisation, applicant), applicant, staff)
        Proposal.objects.filter(pk=proposal.pk).update(score=score, requested_amount=amount, cofunding_amount=25000)
        made.append(determine(Proposal.objects.get(pk=proposal.pk), staff, "approved"))
    return made


def test_staff_run_a_matching_confirm_it_and_download_an_agreement(site, chinese_page):
    staff = UserFactory(email="zhou.staff@example.org", name="周敏", roles=["staff"])
    call = make_call()
    proposals = approved_proposals(call, staff)
    fund = FundFactory(name_zh="2026年南岸区政府购买社会服务资金", budget=Decimal("150000"))
    page = chinese_page

    # 1. A new run: the call and the fund ticked.
    sign_in(page, staff.email, "/zh-hans/staff/matching/")
    assert_accessible(page)
    page.check(f"input[name=calls][value='{call.pk}']")
    page.check(f"input[name=funds][value='{fund.pk}']")
    with page.expect_navigation():
        page.locator("form:has(input[name=calls]) button[type=submit]").click()

    # 2. The run's page (computed at once in tests; a worker does it in production).
    run = MatchingRun.objects.get()
    page.wait_for_url(f"**/zh-hans/staff/matching/{run.pk}/")
    assert run.status == MatchingRun.Status.DONE
    assert set(run.lines.exclude(shares={}).values_list("proposal_id", flat=True)) == {p.pk for p in proposals[1:]}
    assert page.locator(f"a[href$='/staff/proposals/{proposals[0].pk}/']").is_visible()
    assert_accessible(page)

    # 3. Confirm: two awards, the fund committed.
    with page.expect_navigation():
        page.locator(f"form[action$='/staff/matching/{run.pk}/confirm/'] button[type=submit]").click()
    assert Award.objects.count() == 2
    fund.refresh_from_db()
    assert fund.committed == Decimal("150000")

    # 4. The award's page, and its agreement.
    award = Award.objects.get(proposal=proposals[1])
    page.goto(f"/zh-hans/awards/{award.pk}/")
    assert page.locator("h1").inner_text() == award.proposal.title
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator(f"a[href$='/awards/{award.pk}/agreement.pdf']").click()
    pdf = open(download.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF")
    text = poppler("pdftotext", pdf)
    assert "人民币柒万伍仟元整" in text and award.reference in text
