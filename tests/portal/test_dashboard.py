"""我的工作台: one part per role, each with that role's own work, and nothing of a role the
person does not hold; the staff work queue's counts and the lists they link to agree."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grants.funding.models import MatchingRun, Tranche
from grants.funding.services import awards as award_service
from grants.impact.models import Report
from grants.proposals.services import submit_proposal
from grants.review.models import ReviewAssignment
from incubator.accounts import permissions as roles
from incubator.organisations.models import Organisation
from portal.work_queue import staff_queue
from tests.factories import (
    FundFactory,
    OrganisationFactory,
    UserFactory,
    approved,
    in_review,
    make_award,
    make_proposal,
)

pytestmark = pytest.mark.django_db

PARTS = {"staff": 'id="staff-work"', "reviewer": 'id="reviewer-work"', "supervisor": 'id="supervisor-work"',
         "funder": 'id="funder-work"', "applicant": 'id="applicant-work"'}


def page(client, user, url="/zh-hans/dashboard/"):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def parts_shown(html):
    return {name for name, marker in PARTS.items() if marker in html}


def new_proposal(call):
    """A complete draft of a fresh organisation (one proposal per organisation and call)."""
    member = UserFactory()
    return make_proposal(call, OrganisationFactory(admins=[member]), member), member


@pytest.fixture
def world(call, staff, reviewer, funder):
    """One item of each kind of staff work, and one of each kind that is not waiting."""
    today = timezone.localdate()
    submitted, member = new_proposal(call)
    submitted = submit_proposal(submitted, member)
    overdue, member = new_proposal(call)
    overdue = in_review(overdue, member, staff)
    ReviewAssignment.objects.create(proposal=overdue, reviewer=reviewer, due_on=today - timedelta(days=2))
    ready, member = new_proposal(call)
    ready = in_review(ready, member, staff)
    ReviewAssignment.objects.create(proposal=ready, reviewer=reviewer, due_on=today - timedelta(days=2),
                                    status=ReviewAssignment.Status.DONE)
    fund = FundFactory()
    fund.managers.add(funder)
    paying, member = new_proposal(call)
    paying = award_service.sign(make_award(approved(paying, member, staff), {fund: D(90000)}, staff), staff,
                                SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))
    reporting, member = new_proposal(call)
    reporting = make_award(approved(reporting, member, staff), {fund: D(90000)}, staff)
    Report.objects.filter(award=reporting, kind=Report.Kind.MIDTERM).update(
        status=Report.Status.SUBMITTED, submitted_at=timezone.now())
    done = MatchingRun.objects.create(created_by=staff, status=MatchingRun.Status.DONE)
    confirmed = MatchingRun.objects.create(created_by=staff, status=MatchingRun.Status.CONFIRMED)
    pending = OrganisationFactory(status=Organisation.Status.PENDING, name_zh="待核验的社工服务中心")
    return {"submitted": submitted, "overdue": overdue, "ready": ready, "paying": paying,
            "reporting": reporting, "done": done, "confirmed": confirmed, "pending": pending, "fund": fund}


# -- staff -----------------------------------------------------------------------------------
def test_the_staff_queue_counts_each_kind_of_waiting_work(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        counts = {item.key: item.count for item in staff_queue()}
    assert counts == {"screening": 1, "overdue_reviews": 1, "to_decide": 1, "runs_to_confirm": 1,
                      "tranches_due": 1, "reports_to_approve": 1, "organisations": 1}


def test_a_tranche_waiting_for_its_report_is_not_due(world, staff):
    award = world["paying"]
    award.tranches.filter(number=1).update(status=Tranche.Status.CANCELLED)  # the next waits for a report
    assert {item.key: item.count for item in staff_queue()}["tranches_due"] == 0


def test_each_count_links_to_a_list_of_exactly_those_items(world, client, staff):
    queue = {item.key: item.url for item in staff_queue()}
    proposals = {key: world[key].reference for key in ("submitted", "overdue", "ready")}
    for key, wanted in [("screening", "submitted"), ("overdue_reviews", "overdue"), ("to_decide", "ready")]:
        html = page(client, staff, queue[key])
        assert [name for name, reference in proposals.items() if reference in html] == [wanted], key
    awards = {key: world[key].reference for key in ("paying", "reporting")}
    for key, wanted in [("tranches_due", "paying"), ("reports_to_approve", "reporting")]:
        html = page(client, staff, queue[key])
        assert [name for name, reference in awards.items() if reference in html] == [wanted], key
    html = page(client, staff, queue["runs_to_confirm"])
    assert f"/staff/matching/{world['done'].pk}/" in html
    assert f"/staff/matching/{world['confirmed'].pk}/" not in html
    html = page(client, staff, queue["organisations"])
    assert "待核验的社工服务中心" in html and world["paying"].organisation.name_zh not in html


def test_staff_see_the_work_queue_and_no_applicant_part(world, client, staff):
    html = page(client, staff)
    assert parts_shown(html) == {"staff"}
    assert "等待工作人员处理" in html
    assert '<strong class="queue-count">1</strong> 待形式审查的申报书' in html  # a count, not "1.00"
    assert "/zh-hans/staff/proposals/?status=submitted" in html


# -- other roles -------------------------------------------------------------------------------
def test_reviewers_see_their_reviews_due_with_beijing_dates(world, client, reviewer):
    html = page(client, reviewer)
    assert parts_shown(html) == {"reviewer"}
    due = timezone.localdate() - timedelta(days=2)
    assert f"{due.year}年{due.month}月{due.day}日" in html and "已逾期" in html
    assert world["overdue"].reference in html
    assert world["ready"].reference not in html  # already reviewed: nothing due


def test_a_reviewer_with_nothing_due_is_told_what_happens_next(client):
    html = page(client, UserFactory(roles=[roles.REVIEWER]))
    assert "目前没有等待您评审的申报书" in html


def test_supervisors_read_recent_decisions_and_payments(world, client, staff, supervisor):
    award_service.pay_tranche(world["paying"].tranches.get(number=1), staff, timezone.localdate(), "BANK-001")
    html = page(client, supervisor)
    assert parts_shown(html) == {"supervisor"}
    assert world["paying"].proposal.reference in html  # decided: approved
    assert "¥45,000.00" in html and world["paying"].reference in html  # paid: half on signing


def test_funders_see_their_funds_money_projects_and_reports(world, client, funder):
    other = FundFactory(name_zh="别人的基金")
    html = page(client, funder)
    assert parts_shown(html) == {"funder"}
    assert world["fund"].name_zh in html and other.name_zh not in html
    assert "¥1,000,000.00" in html and "¥820,000.00" in html  # budget; balance after two awards
    assert world["paying"].proposal.title in html
    assert f"/awards/{world['reporting'].pk}/reports/" in html  # the submitted mid-term report


def test_a_funder_without_a_fund_is_told_whom_to_ask(client, funder):
    assert "请联系中心工作人员" in page(client, funder)


def test_applicants_see_only_their_own_part(client, draft, applicant):
    html = page(client, applicant)
    assert parts_shown(html) == {"applicant"}
    assert draft.title in html


def test_a_newcomer_is_told_to_start_a_proposal_or_register(client):
    html = page(client, UserFactory())
    assert parts_shown(html) == {"applicant"}
    assert "您还没有申报书" in html and "登记社会组织" in html


def test_a_person_with_several_roles_sees_each_part(world, client, organisation):
    person = UserFactory(roles=[roles.STAFF, roles.REVIEWER])
    organisation.memberships.create(user=person, role="member")
    assert parts_shown(page(client, person)) == {"staff", "reviewer", "applicant"}


# -- landing -----------------------------------------------------------------------------------
def test_signing_in_lands_on_the_dashboard(client, applicant):
    from tests.factories import PASSWORD

    response = client.post("/zh-hans/accounts/login/", {"login": applicant.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/zh-hans/dashboard/"


def test_signing_in_still_follows_next(client, applicant):
    from tests.factories import PASSWORD

    response = client.post("/zh-hans/accounts/login/?next=/zh-hans/accounts/profile/",
                           {"login": applicant.email, "password": PASSWORD})
    assert response["Location"] == "/zh-hans/accounts/profile/"


def test_a_projects_tranche_and_report_lines_read_with_full_width_punctuation(world, client):
    from django.utils import translation

    reporting = world["reporting"]
    chinese = client.get(f"/zh-hans/projects/{reporting.pk}/").content.decode()
    english = client.get(f"/en/projects/{reporting.pk}/").content.decode()
    with translation.override("zh-hans"):
        midterm = str(Report.Kind.MIDTERM.label)
    assert "第1期拨款（¥" in chinese and "）：" in chinese
    assert f"{midterm}：" in chinese and f"{midterm}: " not in chinese
    assert "Tranche 1 (¥" in english
