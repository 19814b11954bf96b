"""Reviewing, as the expert reviewer does it: the dashboard of assignments, the conflict of
interest declaration, scoring against the call's rubric, drafts and submission — and that a
reviewer reaches nothing but their own assignments."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grants.proposals.models import Proposal
from grants.proposals.services import add_attachment
from grants.review import services as service
from grants.review.forms import ReviewForm
from grants.review.models import ConflictOfInterest, Review, ReviewAssignment
from incubator.accounts import permissions
from tests.factories import OrganisationFactory, UserFactory, in_review, make_proposal

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
TODAY = timezone.localdate


@pytest.fixture
def reviewed(call, organisation, applicant, staff):
    """A proposal in review, with one file."""

    proposal = make_proposal(call, organisation, applicant)
    add_attachment(proposal, applicant, SimpleUploadedFile("预算说明.pdf", PDF))
    return in_review(proposal, applicant, staff)


def assign(proposal, reviewer, staff, days=10):
    return service.assign_reviewer(proposal, reviewer, staff, due_on=TODAY() + timedelta(days=days))


@pytest.fixture
def assignment(reviewed, reviewer, staff):
    return assign(reviewed, reviewer, staff)


@pytest.fixture
def declared(assignment, reviewer):
    return service.declare_conflict(assignment, reviewer, has_conflict=False)


def criteria(call):
    """The two criteria of the factories' rubric: 需求与必要性 (40%, /10), 可行性 (60%, /10)."""
    return [block.id for block in call.rubric]


def sheet(call, scores=(), action="save", **fields):
    """The POST body of the scoring form: `scores` lists each criterion's score in order
    (None leaves it blank)."""
    data = {"action": action, "comment": "", "recommendation": ""}
    if action == "submit":
        data["confirm_final"] = "on"  # the reviewer's "I confirm it is final" box
    for criterion_id, score in zip(criteria(call), scores):
        data[f"score_{criterion_id}"] = "" if score is None else str(score)
    data.update(fields)
    return data


def url(assignment, suffix="", language="en"):
    return f"/{language}/reviews/{assignment.pk}/{suffix}"


# -- the dashboard -------------------------------------------------------------------------
def make_assignments(call, applicant, reviewer, staff, due_days):
    made = []
    for days in due_days:
        proposal = in_review(make_proposal(call, OrganisationFactory(admins=[applicant]), applicant), applicant, staff)
        made.append(assign(proposal, reviewer, staff, days))
    return made


def test_the_dashboard_sorts_assignments_by_urgency(client, call, applicant, reviewer, staff):
    overdue, today, in_three, in_four, done, conflict = make_assignments(
        call, applicant, reviewer, staff, [-1, 0, 3, 4, 1, 2])
    service.declare_conflict(done, reviewer, False)
    service.save_review(done, reviewer, {c: {"score": 5} for c in criteria(call)}, recommendation="fund", submit=True)
    service.declare_conflict(conflict, reviewer, True, "我曾在该机构任职")
    someone_else = UserFactory(roles=[permissions.REVIEWER])
    theirs = make_assignments(call, applicant, someone_else, staff, [1])[0]
    client.force_login(reviewer)

    response = client.get("/en/reviews/")

    assert response.status_code == 200
    sections = {section["key"]: [a.pk for a in section["assignments"]] for section in response.context["sections"]}
    assert sections == {"overdue": [overdue.pk], "due_soon": [today.pk, in_three.pk], "assigned": [in_four.pk],
                        "on_hold": [], "done": [done.pk]}
    page = response.content.decode()
    assert "You have 4 reviews to do." in page
    for section in ("Overdue", "Due within 3 days", "Assigned", "Done"):
        assert section in page
    assert f"/en/reviews/{theirs.pk}/" not in page and f"/en/reviews/{conflict.pk}/" not in page
    assert overdue.proposal.reference in page and overdue.proposal.call.title in page
    assert overdue.proposal.organisation.name in page  # not a blind call


def test_an_assignment_whose_proposal_left_review_is_on_hold(client, call, applicant, reviewer, staff):
    held = make_assignments(call, applicant, reviewer, staff, [-5])[0]
    service.determine(held.proposal, staff, "more_info", "请补充预算说明。")
    client.force_login(reviewer)
    sections = {s["key"]: s["assignments"] for s in client.get("/en/reviews/").context["sections"]}
    assert [a.pk for a in sections["on_hold"]] == [held.pk] and not sections["overdue"]


