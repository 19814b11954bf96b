"""From a submitted proposal to a recorded determination: screening, reviewer assignment,
conflicts of interest, scoring, aggregation and decisions.

Every change goes through `_transition`: lock the proposal, check the state machine allows the
step (django-fsm raises otherwise), save, write the audit entry with from/to/comment.
"""

import statistics
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed
from wagtail.log_actions import log

from core import mail
from core.money import yuan
from grants.proposals.models import Proposal
from grants.review import queues
from grants.review.models import ConflictOfInterest, DeterminationTemplate, Review, ReviewAssignment
from incubator.accounts import permissions as people
from incubator.accounts.models import User
from incubator.organisations.models import Membership

# Reviewers "disagree strongly" when their weighted totals are this many points apart (0–100).
DISAGREEMENT_POINTS = Decimal("25")
REVIEW_DAYS = 14  # default time a reviewer gets


class IllegalTransition(ValidationError):
    pass


def _transition(proposal, user, method, action, comment="", fields=(), **data):
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    previous = locked.status
    try:
        getattr(locked, method)()
    except TransitionNotAllowed:
        raise IllegalTransition(
            _("A proposal that is “%(status)s” cannot be %(step)s.") % {
                "status": locked.get_status_display(), "step": STEP_NAMES[method]()})
    locked.save(update_fields=["status", "updated_at", *fields])
    log(locked, f"seedbed.proposal.{action}", user=user,
        data={"from": previous, "to": locked.status, "comment": comment, **data})
    return locked


STEP_NAMES = {
    "begin_screening": lambda: _("taken into screening"),
    "pass_screening": lambda: _("passed to review"),
    "screen_out": lambda: _("screened out"),
    "request_more_info": lambda: _("returned for more information"),
    "approve": lambda: _("approved"),
    "reject": lambda: _("rejected"),
    "waitlist": lambda: _("waitlisted"),
}


def _require_staff(user):
    if not people.is_staff_member(user):
        raise ValidationError(_("Only staff can do this."))


# -- screening -----------------------------------------------------------------------------
@dataclass
class EligibilityCheck:
    label: str
    passed: bool
    detail: str = ""


def eligibility_checklist(proposal):
    """The call's eligibility list, evaluated for this proposal, for the screening page."""

    call, organisation = proposal.call, proposal.organisation
    return [EligibilityCheck(rule, passed, detail) for rule, passed, detail, _why in call.eligibility(organisation)] + [
        EligibilityCheck(_("Amount within the call's limits"), call.grant_within_limits(proposal.requested_amount),
                         yuan(proposal.requested_amount)),
        EligibilityCheck(_("Project dates within the call's window"),
                         call.dates_within_window(proposal.starts_on, proposal.ends_on),
                         " – ".join(date_format(day) if day else "—" for day in (proposal.starts_on, proposal.ends_on))),
    ]


@transaction.atomic
def begin_screening(proposal, user):
    _require_staff(user)
    return _transition(proposal, user, "begin_screening", "screening_started")


@transaction.atomic
def pass_screening(proposal, user, comment=""):
    _require_staff(user)
    return _transition(proposal, user, "pass_screening", "screened_in", comment)


@transaction.atomic
def screen_out(proposal, user, reason):
    _require_staff(user)
    if not reason.strip():
        raise ValidationError({"message": _("Give the reason: the applicant sees it.")})
    return _decide(proposal, user, "screen_out", DeterminationTemplate.Outcome.SCREENED_OUT, reason)


# -- decisions the applicant is told about -------------------------------------------------
OUTCOME_METHODS = {
    DeterminationTemplate.Outcome.APPROVED: "approve",
    DeterminationTemplate.Outcome.REJECTED: "reject",
    DeterminationTemplate.Outcome.WAITLISTED: "waitlist",
    DeterminationTemplate.Outcome.MORE_INFO: "request_more_info",
}


@transaction.atomic
def determine(proposal, user, outcome, note=""):
    """Record approved / rejected / waitlisted / more information, and tell the applicant."""

    _require_staff(user)
    if outcome not in OUTCOME_METHODS:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if outcome == DeterminationTemplate.Outcome.MORE_INFO and not note.strip():
        raise ValidationError({"message": _("Say what information is needed: the applicant sees it.")})
    return _decide(proposal, user, OUTCOME_METHODS[outcome], outcome, note)


