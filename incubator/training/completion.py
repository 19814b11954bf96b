"""The completion rule: attendance over all of the cohort's sessions, and required assignments.

Attendance counts present and late; an excused absence is still an absence. A trainee is at
risk once they can no longer complete (even attending every remaining session), or when they
have attended less of the sessions held so far than the rule asks.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Progress:
    attended: int  # sessions attended (present or late)
    held: int  # sessions that have started
    total: int  # all of the cohort's sessions
    min_attendance: int  # percent
    assignments_done: int
    assignments_required: int

    @property
    def remaining(self):
        return self.total - self.held

    @property
    def attendance_pct(self):
        # Whole percent, half up, in integers (round() would take 12.5 to 12).
        return (200 * self.attended + self.total) // (2 * self.total) if self.total else 0

    def _enough(self, attended):
        # Integer arithmetic: 8 of 10 at 80% is enough, 7 of 9 (77.8%) is not.
        return self.total > 0 and attended * 100 >= self.min_attendance * self.total

    @property
    def meets_attendance(self):
        return self._enough(self.attended)

    @property
    def meets_assignments(self):
        return self.assignments_done >= self.assignments_required

    @property
    def meets_rule(self):
        return self.meets_attendance and self.meets_assignments

    @property
    def can_still_complete(self):
        return self._enough(self.attended + self.remaining)

    @property
    def at_risk(self):
        if self.meets_rule:
            return False
        if not self.can_still_complete:
            return True
        behind = self.held and self.attended * 100 < self.min_attendance * self.held
        return bool(behind or (self.remaining == 0 and not self.meets_assignments))

    @property
    def label(self):
        if self.meets_rule:
            return _("Meets the completion rule")
        if not self.can_still_complete:
            return _("Can no longer complete")
        if self.at_risk:
            return _("At risk")
        return _("On track")


def progress_for(enrolment, sessions=None, attended=None, moment=None):
    """Progress of one enrolment. Pass the cohort's sessions and the enrolment's attended
    session ids when listing many, to keep the page's queries constant."""
    from incubator.training.models import Attendance

    moment = moment or timezone.now()
    cohort = enrolment.cohort
    if sessions is None:
        sessions = list(cohort.sessions.all())
    if attended is None:
        attended = set(enrolment.attendances.filter(status__in=Attendance.ATTENDED)
                       .values_list("session_id", flat=True))
    return Progress(
        attended=sum(1 for session in sessions if session.pk in attended),
        held=sum(1 for session in sessions if session.starts_at <= moment),
        total=len(sessions), min_attendance=cohort.min_attendance,
        assignments_done=enrolment.assignments_done,
        assignments_required=cohort.required_assignments)
