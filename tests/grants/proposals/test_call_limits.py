"""A call's limit on proposals per organisation ("每个组织限报一个项目") holds when a proposal
is started and when it is submitted; proposals closed without funding no longer count."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from grants.proposals.models import Proposal
from grants.proposals.services import SubmissionRefused, start_proposal, submit_proposal
from grants.review.services import determine, screen_out
from tests.factories import in_review, make_call, make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_per_organisation():
    return make_call(proposals_per_organisation=1)


def test_a_second_proposal_cannot_be_started_while_one_is_in_review(
        one_per_organisation, organisation, applicant, staff):
    in_review(make_proposal(one_per_organisation, organisation, applicant), applicant, staff)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        start_proposal(one_per_organisation, organisation, applicant)
    assert refused.value.messages == [
        f"本次征集每个组织限报 1 个项目，{organisation.name} 在本次征集下已有 1 份申报书。"]
    assert Proposal.objects.filter(call=one_per_organisation, organisation=organisation).count() == 1


def test_a_second_draft_cannot_be_started_either(one_per_organisation, organisation, applicant):
    start_proposal(one_per_organisation, organisation, applicant)
    with pytest.raises(ValidationError):
        start_proposal(one_per_organisation, organisation, applicant)


def test_a_second_draft_made_before_the_limit_cannot_be_submitted(one_per_organisation, organisation, applicant):
    first = make_proposal(one_per_organisation, organisation, applicant)
    second = make_proposal(one_per_organisation, organisation, applicant)  # e.g. before the limit was set
    submit_proposal(first, applicant)
    with pytest.raises(SubmissionRefused) as refused:
        submit_proposal(second, applicant)
    assert [problem.field for problem in refused.value.problems] == ["__all__"]
    second.refresh_from_db()
    assert second.status == Proposal.Status.DRAFT


def test_a_proposal_screened_out_or_not_funded_no_longer_counts(one_per_organisation, organisation, applicant, staff):
    first = make_proposal(one_per_organisation, organisation, applicant)
    submit_proposal(first, applicant)
    screen_out(first, staff, "不符合申报条件。")
    second = start_proposal(one_per_organisation, organisation, applicant)
    assert second.status == Proposal.Status.DRAFT


def test_a_call_with_a_limit_of_two_takes_two(organisation, applicant):
    call = make_call(proposals_per_organisation=2)
    start_proposal(call, organisation, applicant)
    start_proposal(call, organisation, applicant)
    with pytest.raises(ValidationError):
        start_proposal(call, organisation, applicant)


def test_a_call_without_a_limit_takes_any_number(call, organisation, applicant, staff):
    in_review(make_proposal(call, organisation, applicant), applicant, staff)
    assert start_proposal(call, organisation, applicant).status == Proposal.Status.DRAFT


def test_resubmitting_after_more_information_is_not_refused_by_the_limit(
        one_per_organisation, organisation, applicant, staff):
    proposal = in_review(make_proposal(one_per_organisation, organisation, applicant), applicant, staff)
    determine(proposal, staff, "more_info", note="请补充。")
    assert submit_proposal(proposal, applicant).status == Proposal.Status.SUBMITTED


def test_applying_again_says_why_in_chinese(client, one_per_organisation, organisation, applicant, staff):
    in_review(make_proposal(one_per_organisation, organisation, applicant), applicant, staff)
    client.force_login(applicant)
    response = client.post(f"/zh-hans/calls/{one_per_organisation.pk}/apply/",
                           {"organisation": organisation.pk}, follow=True)
    assert response.status_code == 200
    assert "本次征集每个组织限报 1 个项目" in response.content.decode()
