"""The agreement PDF laid out for signing: the party's code under the right label, and the
signatures on the same page as the last clause (never alone on a page of their own)."""

import io
from decimal import Decimal

import pypdf
import pytest
from django.utils import translation

from grants.funding.agreement import agreement_pdf
from grants.funding.models import AwardBudgetLine
from grants.proposals.models import BudgetLine, Indicator
from tests.factories import FundFactory, approved, make_award, make_proposal

D = Decimal


@pytest.fixture
def demo_sized(call, organisation, applicant, staff):
    """As large as the demo's agreements: five budget lines, three indicators, two funds."""
    proposal = make_proposal(call, organisation, applicant)
    for item, quantity, unit, price in (("分类垃圾桶及清洁工具", "10", "套", "150"), ("宣传展板印制", "1", "批", "1500"),
                                        ("志愿者交通补贴", "1", "批", "1500")):
        BudgetLine.objects.create(proposal=proposal, category="materials", item=item, quantity=D(quantity), unit=unit,
                                  unit_price=D(price))
    proposal.cofunding_amount = D("14500.00")
    proposal.save()
    for kind in ("activities", "volunteers"):
        Indicator.objects.create(proposal=proposal, kind=kind, target=D("24"))
    proposal = approved(proposal, applicant, staff, score=D("80"))
    return make_award(proposal, {FundFactory(budget=D("100000")): D("60000"),
                                 FundFactory(budget=D("50000")): D("30000")}, staff)


def pages(award):
    with translation.override("zh-hans"):
        content = agreement_pdf(award)
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def test_the_last_clause_and_the_signatures_share_a_page(demo_sized):
    # Budgets of the demo's sizes and a little longer: wherever the page break falls, the
    # signatures never stand alone, apart from the last clause.
    for extra in range(10):
        if extra:
            AwardBudgetLine.objects.create(award=demo_sized, category="activities", item=f"社区活动第{extra}场",
                                           quantity=D("1"), unit="场", unit_price=D("100"))
        texts = [text.replace("\n", "").replace(" ", "") for text in pages(demo_sized)]
        last_clause = [i for i, text in enumerate(texts) if "作为开放数据公开发布" in text]
        signatures = [i for i, text in enumerate(texts) if "乙方（盖章）" in text]
        assert last_clause and last_clause == signatures, extra


def test_the_code_is_labelled_by_what_it_is(demo_sized):
    text = "".join(pages(demo_sized)).replace("\n", "").replace(" ", "")
    assert "统一社会信用代码" in text and "备案号" not in text
    assert demo_sized.proposal.organisation.uscc in text
