import re
from dataclasses import dataclass
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult
from wagtail.models import Locale, ModelLogEntry, Page, PageLogEntry, Revision

from cms.models import StandardPage
from demo.calls import LINKAGE, find_past_call
from demo.people import APPLICANTS, DEMO_PASSWORD
from grants.calls.models import CallIndexPage, CallPage, Theme
from grants.donations.models import Donation
from grants.funding.models import (
    Award,
    AwardBudgetLine,
    AwardFunding,
    BudgetVariation,
    Disbursement,
    Fund,
    MatchingLine,
    MatchingRun,
    Tranche,
)
from grants.funding.services import ledger
from grants.impact.models import IndicatorResult, Report
from grants.proposals.models import (
    BudgetLine,
    Indicator,
    Proposal,
    ProposalSnapshot,
    ReferenceCounter,
)
from grants.review.models import ConflictOfInterest, Review, ReviewAssignment
from incubator.accounts import permissions
from incubator.accounts.models import User
from incubator.organisations.models import Membership, Organisation
from incubator.organisations.uscc import validate_uscc


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


# Background tasks as in production: "background" ones go to a queue in the database.
PRODUCTION_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
                    "background": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@dataclass
class Seeding:
    output: str  # what seed_demo printed
    emails: list  # what reached the outbox, the seeding's commits done
    queued: list  # the tasks it left in the queue (their paths)
    open_data: Path  # where the open data was written


