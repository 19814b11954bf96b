"""Matching runs: computed in the background with their progress, explained, re-run with pins
and exclusions, confirmed all at once (or not at all), and the staff pages."""

import threading
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from wagtail.models import ModelLogEntry

from grants.funding.models import Award, MatchingLine, MatchingRun
from grants.funding.services import ledger, matching
from grants.proposals.models import Proposal
from grants.review.services import determine
from tests.factories import FundFactory, in_review, make_proposal

D = Decimal


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def scored(call, organisation, applicant, staff, score, outcome="approved", amount=D("90000")):
    proposal = in_review(make_proposal(call, organisation, applicant), applicant, staff)
    Proposal.objects.filter(pk=proposal.pk).update(score=score, review_count=1, requested_amount=amount)
    return determine(Proposal.objects.get(pk=proposal.pk), staff, outcome)


@pytest.fixture
def proposals(call, organisation, applicant, staff):
    """Scores 90, 80, 70 asking ¥90,000 each, and one waitlisted at 85."""

    return {score: scored(call, organisation, applicant, staff, D(score)) for score in (90, 80, 70)} | {
        "waitlisted": scored(call, organisation, applicant, staff, D("85"), outcome="waitlisted")}


@pytest.fixture
def fund(db):
    return FundFactory(budget=D("200000"))


def run_now(staff, calls, funds, capture, **options):
    with capture(execute=True):
        run = matching.start_run(staff, calls, funds, **options)
    run.refresh_from_db()
    return run


def test_a_run_funds_the_best_value_and_explains_every_proposal(call, proposals, fund, staff,
                                                                 django_capture_on_commit_callbacks):
    run = run_now(staff, [call], [fund], django_capture_on_commit_callbacks)
    assert run.status == MatchingRun.Status.DONE and run.progress == 100
    lines = {line.proposal_id: line for line in run.lines.all()}
    assert set(lines) == {proposals[90].pk, proposals[80].pk, proposals[70].pk}  # waitlisted left out
    assert lines[proposals[90].pk].shares == {str(fund.pk): "90000.00"}
    assert lines[proposals[70].pk].reason == MatchingLine.Reason.BUDGETS_EXHAUSTED
    assert lines[proposals[70].pk].details["left"] == "20000.00"
    assert [line.rank for line in run.lines.order_by("rank")] == [1, 2, 3]
    assert run.objective == run.greedy_objective == D("90") * 90000 + D("80") * 90000
    assert run.budgets == {str(fund.pk): "200000.00"}


def test_waitlisted_proposals_join_when_asked(call, proposals, fund, staff, django_capture_on_commit_callbacks):
    run = run_now(staff, [call], [fund], django_capture_on_commit_callbacks, include_waitlisted=True)
    funded = set(run.lines.exclude(shares={}).values_list("proposal_id", flat=True))
    assert funded == {proposals[90].pk, proposals["waitlisted"].pk}


def test_a_cut_off_leaves_out_lower_scores(call, proposals, fund, staff, django_capture_on_commit_callbacks):
    run = run_now(staff, [call], [fund], django_capture_on_commit_callbacks, cutoff=D("85"))
    assert run.lines.get(proposal=proposals[80]).reason == MatchingLine.Reason.BELOW_CUTOFF
    assert run.lines.exclude(shares={}).count() == 1


