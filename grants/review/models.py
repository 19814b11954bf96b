"""Reviews: assignments, conflicts of interest, scores and the determination messages."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grants.proposals.models import Proposal
from incubator.organisations.models import Organisation


class ReviewAssignment(models.Model):
    """A reviewer asked to score one proposal. The reviewer first declares whether they have a
    conflict of interest; a conflict ends the assignment."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        CONFLICT = "conflict", _("Conflict declared")
        DONE = "done", _("Review submitted")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ASSIGNED,
                              db_index=True)
    no_conflict_declared_at = models.DateTimeField(null=True, blank=True)
    conflict_note = models.TextField(_("conflict of interest"), blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="one_assignment_per_reviewer"),
        ]

    def is_overdue(self, today):
        return self.status == self.Status.ASSIGNED and self.due_on < today


class ConflictOfInterest(models.Model):
    """A reviewer's declared conflict with an organisation: they are never assigned its
    proposals again."""

    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="reviewer_conflicts")
    note = models.TextField(blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "organisation"], name="one_conflict_per_pair"),
        ]


class Review(models.Model):
    """One reviewer's scores for one proposal, criterion by criterion of the call's rubric.

    `scores` maps each rubric criterion's block id to {"score": int, "comment": str,
    "shared": bool}; shared comments reach the applicant, without the reviewer's name."""

    class Recommendation(models.TextChoices):
        FUND = "fund", pgettext_lazy("recommendation", "Fund")
        FUND_WITH_CHANGES = "fund_with_changes", _("Fund with changes")
        DO_NOT_FUND = "do_not_fund", _("Do not fund")

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="review")
    scores = models.JSONField(default=dict, blank=True)
    comment = models.TextField(_("overall comment"), blank=True)
    comment_shared = models.BooleanField(_("share the overall comment with the applicant"), default=False)
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation.choices,
                                      blank=True)
    weighted_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class DeterminationTemplate(models.Model):
    """The message staff start from when they record an outcome, in both languages."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not funded")
        WAITLISTED = "waitlisted", _("Waitlisted")
        MORE_INFO = "more_info", _("More information requested")
        SCREENED_OUT = "screened_out", _("Screened out")

    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, unique=True)
    subject_zh = models.CharField(_("subject (Chinese)"), max_length=200)
    body_zh = models.TextField(_("message (Chinese)"))
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_en = models.TextField(_("message (English)"))

    class Meta:
        verbose_name = _("decision message template")
        verbose_name_plural = _("decision message templates")
        ordering = ["outcome"]

    def __str__(self):
        return self.get_outcome_display()
