"""Chinese training pages join a name to its value with full-width punctuation (：、（）), while
the English pages keep the ASCII marks."""

import pytest
from django.test import Client
from django.utils import translation

from incubator.places.models import Community
from tests.incubator.training.training_fixtures import enrol, make_cohort

pytestmark = pytest.mark.django_db


def test_a_cohorts_place_is_listed_with_the_enumeration_comma_in_chinese():
    cohort = make_cohort(community=Community.objects.get(code="500108003002"))
    with translation.override("zh-hans"):
        assert f"{cohort.community.name}、南岸区社会组织孵化中心" == cohort.place
    with translation.override("en"):
        assert cohort.place.endswith(", 南岸区社会组织孵化中心")


def test_the_attendance_sheet_labels_each_choice_with_a_full_width_colon(staff):
    cohort = make_cohort(sessions=1)
    enrolment = enrol(cohort)
    client = Client()
    client.force_login(staff)
    session = cohort.sessions.get()
    chinese = client.get(f"/zh-hans/training/staff/sessions/{session.pk}/attendance/").content.decode()
    english = client.get(f"/en/training/staff/sessions/{session.pk}/attendance/").content.decode()
    assert f'aria-label="{enrolment.user}：' in chinese
    assert f'aria-label="{enrolment.user}: ' in english


def test_the_trainees_own_enrolment_line_uses_a_full_width_colon():
    cohort = make_cohort()
    enrolment = enrol(cohort)
    client = Client()
    client.force_login(enrolment.user)
    chinese = client.get(f"/zh-hans/training/cohorts/{cohort.pk}/").content.decode()
    assert "您的报名</a>：" in chinese