def test_a_rerun_keeps_the_parameters_and_applies_pins_and_exclusions(call, proposals, fund, staff,
                                                                      django_capture_on_commit_callbacks):
    first = run_now(staff, [call], [fund], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        second = matching.rerun(first, staff, pinned=[proposals[70]], excluded=[proposals[90]])
    second.refresh_from_db()
    assert second.parent == first
    funded = set(second.lines.exclude(shares={}).values_list("proposal_id", flat=True))
    assert funded == {proposals[80].pk, proposals[70].pk}
    assert second.lines.get(proposal=proposals[90]).reason == MatchingLine.Reason.EXCLUDED
    assert second.lines.get(proposal=proposals[70]).pinned


def test_pins_that_the_budgets_cannot_hold_fail_the_run_with_a_reason(call, proposals, fund, staff,
                                                                      django_capture_on_commit_callbacks):
    # The background task records the failure on the run (the worker's log has the traceback).
    with django_capture_on_commit_callbacks(execute=True):
        matching.start_run(staff, [call], [fund], pinned=[proposals[90], proposals[80], proposals[70]])
    run = MatchingRun.objects.get()
    assert run.status == MatchingRun.Status.FAILED and "cannot all be funded" in run.error


def test_a_run_needs_calls_and_funds(staff):
    with pytest.raises(Exception) as refused:
        matching.start_run(staff, [], [])
    assert set(refused.value.message_dict) == {"calls", "funds"}


def test_confirming_creates_every_award_and_commitment(call, proposals, fund, staff,
                                                       django_capture_on_commit_callbacks):
    run = run_now(staff, [call], [fund], django_capture_on_commit_callbacks, include_waitlisted=True)
    created = matching.confirm(run, staff)
    assert {award.proposal_id for award in created} == {proposals[90].pk, proposals["waitlisted"].pk}
    assert Proposal.objects.get(pk=proposals["waitlisted"].pk).status == Proposal.Status.APPROVED
    fund.refresh_from_db()
    assert fund.committed == D("180000")
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.CONFIRMED and run.confirmed_by == staff
    assert ModelLogEntry.objects.for_instance(run).filter(action="seedbed.matching.confirmed").exists()


def test_confirming_is_all_or_nothing_when_a_budget_changed(call, proposals, fund, staff,
                                                            django_capture_on_commit_callbacks):
    run = run_now(staff, [call], [fund], django_capture_on_commit_callbacks)
    ledger.change_budget(fund, D("100000") - fund.budget, "预算调减", staff)  # cut after the run
    with pytest.raises(Exception, match="Budgets changed"):
        matching.confirm(run, staff)
    assert not Award.objects.exists()
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.DONE


def test_a_run_is_confirmed_once_and_others_are_superseded(call, proposals, fund, staff,
                                                           django_capture_on_commit_callbacks):
    first = run_now(staff, [call], [fund], django_capture_on_commit_callbacks)
    second = run_now(staff, [call], [fund], django_capture_on_commit_callbacks)
    matching.confirm(first, staff)
    with pytest.raises(Exception, match="already been confirmed"):
        matching.confirm(first, staff)
    second.refresh_from_db()
    assert second.status == MatchingRun.Status.SUPERSEDED
    with pytest.raises(Exception, match="Only a finished run"):
        matching.confirm(second, staff)


def test_only_staff_start_and_confirm(call, proposals, fund, supervisor, staff, django_capture_on_commit_callbacks):
    with pytest.raises(Exception, match="Only staff"):
        matching.start_run(supervisor, [call], [fund])
    run = run_now(staff, [call], [fund], django_capture_on_commit_callbacks)
    with pytest.raises(Exception, match="Only staff"):
        matching.confirm(run, supervisor)


# -- pages ---------------------------------------------------------------------------------
def test_staff_start_a_run_and_follow_its_progress(call, proposals, fund, client, staff):
    client.force_login(staff)
    # The background worker has not picked the run up yet: the page says so and refreshes.
    response = client.post(reverse("funding:matching_list"), {"calls": [call.pk], "funds": [fund.pk]})
    run = MatchingRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("funding:matching_detail", args=[run.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in page and "<progress" in page


def test_the_run_page_compares_the_optimum_with_greedy_and_explains(call, organisation, applicant, staff, client,
                                                                    django_capture_on_commit_callbacks):
    # Greedy funds the best score and strands money; the optimum funds the two next ones.
    scored(call, organisation, applicant, staff, D("90"), amount=D("100000"))
    scored(call, organisation, applicant, staff, D("80"), amount=D("75000"))
    scored(call, organisation, applicant, staff, D("80"), amount=D("75000"))
    fund = FundFactory(budget=D("150000"))
    run = run_now(staff, [call], [fund], django_capture_on_commit_callbacks)
    client.force_login(staff)
    page = client.get(reverse("funding:matching_detail", args=[run.pk])).content.decode()
    assert "3,000,000.00" in page  # the difference: 12,000,000 − 9,000,000
    assert "Budgets exhausted at its rank" in page and "Funded at rank 2" in page
    different = client.get(reverse("funding:matching_detail", args=[run.pk]) + "?show=different").content.decode()
    assert different.count('name="shown"') == 3


def test_rerun_from_the_page_keeps_choices_made_on_other_pages(call, proposals, fund, client, staff,
                                                               django_capture_on_commit_callbacks):
    first = run_now(staff, [call], [fund], django_capture_on_commit_callbacks, pinned=[proposals[70]])
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        # This "page" showed only the 80: the 70's pin, made elsewhere, stays.
        client.post(reverse("funding:matching_rerun", args=[first.pk]), {"shown": [proposals[80].pk],
                                                                 "exclude": [proposals[80].pk]})
    second = MatchingRun.objects.exclude(pk=first.pk).get()
    assert set(second.pinned.all()) == {proposals[70]} and set(second.excluded.all()) == {proposals[80]}


def test_confirming_from_the_page(call, proposals, fund, client, staff, django_capture_on_commit_callbacks):
    run = run_now(staff, [call], [fund], django_capture_on_commit_callbacks)
    client.force_login(staff)
    response = client.post(reverse("funding:matching_confirm", args=[run.pk]), follow=True)
    assert "2 awards created" in response.content.decode()


def test_supervisors_read_runs_and_cannot_start_or_confirm(call, proposals, fund, client, supervisor, staff,
                                                           django_capture_on_commit_callbacks):
    run = run_now(staff, [call], [fund], django_capture_on_commit_callbacks)
    client.force_login(supervisor)
    page = client.get(reverse("funding:matching_detail", args=[run.pk])).content.decode()
    assert "Confirm this allocation" not in page and "Optimal allocation" in page
    assert client.post(reverse("funding:matching_list"), {"calls": [call.pk], "funds": [fund.pk]}).status_code == 403
    assert client.post(reverse("funding:matching_confirm", args=[run.pk])).status_code == 403


def test_a_run_form_with_nothing_chosen_says_so(client, staff):
    client.force_login(staff)
    page = client.post(reverse("funding:matching_list"), {}).content.decode()
    assert page.count("This field is required.") == 2 and not MatchingRun.objects.exists()


# -- under concurrency ---------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_two_runs_confirmed_at_once_never_overcommit_a_fund(call, organisation, applicant, staff):
    first = scored(call, organisation, applicant, staff, D("90"))
    second = scored(call, organisation, applicant, staff, D("80"))
    fund = FundFactory(budget=D("100000"))
    runs = []
    for proposal, other in ((first, second), (second, first)):
        run = matching.start_run(staff, [call], [fund], excluded=[other])  # the task runs at commit
        runs.append(MatchingRun.objects.get(pk=run.pk))
    assert all(run.status == MatchingRun.Status.DONE for run in runs)
    barrier, outcomes = threading.Barrier(2), []

    def confirm(run):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            matching.confirm(run, staff)
            outcomes.append("confirmed")
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=confirm, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fund.refresh_from_db()
    assert sorted(outcomes) == ["ValidationError", "confirmed"]
    assert fund.committed == D("90000") and Award.objects.count() == 1
    assert transaction.get_autocommit()


def test_a_matching_fund_keeps_back_what_it_promised_to_match(call, proposals, staff,
                                                              django_capture_on_commit_callbacks):
    # ¥200,000, of which up to ¥30,000 is promised to match donations: ¥170,000 for grants,
    # so only one ¥90,000 proposal fits... and a second does not.
    fund = FundFactory(budget=D("200000"), match_ratio=D("1"), match_cap=D("30000"))
    run = run_now(staff, [call], [fund], django_capture_on_commit_callbacks)
    assert run.budgets == {str(fund.pk): "170000.00"}
    assert run.lines.exclude(shares={}).count() == 1
