"""The matching pages in plain words: no solver jargon, a note on what the figures mean, the
wide result table free of the global form width, and each fund's money shown in the picker."""

from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import FundFactory
from tests.grants.funding.test_matching import run_now, scored

D = Decimal


def test_the_run_page_reads_in_plain_chinese_with_a_note(call, organisation, applicant, staff, client,
                                                         django_capture_on_commit_callbacks):
    scored(call, organisation, applicant, staff, D("90"), amount=D("100000"))
    scored(call, organisation, applicant, staff, D("80"), amount=D("75000"))
    run = run_now(staff, [call], [FundFactory(budget=D("150000"))], django_capture_on_commit_callbacks)
    client.force_login(staff)
    with translation.override("zh-hans"):
        page = client.get(reverse("funding:matching_detail", args=[run.pk])).content.decode()
    for jargon in ("Σ", "线性规划", "人工方式"):
        assert jargon not in page
    assert "<summary>这是什么意思？</summary>" in page and "按得分高低依次资助" in page
    assert 'class="matching-form"' in page and "css/staff.css" in page


def test_the_fund_picker_shows_what_each_fund_has_available(call, staff, client):
    FundFactory(budget=D("1250000"), name_zh="福彩公益金", year=2026)
    client.force_login(staff)
    with translation.override("zh-hans"):
        page = client.get(reverse("funding:matching_list")).content.decode()
    assert "福彩公益金（2026年）：可用 ¥1,250,000.00" in page
    assert "css/staff.css" in page and "matching-form" in page


def test_staff_css_lifts_the_global_form_width_for_matching_forms():
    css = (Path(settings.BASE_DIR) / "static/css/staff.css").read_text()
    assert "form.matching-form { max-width: none; }" in css
