"""State changes of training: enrolment and its waiting list, attendance, completion.

Lock order: the cohort row first, then its enrolments. Every change of places goes through
the locked cohort, so two people accepted or promoted at the same moment cannot both take the
last place (on SQLite the write transaction itself serialises them).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core import mail
from core.uploads import check_upload
from incubator.organisations.permissions import membership
from incubator.training import checkin
from incubator.training.completion import progress_for
from incubator.training.models import Attendance, Cohort, Enrolment, Material
from incubator.training.questions import clean_answers

State = Enrolment.State

# from -> the states an enrolment may move to
TRANSITIONS = {
    State.APPLIED: {State.ACCEPTED, State.WAITLISTED, State.REJECTED, State.WITHDRAWN},
    State.WAITLISTED: {State.OFFERED, State.ACCEPTED, State.REJECTED, State.WITHDRAWN},
    State.OFFERED: {State.ACCEPTED, State.WITHDRAWN},
    State.ACCEPTED: {State.COMPLETED, State.WITHDRAWN},
    State.REJECTED: set(),
    State.WITHDRAWN: set(),
    State.COMPLETED: set(),
}
DECISIONS = (State.ACCEPTED, State.WAITLISTED, State.REJECTED)


def _lock(enrolment):
    """Lock the cohort, then the enrolment, and return fresh copies of both."""
    cohort = Cohort.objects.select_for_update().get(pk=enrolment.cohort_id)
    locked = Enrolment.objects.select_for_update().select_related("user").get(pk=enrolment.pk)
    locked.cohort = cohort
    return cohort, locked


def _move(enrolment, to, user, moment, action=None, **data):
    previous = enrolment.state
    enrolment.state = to
    if to == State.WAITLISTED:
        enrolment.waitlisted_at = moment
    enrolment.offer_expires_at = moment + timedelta(hours=enrolment.cohort.offer_hours) \
        if to == State.OFFERED else None
    enrolment.save(update_fields=["state", "waitlisted_at", "offer_expires_at"])
    log(enrolment, action or f"seedbed.training.enrolment.{to}", user=user,
        data={"from": previous, "to": to, **data})


def _tell(enrolment, name):
    mail.send_to_user(name, enrolment.user, {
        "enrolment": enrolment, "cohort": enrolment.cohort,
        "url": mail.absolute_url(reverse("training:my_enrolment", args=[enrolment.pk])),
    })


def _free_places(cohort):
    return cohort.capacity - cohort.holders().count()


@transaction.atomic
def apply(cohort, user, answers, organisation=None, moment=None):
    """Apply for a place: for oneself, or on behalf of an organisation one belongs to."""
    moment = moment or timezone.now()
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if not cohort.enrolment_open(moment):
        raise ValidationError(_("Enrolment for this cohort is not open."), code="closed")
    if organisation is not None and membership(user, organisation) is None:
        raise ValidationError({"organisation": _("You can only apply on behalf of an organisation you belong to.")})
    if cohort.enrolments.filter(user=user).exists():
        raise ValidationError(_("You have already applied to this cohort."), code="duplicate")
    answers = clean_answers(cohort.audience, answers)
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(cohort=cohort, user=user, organisation=organisation,
                                                 answers=answers, applied_at=moment)
    except IntegrityError:
        raise ValidationError(_("You have already applied to this cohort."), code="duplicate") from None
    log(enrolment, "seedbed.training.enrolment.applied", user=user,
        data={"organisation": organisation.pk if organisation else None})
    return enrolment


@transaction.atomic
def decide(enrolment, decision, user, moment=None):
    """Staff accept, waitlist or reject. Accepting never takes more places than the cohort
    has; repeating the same decision changes nothing."""
    moment = moment or timezone.now()
    cohort, enrolment = _lock(enrolment)
    if decision not in DECISIONS:
        raise ValidationError(_("Choose accept, waiting list or reject."))
    if enrolment.state == decision:
        return enrolment
    if decision not in TRANSITIONS[enrolment.state]:
        raise ValidationError(_("This enrolment is “%(state)s” and cannot be changed that way.") % {
            "state": enrolment.get_state_display()})
    if decision == State.ACCEPTED and _free_places(cohort) <= 0:
        raise ValidationError(_("The cohort is full (%(capacity)s places): put this person on the waiting "
                                "list instead.") % {"capacity": cohort.capacity}, code="full")
    _move(enrolment, decision, user, moment)
    _tell(enrolment, "training_decision")
    return enrolment


@transaction.atomic
def withdraw(enrolment, user, moment=None):
    """The trainee gives up their application or place; a freed place is offered on."""
    moment = moment or timezone.now()
    cohort, enrolment = _lock(enrolment)
    if enrolment.state == State.WITHDRAWN:
        return enrolment
    if State.WITHDRAWN not in TRANSITIONS[enrolment.state]:
        raise ValidationError(_("This enrolment is “%(state)s” and can no longer be withdrawn.") % {
            "state": enrolment.get_state_display()})
    _move(enrolment, State.WITHDRAWN, user, moment)
    _offer_free_places(cohort, moment)
    return enrolment


@transaction.atomic
def confirm_offer(enrolment, user, moment=None):
    """The trainee takes the place offered to them, if the offer is still open."""
    moment = moment or timezone.now()
    cohort, enrolment = _lock(enrolment)
    if enrolment.state == State.ACCEPTED:
        return enrolment
    if enrolment.state != State.OFFERED or enrolment.offer_expires_at <= moment:
        raise ValidationError(_("This offer is no longer open."), code="lapsed")
    _move(enrolment, State.ACCEPTED, user, moment, action="seedbed.training.enrolment.confirmed")
    return enrolment


def _offer_free_places(cohort, moment):
    """Offer each free place to the longest-waiting person (the cohort is locked)."""
    free = _free_places(cohort)
    if free <= 0:
        return
    waiting = cohort.enrolments.select_for_update().filter(state=State.WAITLISTED).select_related("user")
    for enrolment in waiting.order_by("waitlisted_at", "pk")[:free]:
        enrolment.cohort = cohort
        _move(enrolment, State.OFFERED, None, moment)
        _tell(enrolment, "training_offer")


def sweep_offers(moment=None):
    """Offers not confirmed in time pass to the next person waiting. Run lazily by the pages
    that show places, and by every sweep (`manage.py sweep_tasks`); cheap when there is nothing to do.
    Returns the number of offers that lapsed."""
    moment = moment or timezone.now()
    cohorts = set(Enrolment.objects.filter(state=State.OFFERED, offer_expires_at__lte=moment)
                  .values_list("cohort_id", flat=True))
    lapsed = 0
    for cohort_id in cohorts:
        with transaction.atomic():
            cohort = Cohort.objects.select_for_update().get(pk=cohort_id)
            expired = cohort.enrolments.select_for_update().filter(
                state=State.OFFERED, offer_expires_at__lte=moment)
            for enrolment in expired:
                enrolment.cohort = cohort
                _move(enrolment, State.WITHDRAWN, None, moment, action="seedbed.training.offer.lapsed")
                lapsed += 1
            _offer_free_places(cohort, moment)
    return lapsed


# -- attendance -------------------------------------------------------------------------

def _record(session, enrolment, status, user, method, moment):
    attendance, created = Attendance.objects.select_for_update().get_or_create(
        session=session, enrolment=enrolment,
        defaults={"status": status, "method": method, "recorded_at": moment, "recorded_by": user})
    if not created and attendance.status != status:
        previous = attendance.status
        attendance.status, attendance.method = status, method
        attendance.recorded_at, attendance.recorded_by = moment, user
        attendance.save()
        log(enrolment, "seedbed.training.attendance.recorded", user=user,
            data={"session": session.pk, "from": previous, "to": status, "method": method})
    elif created:
        log(enrolment, "seedbed.training.attendance.recorded", user=user,
            data={"session": session.pk, "to": status, "method": method})
    return attendance


@transaction.atomic
def mark_attendance(session, enrolment, status, user, moment=None):
    """Staff or the trainer mark attendance by hand, for people without a phone."""
    if status not in Attendance.Status.values:
        raise ValidationError(_("Choose present, late, excused or absent."))
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.cohort_id != session.cohort_id or enrolment.state not in Enrolment.ENROLLED:
        raise ValidationError(_("This person is not a trainee of the session's cohort."))
    return _record(session, enrolment, status, user, Attendance.Method.BY_HAND, moment or timezone.now())


@transaction.atomic
def check_in(code, user, moment=None):
    """A trainee checks in with the code on the screen. Refuses forged and expired codes,
    and people who are not trainees of the session's cohort."""
    moment = moment or timezone.now()
    session = checkin.session_for_code(code, moment)
    enrolment = Enrolment.objects.select_for_update().filter(
        cohort=session.cohort_id, user=user, state__in=Enrolment.ENROLLED).first()
    if enrolment is None:
        raise ValidationError(_("You are not a trainee of this cohort, so you cannot check in to its session."),
                              code="not_trainee")
    existing = enrolment.attendances.filter(session=session).first()
    if existing and existing.status in Attendance.ATTENDED:
        return existing
    late = moment > session.starts_at + checkin.LATE_AFTER
    status = Attendance.Status.LATE if late else Attendance.Status.PRESENT
    return _record(session, enrolment, status, user, Attendance.Method.CHECK_IN, moment)


