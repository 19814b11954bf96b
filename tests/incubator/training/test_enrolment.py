"""Applying, staff decisions, withdrawal and the waiting list that moves by itself."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from incubator.training import services
from incubator.training.models import Enrolment
from tests.factories import OrganisationFactory, UserFactory
from tests.incubator.training.training_fixtures import SOCIAL_WORKER_ANSWERS, enrol, make_cohort

pytestmark = pytest.mark.django_db
State = Enrolment.State


def test_applying_records_the_answers_to_the_audiences_questions(applicant):
    cohort = make_cohort()
    enrolment = services.apply(cohort, applicant, SOCIAL_WORKER_ANSWERS)
    assert enrolment.state == State.APPLIED
    assert enrolment.answers == {"experience": 3, "certified": "assistant", "goal": "学习社区治理方法"}
    assert ModelLogEntry.objects.filter(action="seedbed.training.enrolment.applied").count() == 1


def test_the_questions_depend_on_the_audience(applicant):
    cohort = make_cohort(audience="young_founders")
    with pytest.raises(ValidationError) as refused:
        services.apply(cohort, applicant, SOCIAL_WORKER_ANSWERS)
    assert "idea" in refused.value.message_dict
    services.apply(cohort, applicant, {"idea": "社区助老咖啡馆", "goal": "学习创业"})


def test_applying_is_refused_outside_the_window_and_twice(applicant):
    with pytest.raises(ValidationError) as refused:
        services.apply(make_cohort(open_for_enrolment=False), applicant, SOCIAL_WORKER_ANSWERS)
    assert refused.value.code == "closed"
    cohort = make_cohort()
    services.apply(cohort, applicant, SOCIAL_WORKER_ANSWERS)
    with pytest.raises(ValidationError) as refused:
        services.apply(cohort, applicant, SOCIAL_WORKER_ANSWERS)
    assert refused.value.code == "duplicate"


def test_one_applies_on_behalf_of_ones_own_organisation_only(applicant, organisation):
    cohort = make_cohort()
    with pytest.raises(ValidationError) as refused:
        services.apply(cohort, applicant, SOCIAL_WORKER_ANSWERS, organisation=OrganisationFactory())
    assert "organisation" in refused.value.message_dict
    assert services.apply(cohort, applicant, SOCIAL_WORKER_ANSWERS, organisation=organisation).organisation == organisation


def test_accepting_never_exceeds_capacity(staff):
    cohort = make_cohort(capacity=1)
    first, second = enrol(cohort, state="applied"), enrol(cohort, state="applied")
    services.decide(first, State.ACCEPTED, staff)
    with pytest.raises(ValidationError) as refused:
        services.decide(second, State.ACCEPTED, staff)
    assert refused.value.code == "full"
    services.decide(second, State.WAITLISTED, staff)
    assert cohort.holders().count() == 1


def test_repeating_a_decision_changes_nothing(staff):
    enrolment = enrol(make_cohort(), state="applied")
    services.decide(enrolment, State.ACCEPTED, staff)
    services.decide(enrolment, State.ACCEPTED, staff)
    assert ModelLogEntry.objects.filter(action="seedbed.training.enrolment.accepted").count() == 1
    with pytest.raises(ValidationError):
        services.decide(enrolment, State.REJECTED, staff)


def test_the_trainee_is_told_in_their_language(staff, django_capture_on_commit_callbacks):
    enrolment = enrol(make_cohort(), UserFactory(language="zh-hans"), state="applied")
    english = enrol(make_cohort(), UserFactory(language="en"), state="applied")
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(enrolment, State.ACCEPTED, staff)
        services.decide(english, State.WAITLISTED, staff)
    chinese, other = mail.outbox
    assert "您已获得" in chinese.body
    assert "waiting list" in other.body


def _full_cohort_with_waitlist():
    cohort = make_cohort(capacity=1, offer_hours=48)
    holder = enrol(cohort)
    first = enrol(cohort, state="waitlisted")
    second = enrol(cohort, state="waitlisted")
    Enrolment.objects.filter(pk=second.pk).update(waitlisted_at=timezone.now() + timedelta(seconds=1))
    return cohort, holder, first, second


def test_a_freed_place_is_offered_to_the_first_waiting(django_capture_on_commit_callbacks):
    cohort, holder, first, second = _full_cohort_with_waitlist()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(holder, holder.user)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == State.OFFERED and second.state == State.WAITLISTED
    assert first.offer_expires_at > timezone.now() + timedelta(hours=47)
    assert [message.to for message in mail.outbox] == [[first.user.email]]
    services.confirm_offer(first, first.user)
    first.refresh_from_db()
    assert first.state == State.ACCEPTED


def test_an_offer_not_confirmed_in_time_passes_on():
    cohort, holder, first, second = _full_cohort_with_waitlist()
    services.withdraw(holder, holder.user)
    later = timezone.now() + timedelta(hours=49)
    with mock.patch("django.utils.timezone.now", return_value=later):
        call_command("sweep_tasks", stdout=mock.MagicMock())
        with pytest.raises(ValidationError) as refused:
            services.confirm_offer(first, first.user)
        assert refused.value.code == "lapsed"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == State.WITHDRAWN
    assert second.state == State.OFFERED and second.offer_expires_at == later + timedelta(hours=48)
    assert ModelLogEntry.objects.filter(action="seedbed.training.offer.lapsed").count() == 1


def test_an_offer_still_open_is_left_alone_by_the_sweep():
    cohort, holder, first, _second = _full_cohort_with_waitlist()
    services.withdraw(holder, holder.user)
    assert services.sweep_offers(timezone.now() + timedelta(hours=47)) == 0
    first.refresh_from_db()
    assert first.state == State.OFFERED


def test_a_completed_trainee_cannot_withdraw():
    enrolment = enrol(make_cohort(), state="completed")
    with pytest.raises(ValidationError):
        services.withdraw(enrolment, enrolment.user)