def test_the_dashboard_takes_the_same_number_of_queries_whatever_the_number_of_assignments(
        client, call, applicant, reviewer, staff):
    client.force_login(reviewer)
    make_assignments(call, applicant, reviewer, staff, [1])
    client.get("/en/reviews/")  # warm caches (site, locale)
    with CaptureQueriesContext(connection) as one:
        client.get("/en/reviews/")
    make_assignments(call, applicant, reviewer, staff, [-2, 2, 9, 20])
    with CaptureQueriesContext(connection) as five:
        response = client.get("/en/reviews/")
    assert len(response.context["sections"][0]["assignments"]) == 1
    assert len(five) == len(one)


def test_the_dashboard_is_for_reviewers(client, applicant):
    client.force_login(applicant)
    assert client.get("/en/reviews/").status_code == 403


# -- who may open what ---------------------------------------------------------------------
@pytest.mark.parametrize("suffix", ["", "pdf/", "files/{file}/"])
def test_a_reviewer_cannot_open_another_reviewers_assignment(client, assignment, suffix):
    service.declare_conflict(assignment, assignment.reviewer, False)
    other = UserFactory(roles=[permissions.REVIEWER])
    client.force_login(other)
    file = assignment.proposal.attachments.get()
    assert client.get(url(assignment, suffix.format(file=file.pk))).status_code == 404
    client.force_login(assignment.reviewer)
    assert client.get(url(assignment, suffix.format(file=file.pk))).status_code == 200


@pytest.mark.parametrize("role", ["applicant", "staff", "supervisor", "funder", "other_applicant"])
def test_nobody_but_the_reviewer_opens_an_assignment(client, request, declared, role):
    client.force_login(request.getfixturevalue(role))
    for suffix in ("", "pdf/", f"files/{declared.proposal.attachments.get().pk}/"):
        assert client.get(url(declared, suffix)).status_code == 404


def test_a_reviewer_cannot_open_proposals_by_their_applicant_urls(client, reviewed, declared, call, organisation,
                                                                  applicant):
    unassigned = make_proposal(call, organisation, applicant)
    client.force_login(declared.reviewer)
    for proposal in (unassigned, reviewed):  # assigned or not: reviewers read through their own pages
        for suffix in ("", "pdf/", "edit/"):
            assert client.get(f"/en/proposals/{proposal.pk}/{suffix}").status_code == 404
    file = reviewed.attachments.get()
    assert client.get(f"/en/proposals/{reviewed.pk}/files/{file.pk}/").status_code == 404


def test_an_assignment_does_not_open_another_proposals_files(client, declared, call, applicant, staff):
    elsewhere = make_proposal(call, OrganisationFactory(admins=[applicant]), applicant)
    stranger = add_attachment(elsewhere, applicant, SimpleUploadedFile("其他.pdf", PDF))
    client.force_login(declared.reviewer)
    assert client.get(url(declared, f"files/{stranger.pk}/")).status_code == 404


# -- conflict of interest ------------------------------------------------------------------
def test_the_reviewer_first_declares_any_conflict_of_interest(client, assignment):
    client.force_login(assignment.reviewer)
    page = client.get(url(assignment)).content.decode()
    assert "Do you have a conflict of interest with this applicant?" in page
    assert 'name="has_conflict"' in page and "<legend>" in page
    assert "score_" not in page and "Submit review" not in page
    # The full proposal, its PDF and its files wait for the declaration.
    assert client.get(url(assignment, "pdf/"))["Location"] == url(assignment)
    file = assignment.proposal.attachments.get()
    assert client.get(url(assignment, f"files/{file.pk}/"))["Location"] == url(assignment)
    # Scores posted before declaring are not taken.
    response = client.post(url(assignment), sheet(assignment.proposal.call, [5, 5]))
    assert response.status_code == 200 and "Answer yes or no." in response.content.decode()
    assert not Review.objects.exists()


def test_declaring_a_conflict_ends_the_assignment_and_tells_staff(
        client, assignment, staff, django_capture_on_commit_callbacks):
    reviewer, proposal = assignment.reviewer, assignment.proposal
    client.force_login(reviewer)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(assignment), {"has_conflict": "yes", "note": "我是该机构的理事"})

    assert response.status_code == 302 and response["Location"] == "/en/reviews/"
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.CONFLICT
    assert assignment.conflict_note == "我是该机构的理事"
    conflict = ConflictOfInterest.objects.get()
    assert (conflict.reviewer, conflict.organisation) == (reviewer, proposal.organisation)
    assert [message.to for message in mail.outbox] == [[staff.email]]
    assert proposal.reference in mail.outbox[0].subject
    assert "我是该机构的理事" in mail.outbox[0].body
    # The assignment is gone for the reviewer, whatever they try.
    for suffix in ("", "pdf/", f"files/{proposal.attachments.get().pk}/"):
        assert client.get(url(assignment, suffix)).status_code == 404
    assert client.post(url(assignment), {"has_conflict": "no"}).status_code == 404
    assert f"/en/reviews/{assignment.pk}/" not in client.get("/en/reviews/").content.decode()
    # …and staff cannot give it to them again.
    assert service.assignment_problem(proposal, reviewer)