@transaction.atomic
def set_assignments(enrolment, count, user):
    enrolment = Enrolment.objects.select_for_update().select_related("cohort").get(pk=enrolment.pk)
    if not 0 <= count <= enrolment.cohort.required_assignments:
        raise ValidationError(_("Enter a number from 0 to %(required)s.") % {
            "required": enrolment.cohort.required_assignments})
    if enrolment.assignments_done != count:
        log(enrolment, "seedbed.training.assignments.recorded", user=user,
            data={"from": enrolment.assignments_done, "to": count})
        enrolment.assignments_done = count
        enrolment.save(update_fields=["assignments_done"])
    return enrolment


@transaction.atomic
def record_completions(cohort, user, moment=None):
    """Mark every accepted trainee who meets the completion rule as completed. Returns them."""
    moment = moment or timezone.now()
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    completed = []
    for enrolment in cohort.enrolments.select_for_update().filter(state=State.ACCEPTED):
        enrolment.cohort = cohort
        if progress_for(enrolment).meets_rule:
            _move(enrolment, State.COMPLETED, user, moment)
            completed.append(enrolment)
    return completed


@transaction.atomic
def add_material(session, user, uploaded):
    """A handout for the session's trainees, checked by its real type and size."""
    content_type = check_upload(uploaded)
    material = Material(session=session, name=uploaded.name[:200], content_type=content_type,
                        size=uploaded.size, uploaded_by=user)
    material.file.save(uploaded.name, uploaded, save=False)
    material.save()
    log(session.cohort, "seedbed.training.material.added", user=user,
        data={"session": session.pk, "name": material.name})
    return material
