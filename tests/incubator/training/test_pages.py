"""The training pages: programme and cohort pages, the calendar, enrolling, checking in by the
code's address, and the pages of those who run a cohort."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from incubator.training import checkin
from incubator.training.models import Attendance, Enrolment
from tests.factories import UserFactory
from tests.incubator.training.training_fixtures import enrol, make_cohort, programme

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_programme_page_lists_upcoming_and_past_cohorts():
    upcoming = make_cohort(name_zh="社创营第九期")
    make_cohort(name_zh="社创营第一期", starts_in_days=-400)
    page = Client().get(programme().url).content.decode()
    assert page.index("社创营第九期") < page.index("往期班级") < page.index("社创营第一期")
    assert f"/training/cohorts/{upcoming.pk}/" in page


def test_the_calendar_has_every_session():
    cohort = make_cohort(sessions=3)
    response = Client().get(f"/zh-hans/training/cohorts/{cohort.pk}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["summary"]) for event in events] == [f"{cohort.name_zh}：第{n}讲" for n in (1, 2, 3)]


def test_enrolling_on_behalf_of_ones_organisation(applicant, organisation):
    cohort = make_cohort()
    response = signed_in(applicant).post(f"/en/training/cohorts/{cohort.pk}/enrol/", {
        "organisation": str(organisation.pk), "experience": "4", "certified": "social_worker", "goal": "治理"})
    enrolment = Enrolment.objects.get()
    assert response.status_code == 302 and enrolment.organisation == organisation


def test_a_wrong_answer_is_shown_beside_its_question_and_keeps_what_was_typed(applicant):
    cohort = make_cohort()
    response = signed_in(applicant).post(f"/en/training/cohorts/{cohort.pk}/enrol/", {
        "experience": "many", "certified": "social_worker", "goal": "我想学习项目设计"})
    page = response.content.decode()
    assert response.status_code == 200 and 'id="id_experience_error"' in page and "我想学习项目设计" in page
    assert not Enrolment.objects.exists()


def test_opening_the_codes_address_then_confirming_checks_in():
    cohort = make_cohort(sessions=1)
    session = cohort.sessions.get()
    session.starts_at, session.ends_at = timezone.now() - timedelta(minutes=1), timezone.now() + timedelta(hours=2)
    session.save()
    enrolment = enrol(cohort)
    client = signed_in(enrolment.user)
    url = f"/en/training/check-in/{checkin.code_for(session, timezone.now())}/"
    assert client.get(url).status_code == 200 and not Attendance.objects.exists()
    assert client.post(url).status_code == 302
    assert Attendance.objects.get().status == "present"
    forged = signed_in(enrolment.user).post(f"/en/training/check-in/{session.pk}-0000000000000000/")
    assert forged.status_code == 400 and "expired or is not valid" in forged.content.decode()


def test_staff_accept_from_the_enrolments_list(staff):
    cohort = make_cohort(capacity=1)
    first, second = enrol(cohort, state="applied"), enrol(cohort, state="applied")
    client = signed_in(staff)
    client.post(f"/en/training/staff/cohorts/{cohort.pk}/decide/", {"enrolment": first.pk, "decision": "accepted"})
    response = client.post(f"/en/training/staff/cohorts/{cohort.pk}/decide/",
                           {"enrolment": second.pk, "decision": "accepted"}, follow=True)
    assert "The cohort is full" in response.content.decode()
    assert list(Enrolment.objects.filter(state="accepted")) == [first]


def test_a_trainer_runs_their_own_cohort_only():
    trainer = UserFactory()
    mine, other = make_cohort(sessions=1), make_cohort(sessions=1)
    mine.trainers.add(trainer)
    client = signed_in(trainer)
    assert client.get(f"/en/training/staff/cohorts/{mine.pk}/").status_code == 200
    assert client.get(f"/en/training/staff/cohorts/{other.pk}/").status_code == 403
    assert client.get(f"/en/training/staff/sessions/{other.sessions.get().pk}/check-in/").status_code == 403
    # Trainers do not decide who gets a place.
    applied = enrol(mine, state="applied")
    assert client.post(f"/en/training/staff/cohorts/{mine.pk}/decide/",
                       {"enrolment": applied.pk, "decision": "accepted"}).status_code == 403


def test_the_attendance_sheet_marks_by_hand(staff):
    cohort = make_cohort(sessions=1)
    enrolment = enrol(cohort)
    session = cohort.sessions.get()
    signed_in(staff).post(f"/en/training/staff/sessions/{session.pk}/attendance/", {f"status_{enrolment.pk}": "late"})
    assert Attendance.objects.get().method == "by_hand"


def test_the_check_in_screen_shows_a_qr_code_without_inline_script(staff):
    cohort = make_cohort(sessions=1)
    page = signed_in(staff).get(f"/en/training/staff/sessions/{cohort.sessions.get().pk}/check-in/").content.decode()
    assert "js/checkin.js" in page and "<script>" not in page
    svg = signed_in(staff).get(f"/en/training/staff/sessions/{cohort.sessions.get().pk}/check-in/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_materials_are_for_the_cohorts_trainees_only(staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    cohort = make_cohort(sessions=1)
    session = cohort.sessions.get()
    trainee, applied = enrol(cohort), enrol(cohort, state="applied")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    signed_in(staff).post(f"/en/training/staff/sessions/{session.pk}/materials/",
                          {"file": SimpleUploadedFile("讲义.pdf", pdf)})
    material = session.materials.get()
    assert signed_in(trainee.user).get(f"/en/training/materials/{material.pk}/").status_code == 200
    assert signed_in(applied.user).get(f"/en/training/materials/{material.pk}/").status_code == 404
    signed_in(staff).post(f"/en/training/staff/sessions/{session.pk}/materials/",
                          {"file": SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf")})
    assert session.materials.count() == 1
