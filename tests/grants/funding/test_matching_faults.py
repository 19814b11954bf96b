"""Matching runs when things go wrong: a worker that dies mid-run is noticed by its stopped
heartbeat, the run is marked failed and can be tried again (once, whatever the clicks); a
worker thought dead that wakes up saves nothing; proposals nobody scored are matched."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from grants.funding import matching as solver
from grants.funding.models import MatchingRun
from grants.funding.services import matching
from grants.proposals.models import Proposal
from grants.review.services import determine
from tests.factories import FundFactory, in_review, make_proposal

D = Decimal


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def proposals(call, organisation, applicant, staff):
    made = []
    for score in (90, 80):
        proposal = in_review(make_proposal(call, organisation, applicant), applicant, staff)
        Proposal.objects.filter(pk=proposal.pk).update(score=D(score), review_count=1)
        made.append(determine(Proposal.objects.get(pk=proposal.pk), staff, "approved"))
    return made


@pytest.fixture
def fund(db):
    return FundFactory(budget=D("200000"))


@pytest.fixture
def dead_run(call, proposals, fund, staff, django_capture_on_commit_callbacks):
    """A run the worker claimed, worked on and died in: "running", its heartbeat long silent."""
    with django_capture_on_commit_callbacks():  # the task is never delivered
        run = matching.start_run(staff, [call], [fund])
    silent = timezone.now() - matching.STALE_AFTER - timedelta(seconds=5)
    MatchingRun.objects.filter(pk=run.pk).update(status=MatchingRun.Status.RUNNING, started_at=silent,
                                                 heartbeat_at=silent, progress=60, stage="integer program")
    return run


def actions(run):
    return list(ModelLogEntry.objects.for_instance(run).order_by("pk").values_list("action", flat=True))


def test_the_page_of_a_run_whose_worker_died_says_it_failed_and_stops_refreshing(dead_run, client, staff):
    client.force_login(staff)
    page = client.get(reverse("funding:matching_detail", args=[dead_run.pk])).content.decode()
    dead_run.refresh_from_db()
    assert dead_run.status == MatchingRun.Status.FAILED and dead_run.error == MatchingRun.WORKER_LOST
    assert 'http-equiv="refresh"' not in page and "<progress" not in page
    assert "stopped answering" in page and "Try this run again" in page
    assert actions(dead_run)[-1] == "seedbed.matching.failed"


def test_a_run_with_a_recent_heartbeat_is_left_working(dead_run, client, staff):
    MatchingRun.objects.filter(pk=dead_run.pk).update(heartbeat_at=timezone.now())
    client.force_login(staff)
    page = client.get(reverse("funding:matching_detail", args=[dead_run.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and "Try this run again" not in page
    assert MatchingRun.objects.get(pk=dead_run.pk).status == MatchingRun.Status.RUNNING


def test_the_list_of_runs_marks_lost_runs_too(dead_run, client, staff):
    client.force_login(staff)
    client.get(reverse("funding:matching_list"))
    assert MatchingRun.objects.get(pk=dead_run.pk).status == MatchingRun.Status.FAILED


def test_the_periodic_sweep_marks_a_lost_run_without_anyone_looking(dead_run, settings, tmp_path):
    settings.OPEN_DATA_ROOT = tmp_path  # the sweep brings the open data up to date too
    call_command("sweep_tasks")
    assert MatchingRun.objects.get(pk=dead_run.pk).status == MatchingRun.Status.FAILED


def test_retrying_computes_the_same_run_and_it_can_be_confirmed(dead_run, client, staff, proposals,
                                                                django_capture_on_commit_callbacks):
    client.force_login(staff)
    client.get(reverse("funding:matching_detail", args=[dead_run.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("funding:matching_retry", args=[dead_run.pk]), follow=True)
    assert "Computing the run again" in response.content.decode()
    dead_run.refresh_from_db()
    assert dead_run.status == MatchingRun.Status.DONE and dead_run.error == ""
    assert set(dead_run.lines.exclude(shares={}).values_list("proposal_id", flat=True)) == {p.pk for p in proposals}
    assert actions(dead_run)[-3:] == ["seedbed.matching.failed", "seedbed.matching.retried",
                                      "seedbed.matching.computed"]
    assert len(matching.confirm(dead_run, staff)) == 2


def test_a_double_clicked_retry_queues_the_run_once(dead_run, client, staff, django_capture_on_commit_callbacks):
    matching.mark_lost_runs()
    client.force_login(staff)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("funding:matching_retry", args=[dead_run.pk]))
        second = client.post(reverse("funding:matching_retry", args=[dead_run.pk]), follow=True)
    assert len(callbacks) == 1
    assert "already being computed" in second.content.decode()
    assert actions(dead_run).count("seedbed.matching.retried") == 1


def test_only_a_failed_run_is_retried_and_only_by_staff(dead_run, client, staff, supervisor):
    with pytest.raises(Exception, match="already being computed"):
        matching.retry(dead_run, staff)  # still running as far as anyone can tell
    matching.mark_lost_runs()
    client.force_login(supervisor)
    page = client.get(reverse("funding:matching_detail", args=[dead_run.pk])).content.decode()
    assert "Try this run again" not in page
    assert client.post(reverse("funding:matching_retry", args=[dead_run.pk])).status_code == 403
    with pytest.raises(Exception, match="Only staff"):
        matching.retry(dead_run, supervisor)
    assert MatchingRun.objects.get(pk=dead_run.pk).status == MatchingRun.Status.FAILED


def test_a_worker_thought_dead_that_wakes_up_saves_nothing(call, proposals, fund, staff, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    real_solve = solver.solve

    def solve_slowly(*args, **kwargs):
        # While this worker is silent, the run is given up as lost.
        MatchingRun.objects.update(heartbeat_at=timezone.now() - matching.STALE_AFTER * 2)
        assert matching.mark_lost_runs()
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(solver, "solve", solve_slowly)
    with django_capture_on_commit_callbacks(execute=True):
        run = matching.start_run(staff, [call], [fund])
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.FAILED and run.error == MatchingRun.WORKER_LOST
    assert not run.lines.exists() and "seedbed.matching.computed" not in actions(run)


def test_a_task_delivered_twice_computes_once(call, proposals, fund, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = matching.start_run(staff, [call], [fund])
    matching.compute_run.call(run.pk)
    assert run.lines.count() == 2 and actions(run).count("seedbed.matching.computed") == 1


def test_approved_proposals_nobody_reviewed_are_matched(call, organisation, applicant, staff, fund, client,
                                                        django_capture_on_commit_callbacks):
    for _ in range(3):  # ¥270,000 asked of ¥200,000: two fit
        determine(in_review(make_proposal(call, organisation, applicant), applicant, staff), staff, "approved")
    assert not Proposal.objects.filter(score__isnull=False).exists()
    with django_capture_on_commit_callbacks(execute=True):
        run = matching.start_run(staff, [call], [fund])
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.DONE, run.error
    assert run.lines.exclude(shares={}).count() == 2 and run.gap == 0
    client.force_login(staff)
    page = client.get(reverse("funding:matching_detail", args=[run.pk])).content.decode()
    assert "no other choice could be worth more than 0.00% more" in page
