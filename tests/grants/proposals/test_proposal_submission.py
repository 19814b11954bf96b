"""Submitting: every rule checked on the server, every problem listed by field, then a
reference number, an email in the applicant's language, and a read-only proposal."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from grants.proposals.models import Proposal
from grants.proposals.services import SubmissionRefused, submission_problems, submit_proposal
from tests.factories import OrganisationFactory, make_call, make_proposal
from tests.grants.proposals.editor import editor_data

pytestmark = pytest.mark.django_db


def fields_with_problems(proposal, moment=None):
    return {problem.field for problem in submission_problems(proposal, moment or timezone.now())}


def test_a_complete_proposal_has_no_problems(draft):
    assert submission_problems(draft, timezone.now()) == []


def test_an_empty_draft_lists_every_missing_item_by_field(call, organisation):
    empty = Proposal.objects.create(call=call, organisation=organisation, street=None)
    question_ids = {f"q_{block.id}" for block in call.questions if block.value["required"]}
    assert fields_with_problems(empty) == {
        "title", "summary", "street", "starts_on", "ends_on", "requested_amount", "themes",
        "budget", "indicators", *question_ids,
    }


@pytest.mark.parametrize("amount", ["49999.99", "150000.01"])
def test_amounts_outside_the_calls_limits_are_refused(draft, amount):
    draft.requested_amount = Decimal(amount)
    draft.save()
    assert "requested_amount" in fields_with_problems(draft)


def test_co_funding_below_the_required_share_is_refused(draft):
    # 10% of the total is required: 9,000 of 99,000 is 9.09%.
    draft.cofunding_amount = Decimal("9000")
    draft.budget_lines.filter(item="活动物资").update(unit_price=Decimal("975"))
    problems = submission_problems(draft, timezone.now())
    assert [p.field for p in problems] == ["cofunding_amount"]
    with translation.override("en"):
        message = submission_problems(draft, timezone.now())[0].message
    assert "at least 10% of the project's total budget" in message
    assert "¥10,000.00" in message  # what 90,000 requested needs


def test_a_call_without_co_funding_accepts_none(organisation):
    call = make_call(cofunding_share=Decimal("0"))
    proposal = make_proposal(call, organisation, cofunding_amount=Decimal("0"), requested_amount=Decimal("100000"))
    assert fields_with_problems(proposal) == set()


def test_project_dates_outside_the_calls_window_are_refused(draft, call):
    draft.starts_on = call.project_start - timedelta(days=1)
    draft.ends_on = call.project_end + timedelta(days=1)
    draft.save()
    assert fields_with_problems(draft) == {"starts_on", "ends_on"}


def test_budget_lines_must_add_up_to_requested_plus_co_funding(draft):
    draft.requested_amount = Decimal("85000")
    draft.save()
    problems = submission_problems(draft, timezone.now())
    assert [p.field for p in problems] == ["budget"]
    with translation.override("en"):
        assert "¥95,000.00" in submission_problems(draft, timezone.now())[0].message


def test_an_incomplete_budget_line_or_indicator_is_named(draft):
    draft.budget_lines.create(item="只有名称")
    draft.indicators.create(kind="custom", target=Decimal("5"))  # "other" without its name
    messages = [p.message for p in submission_problems(draft, timezone.now())]
    with translation.override("en"):
        messages = [p.message for p in submission_problems(draft, timezone.now())]
    assert any("Budget line 3 is incomplete" in m for m in messages)
    assert any("Indicator 2 is incomplete" in m for m in messages)


def test_communities_must_lie_in_the_target_street(draft):
    from incubator.places.models import Community

    draft.communities.add(Community.objects.exclude(street=draft.street).first())
    assert fields_with_problems(draft) == {"communities"}


def test_a_required_file_question_needs_a_file(organisation):
    call = make_call(questions=[("file", {"label": "机构年检报告", "help_text": "", "required": True})])
    proposal = make_proposal(call, organisation)
    assert fields_with_problems(proposal) == {f"q_{call.questions[0].id}"}


def test_the_deadline_is_checked_on_the_server_at_submission(draft, call, applicant):
    after_deadline = call.closes_at + timedelta(seconds=1)
    with pytest.raises(SubmissionRefused) as refused:
        submit_proposal(draft, applicant, moment=after_deadline)
    assert [p.field for p in refused.value.problems] == ["__all__"]
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.reference is None


def test_submitting_through_the_page_after_the_call_closed_is_refused(client, applicant, draft, call):
    call.closes_at = timezone.now() - timedelta(minutes=1)
    call.save()
    client.force_login(applicant)
    response = client.post(f"/en/proposals/{draft.pk}/edit/", editor_data(draft, action="submit"), follow=True)
    assert "The call closed on" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_an_organisation_that_lost_its_verification_cannot_submit(draft):
    draft.organisation.status = "pending"
    draft.organisation.save()
    assert fields_with_problems(draft) == {"__all__"}


def test_a_refused_submission_saves_the_draft_and_lists_each_problem_next_to_its_field(client, applicant, draft):
    client.force_login(applicant)
    data = editor_data(draft, action="submit", **{"p-title": "", "p-summary": "改过的摘要"})
    response = client.post(f"/en/proposals/{draft.pk}/edit/", data, follow=True)
    page = response.content.decode()
    assert "cannot be submitted yet" in page
    assert response.context["editor"].details.errors["title"] == ["Project title is required."]
    assert 'href="#id_p-title"' in page  # the summary links to the field
    draft.refresh_from_db()
    assert draft.summary == "改过的摘要" and draft.status == "draft"


def test_submission_gives_sequential_reference_numbers_per_year(call, applicant):
    year = timezone.localtime().year
    references = []
    for _ in range(2):
        organisation = OrganisationFactory(admins=[applicant])
        references.append(submit_proposal(make_proposal(call, organisation), applicant).reference)
    assert references == [f"NA-{year}-0001", f"NA-{year}-0002"]


def test_submitting_confirms_by_email_in_the_applicants_language(
        client, applicant, draft, django_capture_on_commit_callbacks):
    applicant.language = "en"
    applicant.save()
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/zh-hans/proposals/{draft.pk}/edit/", editor_data(draft, action="submit"))
    draft.refresh_from_db()
    assert response["Location"] == f"/zh-hans/proposals/{draft.pk}/"
    assert draft.status == "submitted" and re.fullmatch(r"NA-\d{4}-\d{4}", draft.reference)
    assert draft.submitted_at is not None
    [email] = mail.outbox
    assert email.to == [applicant.email]
    assert f"Proposal received: {draft.reference}" in email.subject
    assert draft.reference in email.body and "http" in email.body
    assert ModelLogEntry.objects.filter(action="seedbed.proposal.submitted", object_id=str(draft.pk)).exists()


def test_a_submitted_proposal_is_read_only_for_the_applicant(client, applicant, draft):
    submit_proposal(draft, applicant)
    client.force_login(applicant)
    response = client.get(f"/zh-hans/proposals/{draft.pk}/edit/")
    assert response["Location"] == f"/zh-hans/proposals/{draft.pk}/"
    client.post(f"/zh-hans/proposals/{draft.pk}/edit/", editor_data(draft, **{"p-title": "提交后修改"}))
    draft.refresh_from_db()
    assert draft.title != "提交后修改"
    assert "继续编辑" not in client.get(f"/zh-hans/proposals/{draft.pk}/").content.decode()


def test_submitting_twice_is_refused_and_keeps_the_first_reference(draft, applicant):
    from django.core.exceptions import ValidationError

    first = submit_proposal(draft, applicant).reference
    with pytest.raises(ValidationError):
        submit_proposal(draft, applicant)
    draft.refresh_from_db()
    assert draft.reference == first


def test_the_database_refuses_a_submitted_proposal_without_reference(draft):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Proposal.objects.filter(pk=draft.pk).update(status="submitted")


def test_the_dashboard_lists_the_proposals_of_all_my_organisations_with_their_next_step(
        client, applicant, draft, call):
    second = OrganisationFactory(members=[applicant])
    submitted = submit_proposal(make_proposal(call, second, title="第二个机构的项目"), applicant)
    someone_elses = make_proposal(call, OrganisationFactory(), title="别人的项目")
    client.force_login(applicant)
    with translation.override("en"):
        page = client.get("/en/dashboard/").content.decode()
    assert draft.title in page and "第二个机构的项目" in page and submitted.reference in page
    assert someone_elses.title not in page
    assert "Complete and submit it before the call closes." in page and "Staff will screen it" in page


def test_staff_see_the_proposals_history_and_applicants_do_not(client, applicant, staff, draft):
    submit_proposal(draft, applicant)
    client.force_login(staff)
    page = client.get(f"/en/proposals/{draft.pk}/").content.decode()
    assert "History" in page and "Proposal submitted" in page and str(applicant) in page
    client.force_login(applicant)
    assert "Proposal submitted" not in client.get(f"/en/proposals/{draft.pk}/").content.decode()
