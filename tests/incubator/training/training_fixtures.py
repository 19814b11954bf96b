"""Programmes, cohorts and trainees for the training tests and the permission matrix."""

import itertools
from datetime import timedelta

from django.utils import timezone

from tests.factories import UserFactory, translated

_numbers = itertools.count(1)

SOCIAL_WORKER_ANSWERS = {"experience": "3", "certified": "assistant", "goal": "学习社区治理方法"}


def programme(code="SCY", title="社创营"):
    from cms.models import HomePage
    from incubator.training.models import ProgrammeIndexPage, ProgrammePage

    index = ProgrammeIndexPage.objects.filter(locale__language_code="zh-hans").first()
    if index is None:
        home = HomePage.objects.get(locale__language_code="zh-hans")
        index = home.add_child(instance=ProgrammeIndexPage(title="人才培养", slug="training"))
        translated(index)
    found = ProgrammePage.objects.filter(code=code, locale=index.locale).first()
    if found:
        return found
    page = index.add_child(instance=ProgrammePage(
        title=title, slug=f"programme-{code.lower()}", code=code, intro="面向社区社会工作者的专业能力培训。",
        audience="<p>社区社工</p>", aims="<p>提升专业能力</p>", curriculum="<p>八次课程</p>"))
    page.save_revision().publish()
    return ProgrammePage.objects.get(pk=page.pk)


def make_cohort(capacity=2, sessions=0, open_for_enrolment=True, starts_in_days=10, **fields):
    from incubator.training.models import Cohort, Session

    now = timezone.now()
    number = next(_numbers)
    starts = (now + timedelta(days=starts_in_days)).date()
    defaults = dict(
        programme=programme(), name_zh=f"社创营第{number}期", name_en=f"Social Innovation Camp, cohort {number}",
        starts_on=starts, ends_on=starts + timedelta(days=30), venue="南岸区社会组织孵化中心",
        capacity=capacity, audience=Cohort.Audience.SOCIAL_WORKERS,
        enrol_opens_at=now - timedelta(days=5) if open_for_enrolment else now - timedelta(days=60),
        enrol_closes_at=now + timedelta(days=5) if open_for_enrolment else now - timedelta(days=30),
        min_attendance=80, required_assignments=1,
    )
    defaults.update(fields)
    cohort = Cohort.objects.create(**defaults)
    first = timezone.make_aware(timezone.datetime.combine(cohort.starts_on, timezone.datetime.min.time())) \
        + timedelta(hours=9)
    for index in range(sessions):
        Session.objects.create(cohort=cohort, title=f"第{index + 1}讲", starts_at=first + timedelta(days=7 * index),
                               ends_at=first + timedelta(days=7 * index, hours=3), place="孵化中心201室")
    return cohort


def enrol(cohort, user=None, state="accepted"):
    from incubator.training.models import Enrolment

    user = user or UserFactory()
    return Enrolment.objects.create(cohort=cohort, user=user, state=state, answers=SOCIAL_WORKER_ANSWERS,
                                    waitlisted_at=timezone.now() if state == "waitlisted" else None)


def training_world(trainee, trainer, staff):
    """For the permission matrix: a running cohort trained by `trainer`, with `trainee`
    completed, a session with a handout, and the trainee's certificate."""
    from django.core.files.base import ContentFile

    from incubator.training.certificates import _issue_one
    from incubator.training.models import Material

    cohort = make_cohort(sessions=2, starts_in_days=-40)
    cohort.trainers.add(trainer)
    enrolment = enrol(cohort, trainee, state="completed")
    session = cohort.sessions.first()
    material = Material(session=session, name="讲义.pdf", content_type="application/pdf", size=9, uploaded_by=staff)
    material.file.save("handout.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    certificate = _issue_one(enrolment, timezone.now())
    return {"cohort": cohort.pk, "session": session.pk, "enrolment": enrolment.pk, "material": material.pk,
            "certificate": certificate.pk, "serial": certificate.serial}
