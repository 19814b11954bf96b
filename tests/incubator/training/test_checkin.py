"""Checking in with the rotating code: the current and the previous window only, the
session's own trainees only, never a made-up code."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from incubator.training import checkin, services
from incubator.training.models import Attendance
from tests.factories import UserFactory
from tests.incubator.training.training_fixtures import enrol, make_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def running():
    """A cohort whose first session started five minutes ago, and one trainee."""
    cohort = make_cohort(sessions=1)
    session = cohort.sessions.get()
    session.starts_at = timezone.now() - timedelta(minutes=5)
    session.ends_at = session.starts_at + timedelta(hours=3)
    session.save()
    return session, enrol(cohort)


def test_a_current_code_checks_the_trainee_in(running):
    session, enrolment = running
    now = timezone.now()
    attendance = services.check_in(checkin.code_for(session, now), enrolment.user, now)
    assert (attendance.status, attendance.method) == ("present", "check_in")


def test_the_previous_windows_code_still_works(running):
    session, enrolment = running
    now = timezone.now()
    code = checkin.code_for(session, now - timedelta(seconds=checkin.WINDOW_SECONDS))
    assert services.check_in(code, enrolment.user, now).status == "present"


def test_an_expired_code_is_refused(running):
    session, enrolment = running
    now = timezone.now()
    code = checkin.code_for(session, now - timedelta(seconds=2 * checkin.WINDOW_SECONDS))
    with pytest.raises(ValidationError) as refused:
        services.check_in(code, enrolment.user, now)
    assert refused.value.code == "expired"
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("forge", [
    lambda code: code[:-1] + ("0" if code[-1] != "0" else "1"),  # one character changed
    lambda code: "999999-" + code.split("-")[1],  # another session's id
    lambda code: "not-a-code",
    lambda code: "",
])
def test_a_forged_code_is_refused(running, forge):
    session, enrolment = running
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.check_in(forge(checkin.code_for(session, now)), enrolment.user, now)
    assert not Attendance.objects.exists()


def test_only_the_cohorts_trainees_check_in(running):
    session, _enrolment = running
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        services.check_in(checkin.code_for(session, now), UserFactory(), now)
    assert refused.value.code == "not_trainee"


def test_arriving_late_is_recorded_as_late(running):
    session, enrolment = running
    later = session.starts_at + timedelta(minutes=20)
    assert services.check_in(checkin.code_for(session, later), enrolment.user, later).status == "late"


def test_staff_mark_attendance_by_hand_and_may_correct_it(running, staff):
    session, enrolment = running
    services.mark_attendance(session, enrolment, "absent", staff)
    services.mark_attendance(session, enrolment, "excused", staff)
    attendance = Attendance.objects.get()
    assert (attendance.status, attendance.method, attendance.recorded_by) == ("excused", "by_hand", staff)
    with pytest.raises(ValidationError):
        services.mark_attendance(session, enrolment, "asleep", staff)
