"""The history on an award page: every line a sentence in the reader's language, money as
¥ with separators, choices by their labels; never the logged data's keys or raw values."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from grants.funding.models import Tranche
from grants.funding.services import awards, ledger
from tests.factories import FundFactory, approved, make_award, make_proposal
from tests.grants.funding.test_awards import approve, scan

D = Decimal
RAW = re.compile(r"\b(amount|kind|parts|report|tranche|schedule|funds|fund|award):|\{'|\['|"
                 r"\b(grant|match|midterm|final|signing|midterm_report|final_report)\b|\d{5,}\.\d\d")


@pytest.fixture
def lived(call, organisation, applicant, staff):
    """An award signed, two tranches paid, a report approved, a variation of its schedule."""
    funds = FundFactory(budget=D("100000")), FundFactory(budget=D("50000"))
    proposal = approved(make_proposal(call, organisation, applicant), applicant, staff, score=D("80"))
    award = make_award(proposal, {funds[0]: D("60000"), funds[1]: D("30000")}, staff)
    awards.set_schedule(award, [(D("50"), Tranche.Condition.SIGNING), (D("50"), Tranche.Condition.MIDTERM_REPORT)],
                        staff)
    awards.sign(award, staff, scan())
    awards.pay_tranche(award.tranches.get(number=1), staff, date(2026, 3, 2), "BANK-1")
    approve(award, "midterm", applicant, staff)
    awards.pay_tranche(award.tranches.get(number=2), staff, date(2026, 6, 2), "BANK-2")
    return award


def history(client, person, award, language):
    client.force_login(person)
    with translation.override(language):
        page = client.get(reverse("funding:award_detail", args=[award.pk])).content.decode()
    return page[page.index('id="history-heading"'):]


def rows(section):
    return [re.sub(r"<[^>]+>", " ", row) for row in re.findall(r"<tr>(.*?)</tr>", section, re.S)][1:]


def test_every_history_line_is_a_chinese_sentence(lived, client, staff):
    lines = rows(history(client, staff, lived, "zh-hans"))
    assert len(lines) >= 8
    raw = [line for line in lines if RAW.search(line)]
    assert not raw
    text = " ".join(lines)
    assert "第2期拨款已于2026年6月2日拨付 ¥45,000.00，付款凭证号：BANK-2。" in text
    assert "一期" not in text
    assert "中期报告已通过。" in text
    assert "立项资助，共 ¥90,000.00" in text
    assert "50%（签订协议后）" in text or "50%（" in text


def test_the_same_history_reads_in_english(lived, client, staff):
    text = " ".join(rows(history(client, staff, lived, "en")))
    assert "Tranche 2 paid: ¥45,000.00" in text and "Mid-term report approved." in text


def test_a_fund_page_history_names_the_award_and_formats_money(lived, client, staff):
    fund = lived.funding.first().fund
    client.force_login(staff)
    with translation.override("zh-hans"):
        page = client.get(reverse("funding:fund_detail", args=[fund.pk])).content.decode()
    section = page[page.rindex("<h2>"):]
    assert f"向 {lived.reference} 承诺资助 ¥" in section and "¥60000" not in section


def test_a_reason_typed_by_staff_is_shown_beside_the_sentence(lived, client, staff):
    awards.terminate(lived, staff, "机构注销")
    section = history(client, staff, lived, "zh-hans")
    assert "机构注销" in section and "reason:" not in section
