"""The applicant always knows what to do next: the next step follows the award once there is
one, the proposal page tells its story in Beijing time, staff's request for more information
sits on top of the edit page, and the draft's PDF says plainly what is not filled in."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from grants.funding.services import awards
from grants.proposals.models import Proposal
from grants.review.services import determine
from tests.factories import FundFactory, approved, in_review, make_award

pytestmark = pytest.mark.django_db

def signed():
    return SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n")


def zh(text):
    with translation.override("zh-hans"):
        return str(text)


@pytest.fixture
def contracting(draft, applicant, staff):
    return make_award(approved(draft, applicant, staff), {FundFactory(): Decimal(90000)}, staff)


def test_an_approved_proposal_without_an_award_waits_for_staff(draft, applicant, staff):
    proposal = approved(draft, applicant, staff)
    with translation.override("en"):
        assert str(proposal.next_step()) == "Approved: staff will contact you about the funding agreement."


def test_the_next_step_follows_the_award_through_signing_reports_and_closing(contracting, staff):
    proposal = Proposal.objects.get(pk=contracting.proposal_id)
    assert zh(proposal.next_step()) == "已立项：工作人员将与您联系签订资助协议。"

    award = awards.sign(contracting, staff, signed())
    proposal = Proposal.objects.get(pk=award.proposal_id)
    midterm = award.reports.get(kind="midterm")
    with translation.override("zh-hans"):
        step = str(proposal.next_step())
    assert step.startswith("实施中：请于") and "中期报告" in step
    assert "签订资助协议" not in step

    award.reports.update(status="approved")
    assert zh(Proposal.objects.get(pk=award.proposal_id).next_step()).startswith("实施中：请按计划开展项目")

    midterm.status = "returned"
    midterm.save()
    assert zh(Proposal.objects.get(pk=award.proposal_id).next_step()) == "实施中：您的中期报告已被退回，请修改后重新提交。"

    type(award).objects.filter(pk=award.pk).update(status="completed")
    assert zh(Proposal.objects.get(pk=award.proposal_id).next_step()) == "已结项：项目已完成，感谢您的付出。"


def test_the_dashboard_no_longer_tells_an_active_project_to_sign(client, applicant, contracting, staff):
    awards.sign(contracting, staff, signed())
    client.force_login(applicant)
    page = client.get("/zh-hans/dashboard/").content.decode()
    assert "实施中：请于" in page
    assert "签订资助协议" not in page


def test_the_proposal_page_shows_its_timeline_in_beijing_time(client, applicant, contracting, staff):
    proposal = contracting.proposal
    # Submitted at 17:30 UTC on 1 March: 01:30 on 2 March in Beijing.
    ModelLogEntry.objects.filter(action="seedbed.proposal.submitted", object_id=str(proposal.pk)).update(
        timestamp=datetime(2026, 3, 1, 17, 30, tzinfo=UTC))
    award = awards.sign(contracting, staff, signed())
    tranche = award.tranches.order_by("number").first()
    awards.pay_tranche(tranche, staff, timezone.localdate(), "BANK-001")
    log(award, "seedbed.award.completed", user=staff)

    client.force_login(applicant)
    page = client.get(f"/zh-hans/proposals/{proposal.pk}/").content.decode()
    timeline = page[page.index('id="timeline-heading"'):]
    timeline = timeline[:timeline.index("</section>")]
    assert "2026年3月2日 01:30" in timeline and "已提交" in timeline
    steps = ["已提交", "形式审查通过，进入专家评审", "评审结果：已立项", "资助协议已签订", "第1期拨款已拨付", "项目已结项"]
    positions = [timeline.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "北京时间" in timeline


def test_the_edit_page_shows_the_request_for_more_information_at_the_top(client, applicant, draft, staff):
    proposal = in_review(draft, applicant, staff)
    determine(proposal, staff, "more_info", note="请补充近三年的活动照片和受益人名单。")
    client.force_login(applicant)
    page = client.get(f"/zh-hans/proposals/{proposal.pk}/edit/").content.decode()
    assert "请补充近三年的活动照片和受益人名单。" in page
    assert page.index('id="staff-message"') < page.index('class="proposal-form"')


def test_a_draft_without_dates_prints_not_filled_in(draft):
    draft.starts_on = draft.ends_on = None
    draft.requested_amount = None
    with translation.override("zh-hans"):
        html = render_to_string("proposals/pdf/proposal.html", {"proposal": draft, "answers": []})
    facts = html[html.index("起止日期"):]
    assert facts.split("</dd>")[0].endswith("未填写")
    assert "—" not in facts.split("</dd>")[0]


def test_a_draft_with_dates_prints_them_from_to(draft):
    draft.starts_on, draft.ends_on = datetime(2027, 1, 5).date(), datetime(2027, 10, 31).date()
    with translation.override("zh-hans"):
        html = render_to_string("proposals/pdf/proposal.html", {"proposal": draft, "answers": []})
    assert "2027年1月5日至2027年10月31日" in html


def test_read_views_show_amounts_grouped_and_targets_without_decimals(client, applicant, draft):
    client.force_login(applicant)
    page = client.get(f"/zh-hans/proposals/{draft.pk}/").content.decode()
    assert "¥90,000.00" in page and "90000.00" not in page
    assert ">1,200<" in page and "1200.00" not in page  # the indicator's target
    assert ">40<" in page and "40.00</td>" not in page  # a budget line's quantity