def determine_many(proposals, user, outcome, note=""):
    """Batch decisions: each proposal in its own transaction; returns (done, refused)."""
    done, refused = [], []
    for proposal in proposals:
        try:
            done.append(determine(proposal, user, outcome, note))
        except ValidationError as error:
            refused.append((proposal, " ".join(error.messages)))
    return done, refused


def decision_message(proposal, outcome, note, language):
    """(subject, body) from the outcome's editable template in `language`, plus staff's note."""
    template = DeterminationTemplate.objects.filter(outcome=outcome).first()
    english = language.startswith("en")
    values = {"title": proposal.title, "reference": proposal.reference or "",
              "organisation": proposal.organisation.name_en if english and proposal.organisation.name_en
              else proposal.organisation.name_zh, "call": proposal.call.title}
    if template is None:
        with translation.override(language):
            subject = _("Decision on your proposal %(reference)s") % values
        body = ""
    else:
        subject = (template.subject_en if english else template.subject_zh).format_map(_Blank(values))
        body = (template.body_en if english else template.body_zh).format_map(_Blank(values))
    return subject, "\n\n".join(part for part in (body.strip(), note.strip()) if part)


class _Blank(dict):
    """Unknown {placeholders} in a template staff edited stay as typed instead of failing."""

    def __missing__(self, key):
        return "{" + key + "}"


def _decide(proposal, user, method, outcome, note):
    locked = _transition(proposal, user, method, f"determined.{outcome}", note.strip())
    locked.decision_message = note.strip()
    locked.decided_at = timezone.now()
    locked.save(update_fields=["decision_message", "decided_at"])
    _tell_applicants(locked, outcome, note)
    return locked


def _tell_applicants(proposal, outcome, note):
    url = mail.absolute_url(reverse("proposals:detail", args=[proposal.pk]))
    recipients = {proposal.created_by} if proposal.created_by else set()
    recipients |= {m.user for m in proposal.organisation.memberships.filter(role=Membership.Role.ADMIN)
                   .select_related("user")}
    for person in recipients:
        language = mail.language_for(person)
        subject, body = decision_message(proposal, outcome, note, language)
        mail.send("proposal_decision", person.email,
                  {"user": person, "proposal": proposal, "subject": subject, "body": body, "url": url},
                  language)


# -- reviewers -----------------------------------------------------------------------------
def reviewers():
    return User.objects.filter(is_active=True, groups__name=people.REVIEWER).distinct()


def assignment_problem(proposal, reviewer):
    """Why this reviewer may not review this proposal, or None."""
    if not people.is_reviewer(reviewer):
        return _("%(person)s is not an expert reviewer.") % {"person": reviewer}
    if Membership.objects.filter(user=reviewer, organisation=proposal.organisation_id).exists():
        return _("%(person)s belongs to the applicant organisation.") % {"person": reviewer}
    if ConflictOfInterest.objects.filter(reviewer=reviewer, organisation=proposal.organisation_id).exists():
        return _("%(person)s has declared a conflict of interest with this organisation.") % {"person": reviewer}
    if ReviewAssignment.objects.filter(proposal=proposal, reviewer=reviewer).exists():
        return _("%(person)s is already assigned to this proposal.") % {"person": reviewer}
    return None


@transaction.atomic
def assign_reviewer(proposal, reviewer, user, due_on=None):
    _require_staff(user)
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != Proposal.Status.IN_REVIEW:
        raise IllegalTransition(_("Reviewers are assigned once a proposal has passed screening."))
    problem = assignment_problem(locked, reviewer)
    if problem:
        raise ValidationError({"reviewer": problem})
    due_on = due_on or timezone.localdate() + timedelta(days=REVIEW_DAYS)
    assignment = ReviewAssignment.objects.create(proposal=locked, reviewer=reviewer, assigned_by=user, due_on=due_on)
    log(locked, "seedbed.proposal.reviewer_assigned", user=user,
        data={"reviewer": reviewer.email, "due_on": str(due_on)})
    mail.send_to_user("review_assigned", reviewer, {
        "assignment": assignment,
        "url": mail.absolute_url(reverse("review:detail", args=[assignment.pk]))})
    return assignment