def test_declaring_no_conflict_unlocks_scoring(client, assignment):
    client.force_login(assignment.reviewer)
    response = client.post(url(assignment), {"has_conflict": "no"})
    assert response["Location"] == url(assignment)
    assignment.refresh_from_db()
    assert assignment.no_conflict_declared_at is not None
    assert assignment.status == ReviewAssignment.Status.ASSIGNED
    page = client.get(url(assignment)).content.decode()
    for criterion_id in criteria(assignment.proposal.call):
        assert f'name="score_{criterion_id}"' in page and f'name="shared_{criterion_id}"' in page
    assert "需求与必要性" in page and "可行性" in page
    assert 'name="recommendation"' in page and "Save draft" in page and "Submit review" in page
    assert client.get(url(assignment, "pdf/"))["Content-Type"] == "application/pdf"


def test_an_unanswered_declaration_is_reported_and_keeps_the_note(client, assignment):
    client.force_login(assignment.reviewer)
    response = client.post(url(assignment, language="zh-hans"), {"note": "写了一半的说明"})
    assert response.status_code == 200
    assert "写了一半的说明" in response.content.decode()  # nothing typed is lost
    assert response.context["form"].errors["has_conflict"]
    assert client.post(url(assignment), {}).context["form"].errors["has_conflict"] == ["Answer yes or no."]


# -- scoring -------------------------------------------------------------------------------
def test_a_draft_saves_partial_scores_and_survives_a_reload(client, declared):
    call = declared.proposal.call
    first, second = criteria(call)
    client.force_login(declared.reviewer)

    response = client.post(url(declared), sheet(call, [7, None], **{
        f"comment_{first}": "需求调研扎实。", f"shared_{first}": "on", "comment": "总体不错，待完善。"}))

    assert response.status_code == 302
    review = Review.objects.get(assignment=declared)
    assert not review.is_submitted
    assert review.scores[first] == {"score": 7, "comment": "需求调研扎实。", "shared": True}
    assert review.scores[second]["score"] is None
    declared.refresh_from_db()
    assert declared.status == ReviewAssignment.Status.ASSIGNED
    page = client.get(url(declared)).content.decode()
    assert f'name="score_{first}" value="7"' in page
    assert "需求调研扎实。" in page and "总体不错，待完善。" in page
    assert "Submit review" in page  # still open
    declared.proposal.refresh_from_db()
    assert declared.proposal.score is None  # drafts do not count


