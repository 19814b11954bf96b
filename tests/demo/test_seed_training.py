"""The demo's training: three programmes, about 200 people trained with certificates, an
open cohort with a waiting list, and a session running now whose code checks people in."""

import pytest
from django.test import Client
from django.utils import timezone

from demo.people import ensure_demo_users
from demo.training import ensure_demo_training
from incubator.training import certificates, checkin, services
from incubator.training.models import Certificate, Enrolment, ProgrammePage, Session

pytestmark = pytest.mark.django_db


def test_the_demo_has_programmes_past_trainees_a_waiting_list_and_a_live_session():
    ensure_demo_users()
    created = ensure_demo_training()
    assert created["programmes"] == 3
    assert ProgrammePage.objects.filter(locale__language_code="en").count() == 3
    assert 190 <= Enrolment.objects.filter(state="completed").count() <= 210
    assert Certificate.objects.count() == Enrolment.objects.filter(state="completed").count()
    serial = Certificate.objects.first().serial
    assert certificates.verify(serial).found
    assert Enrolment.objects.filter(state="waitlisted").exists()
    now = timezone.now()
    live = Session.objects.get(starts_at__lte=now, ends_at__gte=now)
    trainee = live.cohort.enrolments.filter(state="accepted").first()
    assert services.check_in(checkin.code_for(live, now), trainee.user, now).status == "present"
    assert ensure_demo_training()["cohorts"] == 0  # a second run adds nothing
    assert Client().get(f"/zh-hans/training/verify/{serial}/").status_code == 200