def open_load():
    """Each reviewer's number of assignments still to do."""
    return dict(reviewers().annotate(
        load=Count("assignments", filter=Q(assignments__status=ReviewAssignment.Status.ASSIGNED)))
        .values_list("pk", "load"))


def auto_assign(proposals, user, due_on=None):
    """Give each proposal in review the reviewers its call asks for, spreading the work
    evenly: each place goes to the eligible reviewer with the fewest open reviews.
    Returns the new assignments and the proposals that could not be fully staffed."""
    _require_staff(user)
    load = open_load()
    people_by_pk = {person.pk: person for person in reviewers()}
    made, short = [], []
    for proposal in proposals:
        if proposal.status != Proposal.Status.IN_REVIEW:
            continue
        wanted = proposal.call.reviewers_per_proposal - proposal.assignments.exclude(
            status=ReviewAssignment.Status.CONFLICT).count()
        for pk in sorted(load, key=lambda pk: (load[pk], pk)):
            if wanted <= 0:
                break
            if assignment_problem(proposal, people_by_pk[pk]) is None:
                made.append(assign_reviewer(proposal, people_by_pk[pk], user, due_on))
                load[pk] += 1
                wanted -= 1
        if wanted > 0:
            short.append(proposal)
    return made, short


@transaction.atomic
def declare_conflict(assignment, reviewer, has_conflict, note=""):
    """The reviewer's first step. A conflict ends the assignment, is remembered for the
    organisation, and staff are told so they can assign someone else."""
    locked = ReviewAssignment.objects.select_for_update().select_related("proposal").get(pk=assignment.pk)
    if locked.reviewer_id != reviewer.pk or locked.status != ReviewAssignment.Status.ASSIGNED:
        raise ValidationError(_("This review is no longer open."))
    if not has_conflict:
        locked.no_conflict_declared_at = timezone.now()
        locked.save(update_fields=["no_conflict_declared_at"])
        log(locked.proposal, "seedbed.proposal.no_conflict", user=reviewer)
        return locked
    locked.status = ReviewAssignment.Status.CONFLICT
    locked.conflict_note = note.strip()
    locked.save(update_fields=["status", "conflict_note"])
    ConflictOfInterest.objects.get_or_create(
        reviewer=reviewer, organisation_id=locked.proposal.organisation_id, defaults={"note": note.strip()})
    log(locked.proposal, "seedbed.proposal.conflict_declared", user=reviewer, data={"note": note.strip()})
    url = mail.absolute_url(reverse("review:staff_proposal", args=[locked.proposal_id]))
    for person in people.staff_members():
        mail.send_to_user("review_conflict", person, {"assignment": locked, "url": url})
    _refresh_scores(locked.proposal)
    return locked


def _criteria(proposal):
    return [(block.id, block.value) for block in proposal.call.rubric]


def weighted_score(proposal, scores):
    """0–100: each criterion's score as a share of its maximum, weighted by the rubric."""
    total = Decimal("0")
    for criterion_id, criterion in _criteria(proposal):
        score = Decimal(scores[criterion_id]["score"])
        total += Decimal(criterion["weight"]) * score / Decimal(criterion["max_score"])
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def running_total(proposal, scores):
    """The weighted total of the scores given so far, a criterion not scored yet counting 0:
    what the scoring sheet shows of a draft."""
    given = {criterion_id: {"score": (scores.get(criterion_id) or {}).get("score") or 0}
             for criterion_id, _criterion in _criteria(proposal)}
    return weighted_score(proposal, given)


