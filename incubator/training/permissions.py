"""Who may see and run what in training: staff run every cohort, supervisors read them,
trainers and mentors run their own cohorts, trainees see their own record only."""

from incubator.accounts.permissions import is_staff_member, is_supervisor


def runs_cohort(user, cohort):
    """Staff, and the cohort's own trainers and mentors."""
    if not user.is_authenticated:
        return False
    if is_staff_member(user):
        return True
    return cohort.trainers.filter(pk=user.pk).exists() or cohort.mentors.filter(pk=user.pk).exists()


def reads_cohort(user, cohort):
    """The cohort's enrolments and attendance: those who run it, and supervisors."""
    return runs_cohort(user, cohort) or (user.is_authenticated and is_supervisor(user))


def decides_enrolments(user):
    return is_staff_member(user)


def issues_certificates(user):
    return is_staff_member(user)


def cohorts_run_by(user):
    from django.db.models import Q

    from incubator.training.models import Cohort

    if not user.is_authenticated:
        return Cohort.objects.none()
    if is_staff_member(user) or is_supervisor(user):
        return Cohort.objects.all()
    return Cohort.objects.filter(Q(trainers=user) | Q(mentors=user)).distinct()


def owns_enrolment(user, enrolment):
    return user.is_authenticated and enrolment.user_id == user.pk


def may_download_material(user, material):
    cohort = material.session.cohort
    if runs_cohort(user, cohort) or (user.is_authenticated and is_supervisor(user)):
        return True
    from incubator.training.models import Enrolment

    return user.is_authenticated and cohort.enrolments.filter(
        user=user, state__in=Enrolment.ENROLLED).exists()