def test_submitting_without_every_score_names_each_missing_criterion(client, declared):
    call = declared.proposal.call
    first, second = criteria(call)
    client.force_login(declared.reviewer)

    response = client.post(url(declared), sheet(call, [None, None], action="submit", comment="还没想好"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[f"score_{first}"] == ["Score “需求与必要性”."]
    assert form.errors[f"score_{second}"] == ["Score “可行性”."]
    assert form.errors["recommendation"] == ["Choose a recommendation."]
    page = response.content.decode()
    assert "还没想好" in page  # kept
    declared.refresh_from_db()
    assert declared.status == ReviewAssignment.Status.ASSIGNED
    assert not Review.objects.get(assignment=declared).is_submitted  # kept as a draft, not submitted


@pytest.mark.parametrize("score", ["11", "-1", "7.5", "seven"])
def test_a_score_outside_the_criterions_range_is_refused(client, declared, score):
    call = declared.proposal.call
    first, _second = criteria(call)
    client.force_login(declared.reviewer)
    response = client.post(url(declared), sheet(call, [score, 8], action="submit", recommendation="fund",
                                                comment="保留我的意见"))
    assert response.status_code == 200
    assert response.context["form"].errors[f"score_{first}"]
    assert "保留我的意见" in response.content.decode()
    assert not Review.objects.exists()


def test_errors_are_given_in_the_readers_language(client, declared):
    call = declared.proposal.call
    first, _second = criteria(call)
    client.force_login(declared.reviewer)
    response = client.post(url(declared, language="zh-hans"), sheet(call, [11, 8]))
    assert "Ensure this value" not in response.content.decode()
    assert "10" in response.context["form"].errors[f"score_{first}"][0]


def test_the_services_objections_land_next_to_their_fields(declared):
    call = declared.proposal.call
    first, second = criteria(call)
    form = ReviewForm(call.rubric, sheet(call, [3, 4]))
    assert form.is_valid()
    form.add_service_error(ValidationError({first: "first is wrong", "recommendation": "choose one"}))
    form.add_service_error(ValidationError("This review is no longer open."))
    assert form.errors[f"score_{first}"] == ["first is wrong"]
    assert form.errors["recommendation"] == ["choose one"]
    assert form.non_field_errors() == ["This review is no longer open."]
    assert f"score_{second}" not in form.errors


def test_a_submitted_review_is_read_only_and_sets_the_proposals_weighted_score(
        client, declared, staff, django_capture_on_commit_callbacks):
    call, proposal = declared.proposal.call, declared.proposal
    first, _second = criteria(call)
    client.force_login(declared.reviewer)

    response = client.post(url(declared), sheet(call, [7, 9], action="submit", recommendation="fund",
                                                comment="值得资助"))

    assert response.status_code == 302
    review = Review.objects.get(assignment=declared)
    # 40% × 7/10 + 60% × 9/10 = 28 + 54
    assert review.weighted_score == Decimal("82.00")
    proposal.refresh_from_db()
    assert (proposal.score, proposal.review_count, proposal.disagreement) == (Decimal("82.00"), 1, False)

    page = client.get(url(declared)).content.decode()
    assert "Submit review" not in page and "Save draft" not in page and 'name="score_' not in page
    assert "82.00" in page and "值得资助" in page and "Fund" in page
    # A late change is refused, and changes nothing.
    client.post(url(declared), sheet(call, [1, 1], action="submit", recommendation="do_not_fund"))
    review.refresh_from_db()
    assert review.scores[first]["score"] == 7 and review.recommendation == "fund"

    # A second reviewer: 40% × 5/10 + 60% × 4/10 = 20 + 24 = 44; the mean is (82 + 44) / 2.
    second_reviewer = UserFactory(roles=[permissions.REVIEWER])
    other = service.assign_reviewer(proposal, second_reviewer, staff)
    service.declare_conflict(other, second_reviewer, False)
    client.force_login(second_reviewer)
    client.post(url(other), sheet(call, [5, 4], action="submit", recommendation="do_not_fund"))
    proposal.refresh_from_db()
    assert (proposal.score, proposal.review_count) == (Decimal("63.00"), 2)
    assert proposal.disagreement  # 82 − 44 = 38 points apart, beyond the 25 that flags it


def test_the_applicant_never_sees_reviewer_names_or_internal_comments(client, declared, applicant):
    reviewer = declared.reviewer
    reviewer.name = "评审专家甲乙"
    reviewer.save()
    call = declared.proposal.call
    first, second = criteria(call)
    client.force_login(reviewer)
    client.post(url(declared), sheet(call, [6, 6], action="submit", recommendation="fund_with_changes", **{
        f"comment_{first}": "内部意见：预算偏高", f"comment_{second}": "公开意见：执行可行", f"shared_{second}": "on",
        "comment": "内部总评：机构能力一般"}))
    assert Review.objects.get().is_submitted

    client.force_login(applicant)
    for language in ("en", "zh-hans"):
        page = client.get(f"/{language}/proposals/{declared.proposal_id}/").content.decode()
        assert declared.proposal.title in page
        for secret in ("内部意见：预算偏高", "内部总评：机构能力一般", "评审专家甲乙", reviewer.email):
            assert secret not in page


def test_a_review_cannot_be_scored_once_the_proposal_leaves_review(client, declared, staff):
    call = declared.proposal.call
    service.determine(declared.proposal, staff, "more_info", "请补充。")
    client.force_login(declared.reviewer)
    page = client.get(url(declared)).content.decode()
    assert 'name="score_' not in page and "not in review at the moment" in page
    client.post(url(declared), sheet(call, [5, 5]))
    assert not Review.objects.exists()
    assert Proposal.objects.get(pk=declared.proposal_id).status == Proposal.Status.MORE_INFO


def test_a_conflict_found_while_reading_can_still_be_declared(client, declared, django_capture_on_commit_callbacks):
    call = declared.proposal.call
    client.force_login(declared.reviewer)
    client.post(url(declared), sheet(call, [4, None]))
    assert "Found a conflict of interest while reading?" in client.get(url(declared)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(declared), {"action": "conflict", "has_conflict": "yes", "note": "读后发现是前同事"})

    assert response["Location"] == "/en/reviews/"
    declared.refresh_from_db()
    assert declared.status == ReviewAssignment.Status.CONFLICT
    assert ConflictOfInterest.objects.filter(reviewer=declared.reviewer).exists()
    assert len(mail.outbox) >= 1 and "读后发现是前同事" in mail.outbox[-1].body
    assert client.get(url(declared)).status_code == 404
