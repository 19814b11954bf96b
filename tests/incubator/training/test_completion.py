"""The completion rule at its boundaries, and who is at risk before the cohort ends."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incubator.training import services
from incubator.training.completion import Progress, progress_for
from incubator.training.models import Attendance, Enrolment
from tests.incubator.training.training_fixtures import enrol, make_cohort


def progress(attended, held=10, total=10, done=1, required=1, minimum=80):
    return Progress(attended=attended, held=held, total=total, min_attendance=minimum,
                    assignments_done=done, assignments_required=required)


def test_exactly_the_minimum_attendance_completes():
    assert progress(8).meets_rule
    assert not progress(7).meets_rule


def test_a_fraction_below_the_minimum_does_not_complete():
    # 7 of 9 is 77.8%: rounding must not lift it to 80%.
    assert not progress(7, held=9, total=9).meets_rule
    assert progress(8, held=9, total=9).meets_rule


def test_missing_assignments_prevent_completion():
    assert not progress(10, done=0, required=1).meets_rule
    assert progress(10, done=0, required=0).meets_rule


def test_at_risk_once_completion_is_out_of_reach():
    # 10 sessions, 80%: after missing 2 of the first 4, 8 is still reachable but behind.
    assert progress(2, held=4).at_risk and progress(2, held=4).can_still_complete
    # Missing a third makes it impossible.
    assert not progress(1, held=4).can_still_complete and progress(1, held=4).at_risk
    assert not progress(4, held=4).at_risk
    assert not progress(0, held=0).at_risk


def test_a_cohort_without_sessions_completes_no_one():
    assert not progress(0, held=0, total=0).meets_rule


@pytest.mark.django_db
def test_recording_completions_follows_the_rule(staff):
    cohort = make_cohort(sessions=5, starts_in_days=-60, min_attendance=80, required_assignments=1)
    sessions = list(cohort.sessions.all())
    good, short = enrol(cohort), enrol(cohort)
    for enrolment, count in ((good, 4), (short, 3)):
        for session in sessions[:count]:
            Attendance.objects.create(session=session, enrolment=enrolment, status="late" if count == 4 else "present",
                                      method="by_hand")
        services.set_assignments(enrolment, 1, staff)
    # An excused absence is still an absence.
    Attendance.objects.create(session=sessions[4], enrolment=short, status="excused", method="by_hand")
    good.refresh_from_db()
    short.refresh_from_db()
    assert progress_for(good).meets_rule and not progress_for(short).meets_rule
    services.record_completions(cohort, staff)
    assert set(Enrolment.objects.filter(state="completed")) == {good}


@pytest.mark.django_db
def test_progress_counts_only_sessions_already_started():
    cohort = make_cohort(sessions=4, starts_in_days=-8)
    enrolment = enrol(cohort)
    found = progress_for(enrolment, moment=timezone.now())
    assert (found.held, found.total, found.remaining) == (2, 4, 2)
    assert found.at_risk  # two sessions held, none attended
    assert progress_for(enrolment, moment=timezone.now() - timedelta(days=30)).held == 0