def clean_scores(proposal, raw, complete):
    """Validate {criterion id: {"score", "comment", "shared"}} against the rubric."""
    errors, cleaned = {}, {}
    for criterion_id, criterion in _criteria(proposal):
        entry = raw.get(criterion_id) or {}
        score = entry.get("score")
        if score in (None, ""):
            if complete:
                errors[criterion_id] = _("Score “%(name)s”.") % {"name": criterion["name"]}
        elif not (isinstance(score, int) and 0 <= score <= criterion["max_score"]):
            errors[criterion_id] = _("“%(name)s” takes a whole number from 0 to %(max)s.") % {
                "name": criterion["name"], "max": criterion["max_score"]}
        cleaned[criterion_id] = {"score": score if score not in ("",) else None,
                                 "comment": (entry.get("comment") or "").strip(),
                                 "shared": bool(entry.get("shared"))}
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def save_review(assignment, reviewer, scores, comment="", comment_shared=False, recommendation="", submit=False):
    locked = ReviewAssignment.objects.select_for_update().select_related("proposal__call").get(pk=assignment.pk)
    if locked.reviewer_id != reviewer.pk or locked.status != ReviewAssignment.Status.ASSIGNED:
        raise ValidationError(_("This review is no longer open."))
    if locked.no_conflict_declared_at is None:
        raise ValidationError(_("Declare first whether you have a conflict of interest."))
    if locked.proposal.status != Proposal.Status.IN_REVIEW:
        raise ValidationError(_("This proposal is no longer in review."))
    errors = {}
    try:
        cleaned = clean_scores(locked.proposal, scores, complete=submit)
    except ValidationError as error:
        errors.update(error.message_dict)
    if submit and not recommendation:
        errors["recommendation"] = [_("Choose a recommendation.")]
    if errors:  # every missing or wrong item at once
        raise ValidationError(errors)
    review, _created = Review.objects.get_or_create(assignment=locked)
    review.scores, review.comment, review.comment_shared = cleaned, comment.strip(), comment_shared
    review.recommendation = recommendation
    if submit:
        review.weighted_score = weighted_score(locked.proposal, cleaned)
        review.submitted_at = timezone.now()
        locked.status = ReviewAssignment.Status.DONE
        locked.save(update_fields=["status"])
    review.save()
    if submit:
        log(locked.proposal, "seedbed.proposal.review_submitted", user=reviewer,
            data={"score": str(review.weighted_score), "recommendation": recommendation})
        _refresh_scores(locked.proposal)
    return review


# -- aggregation ---------------------------------------------------------------------------
@dataclass
class CriterionSummary:
    name: str
    weight: Decimal
    max_score: int
    scores: list = field(default_factory=list)

    @property
    def mean(self):
        return statistics.fmean(self.scores) if self.scores else None

    @property
    def spread(self):
        """Population standard deviation: how far reviewers are from each other."""
        return statistics.pstdev(self.scores) if len(self.scores) > 1 else 0.0


@dataclass
class Aggregate:
    criteria: list
    totals: list  # each submitted review's weighted total

    @property
    def score(self):
        if not self.totals:
            return None
        return (sum(self.totals) / len(self.totals)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def disagreement(self):
        return len(self.totals) > 1 and max(self.totals) - min(self.totals) >= DISAGREEMENT_POINTS


def aggregate(proposal):
    reviews = [r for r in Review.objects.filter(assignment__proposal=proposal, submitted_at__isnull=False)]
    criteria = []
    for criterion_id, criterion in _criteria(proposal):
        summary = CriterionSummary(criterion["name"], criterion["weight"], criterion["max_score"])
        summary.scores = [r.scores[criterion_id]["score"] for r in reviews if criterion_id in r.scores]
        criteria.append(summary)
    return Aggregate(criteria, [r.weighted_score for r in reviews])


def _refresh_scores(proposal):
    summary = aggregate(proposal)
    Proposal.objects.filter(pk=proposal.pk).update(
        score=summary.score, review_count=len(summary.totals), disagreement=summary.disagreement)


def ranking(call):
    """The call's proposals in review or decided, best weighted score first."""
    return (Proposal.objects.filter(call=call, score__isnull=False)
            .select_related("organisation").order_by("-score", "reference"))


# -- reminders -----------------------------------------------------------------------------
def send_overdue_reminders(today=None):
    """Email each reviewer once a day about their overdue reviews; returns how many were sent."""
    today = today or timezone.localdate()
    overdue = queues.overdue_assignments(today).exclude(reminded_on=today).select_related("reviewer", "proposal")
    by_reviewer = {}
    for assignment in overdue:
        by_reviewer.setdefault(assignment.reviewer, []).append(assignment)
    with transaction.atomic():
        for reviewer, assignments in by_reviewer.items():
            mail.send_to_user("review_overdue", reviewer, {
                "assignments": assignments, "url": mail.absolute_url(reverse("review:dashboard"))})
            ReviewAssignment.objects.filter(pk__in=[a.pk for a in assignments]).update(reminded_on=today)
    return len(by_reviewer)