@pytest.fixture(scope="module")
def seeding(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, seeded once for the whole module (it takes seconds): inside a transaction
    rolled back at the end, so each test, in its own savepoint (`db`), reads the same data and
    anything it changes — seeding again included — is undone after it.

    Seeded with production's task backends; what the seeding's transactions leave for their
    commit (mail, queued tasks) is then run, as the commit would."""
    open_data = tmp_path_factory.mktemp("open-data")
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            mail.outbox.clear()
            with override_settings(TASKS=PRODUCTION_TASKS, OPEN_DATA_ROOT=open_data):
                with TestCase.captureOnCommitCallbacks(execute=True):
                    output = seed()
                queued = list(DBTaskResult.objects.values_list("task_path", flat=True))
            yield Seeding(output, list(mail.outbox), queued, open_data)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def seeded(seeding):
    """What the first run of seed_demo printed."""
    return seeding.output


def test_the_demo_sends_no_email(seeding):
    assert "Funding demo:" in seeding.output  # the services that email ran
    assert seeding.emails == []


def test_the_demo_runs_the_tasks_it_asks_for_and_leaves_none_in_the_queue(seeding, db):
    assert seeding.queued == []
    # Asked for on commit by the services: the matching runs computed, the open data written.
    assert not MatchingRun.objects.filter(status__in=[MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING])
    assert (seeding.open_data / "360giving.json").exists()


def test_seed_demo_creates_a_user_for_every_role_and_prints_the_logins(seeded, db):
    output = seeded
    for role in permissions.ROLES:
        users = User.objects.filter(groups__name=role)
        assert users.exists()
        for user in users:
            assert user.check_password(DEMO_PASSWORD)
            assert user.email in output
            assert EmailAddress.objects.get(user=user).verified
    assert DEMO_PASSWORD in output
    assert User.objects.get(email="admin@seedbed.test").is_superuser


def test_seed_demo_creates_bilingual_pages(seeded, db, client):
    titles = set(StandardPage.objects.live().values_list("locale__language_code", "title"))
    assert ("zh-hans", "关于中心") in titles and ("en", "About the centre") in titles
    assert "南岸区社区治理创新中心" in client.get("/zh-hans/about/").content.decode()
    assert "Community Governance Innovation Centre" in client.get("/en/about/").content.decode()


def test_seed_demo_is_idempotent(seeded, db):
    seed("--scale", "50")
    counts = (User.objects.count(), StandardPage.objects.count(), EmailAddress.objects.count())
    seed("--scale", "50")
    assert (User.objects.count(), StandardPage.objects.count(), EmailAddress.objects.count()) == counts


def test_scale_bulk_creates_verified_applicants(seeded, db):
    seed("--scale", "1200")
    load = User.objects.filter(email__startswith="load-")
    assert load.count() == 1200
    assert EmailAddress.objects.filter(user__in=load, verified=True).count() == 1200
    assert load.first().check_password(DEMO_PASSWORD)


# -- calls, organisations and proposals (demo.proposals) ----------------------------------------

def test_seed_demo_creates_calls_in_every_state(seeded, db):
    calls = CallPage.objects.live().filter(locale__language_code="zh-hans")
    assert {call.status for call in calls} == {
        CallPage.Status.OPEN, CallPage.Status.UPCOMING, CallPage.Status.CLOSED}
    for call in calls:
        call.full_clean()  # money, dates and the rubric's weights (they add up to 100)
        assert call.themes.exists() and call.streets.exists()
        assert timezone.is_aware(call.opens_at) and timezone.is_aware(call.closes_at)
        assert isinstance(call.total_budget, Decimal)
    governance = calls.get(slug="community-governance-innovation")
    assert governance.is_open
    assert (governance.min_grant, governance.max_grant) == (Decimal("50000.00"), Decimal("150000.00"))
    assert governance.cofunding_share == Decimal("10.00")
    kinds = {block.block_type for block in governance.questions}
    assert {"file", "single_choice", "long_text"} <= kinds
    assert any(block.block_type == "single_choice" and block.value["required"]
               for block in governance.questions)
    assert sum(criterion.value["weight"] for criterion in governance.rubric) == 100


def test_seed_demo_publishes_the_call_index_and_calls_in_both_languages(seeded, db, client):
    for language, title in (("zh-hans", "项目征集"), ("en", "Calls for proposals")):
        index = CallIndexPage.objects.live().get(locale__language_code=language)
        assert index.title == title and index.show_in_menus
        calls = CallPage.objects.live().child_of(index)
        assert calls.count() == 5  # demo.proposals's four, and last year's (demo.funding)
        response = client.get(index.url)
        assert response.status_code == 200
        for call in calls:
            assert escape(call.title) in response.content.decode()
    english = Locale.objects.get(language_code="en")
    for call in CallPage.objects.filter(locale__language_code="zh-hans"):
        translation = call.get_translation(english).specific
        assert translation.live and translation.title != call.title
        assert [block.id for block in translation.questions] == [block.id for block in call.questions]
    assert client.get("/en/calls/community-governance-innovation/").status_code == 200


def test_seed_demo_registers_organisations_in_every_status(seeded, db):
    statuses = set(Organisation.objects.values_list("status", flat=True))
    assert statuses == {Organisation.Status.VERIFIED, Organisation.Status.PENDING,
                        Organisation.Status.REJECTED}
    assert Organisation.objects.count() >= 6
    assert Organisation.objects.get(status=Organisation.Status.REJECTED).status_reason
    codes = list(Organisation.objects.exclude(uscc=None).values_list("uscc", flat=True))
    for code in codes:
        assert validate_uscc(code) == code
    assert any(not code[:8].isdigit() for code in codes)
    assert Organisation.objects.filter(uscc=None).exclude(filing_number=None).exists()
    for organisation in Organisation.objects.all():  # registered through the service
        assert organisation.memberships.filter(role=Membership.Role.ADMIN).exists()
        assert ModelLogEntry.objects.for_instance(organisation).filter(
            action="seedbed.organisation.registered").exists()


def test_the_demo_applicant_administers_a_verified_organisation_eligible_for_an_open_call(seeded, db):
    applicant = User.objects.get(email="applicant@seedbed.test")
    admin_of = Organisation.objects.filter(
        memberships__user=applicant, memberships__role=Membership.Role.ADMIN,
        status=Organisation.Status.VERIFIED)
    open_calls = [call for call in CallPage.objects.live().filter(locale__language_code="zh-hans")
                  if call.is_open]
    assert any(call.eligibility_problem(organisation) is None
               for call in open_calls for organisation in admin_of)
    assert applicant.memberships.filter(role=Membership.Role.MEMBER).exists()
    for email, _name in APPLICANTS:
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.get(user=user).verified


def test_seed_demo_creates_draft_and_submitted_proposals(seeded, db):
    assert Proposal.objects.filter(status=Proposal.Status.SUBMITTED).exists()
    # Every proposal past the draft was submitted through the service (the review demo then
    # moves most of them on).
    submitted = Proposal.objects.exclude(status=Proposal.Status.DRAFT)
    assert submitted.count() >= 3
    for proposal in submitted:
        assert re.fullmatch(r"NA-\d{4}-\d{4}", proposal.reference)
        assert proposal.budget_total == proposal.requested_amount + proposal.cofunding_amount
        assert proposal.indicators.exists() and proposal.themes.exists()
        assert ModelLogEntry.objects.for_instance(proposal).filter(
            action="seedbed.proposal.submitted").exists()
        for question in proposal.call.questions:
            if question.value["required"]:
                assert proposal.answers.get(question.id) not in (None, "", [])
    assert Proposal.objects.filter(
        status=Proposal.Status.DRAFT, organisation__memberships__user__email="applicant@seedbed.test"
    ).exists()
    assert Proposal.objects.filter(title__contains="停车").exists()


def test_running_seed_demo_again_adds_no_rows(seeded, db):
    models = [User, EmailAddress, Theme, Page, CallPage, Revision, Organisation, Membership,
              Proposal, BudgetLine, Indicator, ModelLogEntry, PageLogEntry, ReferenceCounter,
              ProposalSnapshot, ReviewAssignment, Review, ConflictOfInterest,
              Fund, MatchingRun, MatchingLine, Award, AwardFunding, AwardBudgetLine, Tranche, Disbursement,
              Report, IndicatorResult, BudgetVariation, Donation]

    def counts():
        return {model.__name__: model.objects.count() for model in models}

    first = seeded
    before = counts()
    second = seed()
    assert counts() == before
    assert "0 themes, 0 call pages, 0 applicant accounts, 0 organisations, 0 proposals" in second
    assert re.search(r"\b[1-9]\d* proposals", first)
    assert "0 proposals and 0 review steps added" in second
    assert re.search(r"\b[1-9]\d* review steps added", first)
    assert "Funding demo: 0 organisations, 0 proposals, 0 funds and 0 funding steps added" in second
    assert re.search(r"Funding demo: [1-9]\d* organisations, [1-9]\d* proposals, [1-9]\d* funds and "
                     r"[1-9]\d* funding steps added", first)


# -- screening, reviews and decisions (demo.review) -----------------------------------

def test_seed_demo_shows_a_proposal_in_every_state(seeded, db):
    output = seeded
    assert set(Proposal.objects.values_list("status", flat=True)) == set(Proposal.Status.values)
    assert "Review demo:" in output
    reviewers = User.objects.filter(groups__name=permissions.REVIEWER)
    assert reviewers.count() >= 4
    for reviewer in reviewers:
        assert reviewer.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.get(user=reviewer).verified
    now = timezone.now()
    for proposal in Proposal.objects.exclude(status=Proposal.Status.DRAFT):
        entries = ModelLogEntry.objects.for_instance(proposal).order_by("pk")
        assert entries.filter(action="seedbed.proposal.submitted").exists()
        stamps = list(entries.values_list("timestamp", flat=True))
        assert stamps == sorted(stamps) and stamps[-1] <= now  # the backdated history reads in order
        if proposal.status not in (Proposal.Status.SUBMITTED, Proposal.Status.SCREENING,
                                   Proposal.Status.IN_REVIEW):
            assert proposal.decision_message and proposal.decided_at
            assert entries.filter(action=f"seedbed.proposal.determined.{proposal.status}").exists()
    screened_out = Proposal.objects.get(status=Proposal.Status.SCREENED_OUT)
    assert "重复" in screened_out.decision_message


def test_seed_demo_submits_reviews_with_scores_within_the_rubric(seeded, db):
    submitted = Review.objects.filter(submitted_at__isnull=False).select_related("assignment__proposal__call")
    assert submitted.exists()
    for review in submitted:
        criteria = [(block.id, block.value) for block in review.assignment.proposal.call.rubric]
        assert set(review.scores) == {criterion_id for criterion_id, _ in criteria}
        for criterion_id, criterion in criteria:
            score = review.scores[criterion_id]["score"]
            assert isinstance(score, int) and 0 <= score <= criterion["max_score"]
        assert review.weighted_score is not None and review.recommendation
        assert review.assignment.status == ReviewAssignment.Status.DONE
    # Decided proposals were fully reviewed, and carry comments for the applicant and internal ones.
    for status in (Proposal.Status.APPROVED, Proposal.Status.REJECTED, Proposal.Status.WAITLISTED):
        assert Proposal.objects.filter(status=status).exists()
        for proposal in Proposal.objects.filter(status=status):
            assert proposal.review_count == proposal.call.reviewers_per_proposal
            assert proposal.score is not None
    approved = Proposal.objects.get(status=Proposal.Status.APPROVED, call__slug="five-forces-community-services")
    comments = [entry for review in submitted.filter(assignment__proposal=approved)
                for entry in review.scores.values() if entry["comment"]]
    assert any(entry["shared"] for entry in comments)
    assert any(not entry["shared"] for entry in comments)


def test_seed_demo_shows_review_work_in_progress(seeded, db):
    today = timezone.localdate()
    conflict = ReviewAssignment.objects.get(status=ReviewAssignment.Status.CONFLICT)
    assert conflict.conflict_note
    assert ConflictOfInterest.objects.filter(
        reviewer=conflict.reviewer, organisation=conflict.proposal.organisation).exists()
    overdue = ReviewAssignment.objects.filter(
        status=ReviewAssignment.Status.ASSIGNED, due_on__lt=today, proposal__status=Proposal.Status.IN_REVIEW)
    assert overdue.exists()
    assert Review.objects.filter(
        submitted_at__isnull=True, assignment__proposal__status=Proposal.Status.IN_REVIEW).exists()
    # A proposal whose reviewers all reported, and disagree strongly.
    disputed = Proposal.objects.get(disagreement=True)
    assert disputed.status == Proposal.Status.IN_REVIEW
    totals = list(Review.objects.filter(assignment__proposal=disputed, submitted_at__isnull=False)
                  .values_list("weighted_score", flat=True))
    assert len(totals) == disputed.review_count == disputed.call.reviewers_per_proposal
    assert max(totals) - min(totals) >= 25
    assert not disputed.assignments.filter(status=ReviewAssignment.Status.ASSIGNED).exists()


def test_the_demo_applicant_is_asked_for_more_information(seeded, db, client):
    applicant = User.objects.get(email="applicant@seedbed.test")
    proposal = Proposal.objects.get(
        status=Proposal.Status.MORE_INFO, organisation__memberships__user=applicant,
        organisation__memberships__role=Membership.Role.ADMIN)
    assert proposal.decision_message
    client.force_login(applicant)
    assert escape(proposal.title) in client.get(reverse("portal:dashboard")).content.decode()


# -- funds, matching, awards and donations (demo.funding) -------------------------------

def test_seed_demo_funds_dozens_of_projects_across_the_streets_in_every_state(seeded, db):
    assert "Funding demo:" in seeded
    awards = Award.objects.select_related("proposal__street", "proposal__organisation")
    assert awards.count() >= 30
    assert awards.values("proposal__street").distinct().count() >= 10
    assert set(awards.values_list("status", flat=True)) == set(Award.Status.values)
    for award in awards:
        assert re.search(r"[\u4e00-\u9fff]{6}", award.proposal.title)  # a Chinese title
        assert award.proposal.organisation.is_verified and award.run is not None
    last_year = find_past_call()
    assert last_year.proposals.exclude(status=Proposal.Status.DRAFT).count() >= 35
    assert set(last_year.proposals.values_list("status", flat=True)) >= {
        Proposal.Status.APPROVED, Proposal.Status.REJECTED, Proposal.Status.WAITLISTED}
    # About twenty more organisations over the district's streets, two of them filed community groups.
    verified = Organisation.objects.filter(status=Organisation.Status.VERIFIED)
    assert verified.count() >= 25 and verified.values("street").distinct().count() == 15
    assert verified.filter(uscc=None).count() >= 3


def test_the_demo_ledgers_balance(seeded, db):
    for fund in Fund.objects.all():
        assert ledger.check_fund(fund) == [], fund
    for award in Award.objects.all():
        assert ledger.check_award(award) == [], award
    kinds = set(Fund.objects.values_list("kind", flat=True))
    assert kinds == set(Fund.Kind.values)
    assert Fund.objects.values("year").distinct().count() == 2
    assert Fund.objects.filter(managers__email="funder@seedbed.test").exists()


def test_completed_awards_were_paid_in_full_after_their_reports(seeded, db):
    today = timezone.localdate()
    completed = Award.objects.filter(status=Award.Status.COMPLETED)
    assert completed.count() >= 15
    for award in completed:
        assert award.paid == award.amount > 0 and award.signed_copy and award.signed_at
        tranches = list(award.tranches.all())
        assert [tranche.status for tranche in tranches] == [Tranche.Status.PAID] * 3
        for tranche in tranches:
            assert re.fullmatch(r"NA-ZF-\d{4}-\d{4}", tranche.payment_reference)
            assert award.signed_at.date() <= tranche.paid_on <= today
        reports = {report.kind: report for report in award.reports.all()}
        assert {report.status for report in reports.values()} == {Report.Status.APPROVED}
        assert reports[Report.Kind.MIDTERM].decided_at < reports[Report.Kind.FINAL].submitted_at
        assert reports[Report.Kind.FINAL].decided_at.date() <= tranches[2].paid_on
        for result in IndicatorResult.objects.filter(report=reports[Report.Kind.FINAL]):
            assert result.actual >= result.indicator.target * Decimal("0.9")  # near the targets
    # The awards' history reads in order, in the past.
    now = timezone.now()
    for award in Award.objects.all():
        stamps = list(ModelLogEntry.objects.for_instance(award).order_by("pk").values_list("timestamp", flat=True))
        assert stamps == sorted(stamps) and stamps[-1] <= now and stamps[0] >= award.created_at


def test_awards_show_the_other_steps_of_their_life(seeded, db):
    active = Award.objects.filter(status=Award.Status.ACTIVE)
    assert active.filter(reports__kind=Report.Kind.MIDTERM, reports__status=Report.Status.APPROVED).count() == \
        active.count() >= 3
    assert Report.objects.filter(status=Report.Status.SUBMITTED, award__status=Award.Status.ACTIVE).exists()
    assert Report.objects.filter(status=Report.Status.RETURNED).exclude(staff_note="").exists()
    # The demo applicant's organisation has a running project whose final report is still due.
    assert Award.objects.filter(status=Award.Status.ACTIVE, proposal__organisation__memberships__user__email=(
        "applicant@seedbed.test"), reports__kind=Report.Kind.FINAL, reports__status=Report.Status.DUE).exists()
    terminated = Award.objects.get(status=Award.Status.TERMINATED)
    assert terminated.closing_note and terminated.tranches.filter(status=Tranche.Status.CANCELLED).exists()
    contracting = Award.objects.filter(status=Award.Status.CONTRACTING)
    assert contracting.exists() and not contracting.filter(tranches__status=Tranche.Status.PAID).exists()
    statuses = set(BudgetVariation.objects.values_list("status", flat=True))
    assert {BudgetVariation.Status.APPROVED, BudgetVariation.Status.REQUESTED} <= statuses
    assert BudgetVariation.objects.filter(status=BudgetVariation.Status.APPROVED, amount_change__lt=0).exists()


def test_donations_earned_matches(seeded, db):
    paid = Donation.objects.filter(status=Donation.Status.PAID)
    assert paid.count() >= 50
    assert paid.filter(award__isnull=False).values("award").distinct().count() >= 10
    assert paid.filter(fund__kind=Fund.Kind.DONATIONS).exists()  # gifts to the pool
    assert paid.filter(anonymous=True).exists()
    assert not paid.filter(paid_at__isnull=True).exists() and paid.latest("paid_at").paid_at <= timezone.now()
    matched = paid.filter(matched__gt=0)
    assert matched.exists()
    assert {donation.match_fund.kind for donation in matched} == {Fund.Kind.FOUNDATION}
    for fund in Fund.objects.filter(matched__gt=0):
        assert fund.match_cap is None or fund.matched <= fund.match_cap
    refunded = Donation.objects.get(refunded__gt=0)
    assert refunded.refunded < refunded.amount and refunded.match_withdrawn > 0


def test_a_computed_matching_run_waits_for_staff_to_confirm(seeded, db, client):
    waiting = MatchingRun.objects.get(status=MatchingRun.Status.DONE)
    assert waiting.confirmed_at is None and not waiting.awards.exists()
    assert list(waiting.calls.values_list("slug", flat=True)) == [LINKAGE]
    assert waiting.lines.exclude(shares={}).exists()
    assert MatchingRun.objects.filter(status=MatchingRun.Status.CONFIRMED).count() >= 1
    # A demo visitor signed in as staff can confirm it.
    client.force_login(User.objects.get(email="staff@seedbed.test"))
    assert client.get(reverse("funding:matching_list")).status_code == 200
    response = client.post(reverse("funding:matching_confirm", args=[waiting.pk]))
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == MatchingRun.Status.CONFIRMED and waiting.awards.exists()


def test_the_demo_home_page_is_a_service_portal(seeded, db, client):
    # The training programme index (人才培养) replaced the old static 培训项目 page.
    assert not StandardPage.objects.filter(slug="training").exists()
    page = client.get("/zh-hans/").content.decode()
    for part in ("home-calls", "home-figures", "home-projects", "home-training", "home-give"):
        assert f'data-testid="{part}"' in page
    assert "社创营" in page and 'href="/zh-hans/donate/"' in page and 'href="/zh-hans/open-data/"' in page


def test_the_demo_centre_takes_gifts_by_bank_transfer(seeded, db):
    from wagtail.models import Site

    from cms.models import SiteSettings

    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    assert site_settings.takes_bank_transfers
