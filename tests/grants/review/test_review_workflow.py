"""From submission to determination: every step through the services, every refusal, every
audit entry, and what the applicant is (and is not) told."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from grants.proposals.models import Proposal
from grants.proposals.services import submit_proposal
from grants.review import services as service
from grants.review.models import ConflictOfInterest, DeterminationTemplate, ReviewAssignment
from incubator.accounts import permissions
from tests.factories import OrganisationFactory, UserFactory, in_review, make_proposal
from tests.grants.proposals.editor import editor_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(draft, applicant):
    return submit_proposal(draft, applicant)


@pytest.fixture
def reviewing(draft, applicant, staff):
    return in_review(draft, applicant, staff)


@pytest.fixture
def experts(db):
    return [UserFactory(name=f"专家{n}", roles=[permissions.REVIEWER]) for n in range(3)]


def actions(proposal):
    return list(ModelLogEntry.objects.for_instance(proposal).order_by("pk").values_list("action", flat=True))


# -- the state machine ----------------------------------------------------------------------
def test_screening_then_review_writes_each_step_to_the_history(submitted, staff):
    service.begin_screening(submitted, staff)
    proposal = service.pass_screening(submitted, staff, "材料齐全")
    assert proposal.status == "in_review"
    entry = ModelLogEntry.objects.for_instance(proposal).get(action="seedbed.proposal.screened_in")
    assert entry.data == {"from": "screening", "to": "in_review", "comment": "材料齐全"}
    assert entry.user == staff
    assert actions(proposal)[-2:] == ["seedbed.proposal.screening_started", "seedbed.proposal.screened_in"]


@pytest.mark.parametrize("step", [
    lambda p, s: service.begin_screening(p, s),
    lambda p, s: service.pass_screening(p, s),
    lambda p, s: service.screen_out(p, s, "不符合条件"),
    lambda p, s: service.determine(p, s, "approved"),
    lambda p, s: service.determine(p, s, "more_info", "请补充"),
])
def test_no_step_applies_to_a_draft(draft, staff, step):
    with pytest.raises(service.IllegalTransition):
        step(draft, staff)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_proposal_cannot_be_approved_before_review(submitted, staff):
    with pytest.raises(service.IllegalTransition):
        service.determine(submitted, staff, "approved")
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_a_decided_proposal_cannot_be_decided_again_except_from_the_waiting_list(reviewing, staff):
    service.determine(reviewing, staff, "waitlisted")
    service.determine(reviewing, staff, "approved")
    with pytest.raises(service.IllegalTransition):
        service.determine(reviewing, staff, "rejected")
    assert Proposal.objects.get(pk=reviewing.pk).status == "approved"


def test_only_staff_move_proposals(submitted, applicant, supervisor, reviewer):
    for person in (applicant, supervisor, reviewer):
        with pytest.raises(ValidationError):
            service.pass_screening(submitted, person)
    assert Proposal.objects.get(pk=submitted.pk).status == "submitted"


def test_screening_out_needs_a_reason_the_applicant_is_told(submitted, staff, applicant,
                                                             django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError):
        service.screen_out(submitted, staff, "  ")
    with django_capture_on_commit_callbacks(execute=True):
        service.screen_out(submitted, staff, "机构注册地不在本街道")
    submitted.refresh_from_db()
    assert submitted.status == "screened_out" and submitted.decision_message == "机构注册地不在本街道"
    [email] = mail.outbox
    assert email.to == [applicant.email] and "机构注册地不在本街道" in email.body


def test_more_information_reopens_the_proposal_and_the_resubmission_shows_what_changed(
        client, reviewing, staff, applicant, call, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        service.determine(reviewing, staff, "more_info", "请补充志愿者招募计划")
    assert "请补充志愿者招募计划" in mail.outbox[0].body
    reviewing.refresh_from_db()
    assert reviewing.status == "more_info"
    # The applicant edits and resubmits — even after the call has closed.
    call.closes_at = timezone.now() - timedelta(days=1)
    call.save()
    client.force_login(applicant)
    page = client.get(f"/zh-hans/proposals/{reviewing.pk}/").content.decode()
    assert "请补充志愿者招募计划" in page
    data = editor_data(reviewing, action="submit", **{"p-summary": "组织低龄老人结对帮扶高龄独居老人，并招募志愿者20名。"})
    client.post(f"/zh-hans/proposals/{reviewing.pk}/edit/", data)
    reviewing.refresh_from_db()
    assert reviewing.status == "submitted" and reviewing.reference.startswith("NA-")
    assert "seedbed.proposal.resubmitted" in actions(reviewing)
    client.force_login(staff)
    page = client.get(f"/en/staff/proposals/{reviewing.pk}/").content.decode()
    assert "What changed in the resubmission" in page
    assert "<ins>，并招募志愿者20名</ins>" in page


# -- reviewers ------------------------------------------------------------------------------
def test_a_reviewer_from_the_applicant_organisation_or_with_a_declared_conflict_is_refused(
        reviewing, staff, experts):
    member, conflicted, fine = experts
    reviewing.organisation.memberships.create(user=member)
    ConflictOfInterest.objects.create(reviewer=conflicted, organisation=reviewing.organisation)
    for person in (member, conflicted):
        with pytest.raises(ValidationError):
            service.assign_reviewer(reviewing, person, staff)
    service.assign_reviewer(reviewing, fine, staff)
    with pytest.raises(ValidationError):  # not twice
        service.assign_reviewer(reviewing, fine, staff)
    with pytest.raises(ValidationError):  # and only experts
        service.assign_reviewer(reviewing, UserFactory(), staff)
    assert list(reviewing.assignments.values_list("reviewer", flat=True)) == [fine.pk]


def test_reviewers_are_assigned_only_after_screening(submitted, staff, experts):
    with pytest.raises(ValidationError):
        service.assign_reviewer(submitted, experts[0], staff)


def test_automatic_assignment_balances_the_load_and_skips_affiliated_reviewers(
        call, applicant, staff, experts):
    call.reviewers_per_proposal = 2
    call.save()
    proposals = [in_review(make_proposal(call, OrganisationFactory(admins=[applicant])), applicant, staff)
                 for _ in range(3)]
    proposals[0].organisation.memberships.create(user=experts[0])
    made, short = service.auto_assign(Proposal.objects.filter(pk__in=[p.pk for p in proposals]), staff)
    assert len(made) == 6 and short == []
    loads = sorted(ReviewAssignment.objects.values_list("reviewer", flat=True))
    assert sorted(loads.count(e.pk) for e in experts) == [2, 2, 2]
    assert not ReviewAssignment.objects.filter(proposal=proposals[0], reviewer=experts[0]).exists()


def test_automatic_assignment_reports_proposals_it_cannot_staff(reviewing, staff, experts):
    made, short = service.auto_assign([reviewing], staff)  # asks for 3, exactly 3 exist
    assert len(made) == 3 and short == []
    other = UserFactory(roles=[permissions.REVIEWER])
    reviewing.organisation.memberships.create(user=other)
    reviewing.call.reviewers_per_proposal = 4
    reviewing.call.save()
    made, short = service.auto_assign([Proposal.objects.get(pk=reviewing.pk)], staff)
    assert made == [] and [p.pk for p in short] == [reviewing.pk]


def test_a_declared_conflict_ends_the_assignment_and_tells_staff(
        reviewing, staff, experts, django_capture_on_commit_callbacks):
    assignment = service.assign_reviewer(reviewing, experts[0], staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        service.declare_conflict(assignment, experts[0], True, "曾任该机构理事")
    assignment.refresh_from_db()
    assert assignment.status == "conflict"
    assert ConflictOfInterest.objects.filter(reviewer=experts[0], organisation=reviewing.organisation).exists()
    assert [e.to for e in mail.outbox] == [[staff.email]]
    with pytest.raises(ValidationError):
        service.save_review(assignment, experts[0], {}, submit=False)


def test_scoring_needs_the_conflict_declaration_first(reviewing, staff, experts):
    assignment = service.assign_reviewer(reviewing, experts[0], staff)
    with pytest.raises(ValidationError):
        service.save_review(assignment, experts[0], {})


def score(assignment, reviewer, values, **extra):
    ids = [block.id for block in assignment.proposal.call.rubric]
    scores = {criterion: {"score": value, "comment": extra.pop(f"comment{n}", ""), "shared": extra.pop(f"shared{n}", False)}
              for n, (criterion, value) in enumerate(zip(ids, values))}
    service.declare_conflict(assignment, reviewer, False)
    return service.save_review(assignment, reviewer, scores, recommendation="fund", submit=True, **extra)


def test_weighted_scores_means_spreads_and_disagreement(reviewing, staff, experts):
    # Rubric: 需求与必要性 weight 40, 可行性 weight 60, both out of 10.
    first = score(service.assign_reviewer(reviewing, experts[0], staff), experts[0], [8, 6])
    second = score(service.assign_reviewer(reviewing, experts[1], staff), experts[1], [4, 9])
    assert first.weighted_score == Decimal("68.00")  # 40×0.8 + 60×0.6
    assert second.weighted_score == Decimal("70.00")  # 40×0.4 + 60×0.9
    summary = service.aggregate(reviewing)
    assert summary.score == Decimal("69.00")
    assert [(c.mean, c.spread) for c in summary.criteria] == [(6, 2), (7.5, 1.5)]
    assert not summary.disagreement
    reviewing.refresh_from_db()
    assert (reviewing.score, reviewing.review_count, reviewing.disagreement) == (Decimal("69.00"), 2, False)
    score(service.assign_reviewer(reviewing, experts[2], staff), experts[2], [1, 1])  # 10 points
    reviewing.refresh_from_db()
    assert reviewing.disagreement and reviewing.score == Decimal("49.33")


def test_scores_must_be_whole_numbers_within_each_criterions_maximum(reviewing, staff, experts):
    assignment = service.assign_reviewer(reviewing, experts[0], staff)
    with pytest.raises(ValidationError) as refused:
        score(assignment, experts[0], [11, 5])
    assert list(refused.value.message_dict) == [reviewing.call.rubric[0].id]


def test_the_ranking_orders_a_calls_proposals_by_score(call, applicant, staff, experts):
    proposals = [in_review(make_proposal(call, OrganisationFactory(admins=[applicant])), applicant, staff)
                 for _ in range(3)]
    for proposal, values in zip(proposals, ([5, 5], [9, 9], [7, 7])):
        score(service.assign_reviewer(proposal, experts[0], staff), experts[0], values)
    assert [p.pk for p in service.ranking(call)] == [proposals[1].pk, proposals[2].pk, proposals[0].pk]


# -- decisions and what the applicant sees ---------------------------------------------------
def test_the_applicant_is_told_in_their_language_from_the_editable_template(
        reviewing, staff, applicant, django_capture_on_commit_callbacks):
    applicant.language = "en"
    applicant.save()
    template = DeterminationTemplate.objects.get(outcome="approved")
    template.body_en = "Congratulations, {organisation}: “{title}” ({reference}) is funded."
    template.save()
    with django_capture_on_commit_callbacks(execute=True):
        service.determine(reviewing, staff, "approved", "Please bring your seal to the signing.")
    [email] = mail.outbox
    assert email.subject.endswith(f"Your proposal {reviewing.reference} is approved")
    assert f"Congratulations, {reviewing.organisation.name_zh}: “{reviewing.title}” ({reviewing.reference}) is funded." in email.body
    assert "Please bring your seal to the signing." in email.body


def test_batch_decisions_record_each_and_report_those_refused(
        call, applicant, staff, django_capture_on_commit_callbacks):
    ready = [in_review(make_proposal(call, OrganisationFactory(admins=[applicant])), applicant, staff)
             for _ in range(2)]
    not_ready = submit_proposal(make_proposal(call, OrganisationFactory(admins=[applicant])), applicant)
    with django_capture_on_commit_callbacks(execute=True):
        done, refused = service.determine_many([*ready, not_ready], staff, "rejected")
    assert {p.pk for p in done} == {p.pk for p in ready}
    assert [p.pk for p, _reason in refused] == [not_ready.pk]
    assert set(Proposal.objects.filter(pk__in=[p.pk for p in ready]).values_list("status", flat=True)) == {"rejected"}
    assert len(mail.outbox) == 2  # one per decision; the refused proposal's applicant hears nothing


def test_the_applicant_sees_shared_comments_but_never_internal_ones_names_or_scores(
        client, reviewing, staff, applicant, experts):
    assignment = service.assign_reviewer(reviewing, experts[0], staff)
    score(assignment, experts[0], [8, 6], comment0="需求分析扎实", shared0=True,
          comment1="预算偏高，内部讨论", shared1=False)
    service.determine(reviewing, staff, "rejected")
    client.force_login(applicant)
    page = client.get(f"/zh-hans/proposals/{reviewing.pk}/").content.decode()
    assert "需求分析扎实" in page
    assert "预算偏高，内部讨论" not in page and experts[0].name not in page and "68.00" not in page


def test_staff_read_the_review_summary_with_full_width_punctuation_in_chinese(
        client, reviewing, staff, experts):
    assignment = service.assign_reviewer(reviewing, experts[0], staff)
    score(assignment, experts[0], [8, 6], comment0="需求分析扎实", shared0=True,
          comment1="预算偏高，内部讨论", shared1=False)
    client.force_login(staff)
    chinese = client.get(f"/zh-hans/staff/proposals/{reviewing.pk}/").content.decode()
    english = client.get(f"/en/staff/proposals/{reviewing.pk}/").content.decode()
    assert "（向申报方公开）" in chinese and "（内部）" in chinese and "/ 100（1 份评审意见）" in chinese
    assert f"{reviewing.organisation.name}（" in chinese
    assert "(shared with the applicant)" in english and "(internal)" in english and "/ 100 (1 review)" in english


def test_supervisors_read_the_staff_pages_and_change_nothing(client, reviewing, supervisor, experts):
    client.force_login(supervisor)
    assert client.get(f"/en/staff/proposals/{reviewing.pk}/").status_code == 200
    assert client.get(f"/en/staff/calls/{reviewing.call_id}/ranking/").status_code == 200
    responses = [
        client.post(f"/en/staff/proposals/{reviewing.pk}/determine/", {"outcome": "approved"}),
        client.post(f"/en/staff/proposals/{reviewing.pk}/assign/", {"reviewer": experts[0].pk}),
        client.post(f"/en/staff/calls/{reviewing.call_id}/ranking/", {"proposals": [reviewing.pk], "outcome": "approved"}),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403]
    reviewing.refresh_from_db()
    assert reviewing.status == "in_review" and not reviewing.assignments.exists()


def test_staff_decide_through_the_page(client, reviewing, staff, applicant, django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/staff/proposals/{reviewing.pk}/determine/", {"outcome": "approved", "note": ""})
    assert response.status_code == 302
    reviewing.refresh_from_db()
    assert reviewing.status == "approved"
    assert mail.outbox[-1].to == [applicant.email]


def test_a_refused_staff_action_is_explained_on_the_page(client, submitted, staff):
    client.force_login(staff)
    response = client.post(f"/en/staff/proposals/{submitted.pk}/screen/", {"decision": "out", "message": ""})
    assert response.status_code == 200
    assert "Give the reason: the applicant sees it." in response.content.decode()


# -- reminders ------------------------------------------------------------------------------
def test_overdue_reviewers_are_reminded_once_a_day(reviewing, staff, experts, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    service.assign_reviewer(reviewing, experts[0], staff, due_on=today - timedelta(days=1))
    service.assign_reviewer(reviewing, experts[1], staff, due_on=today + timedelta(days=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert service.send_overdue_reminders(today) == 1
        assert service.send_overdue_reminders(today) == 0
    assert [e.to for e in mail.outbox] == [[experts[0].email]]
    assert reviewing.reference in mail.outbox[0].body


def test_a_mangled_batch_selection_is_ignored_not_a_500(client, reviewing, staff):
    client.force_login(staff)
    response = client.post(f"/en/staff/calls/{reviewing.call_id}/ranking/",
                           {"proposals": ["abc"], "outcome": "approved"})
    assert response.status_code == 200
    assert "Tick the proposals to decide on." in response.content.decode()


def test_radio_groups_are_named_by_a_legend_for_screen_readers(client, submitted, staff):
    client.force_login(staff)
    page = client.get(f"/en/staff/proposals/{submitted.pk}/").content.decode()
    assert "<legend>Screening decision <span" in page
    assert '<label for="">' not in page
