"""Progress and final reports of awards, with results against the proposal's indicators."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from core.models import PrivateFile
from core.storage import private_storage
from grants.funding.models import Award
from grants.proposals.models import Indicator


class Report(models.Model):
    """The holder's account of the project at mid-term or at its end. Staff approve it, or
    return it with a note; an approved report releases the tranches that wait for it."""

    class Kind(models.TextChoices):
        MIDTERM = "midterm", _("Mid-term report")
        FINAL = "final", _("Final report")

    class Status(models.TextChoices):
        DUE = "due", pgettext_lazy("report status", "Due")
        SUBMITTED = "submitted", pgettext_lazy("report status", "Submitted")
        RETURNED = "returned", pgettext_lazy("report status", "Returned for changes")
        APPROVED = "approved", pgettext_lazy("report status", "Approved")

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("report"), max_length=10, choices=Kind.choices)
    due_on = models.DateField(_("due on"))
    status = FSMField(_("status"), default=Status.DUE, choices=Status.choices)
    narrative = models.TextField(_("what was done"), blank=True, help_text=_(
        "Activities, who took part, what changed, problems met and how they were handled."))
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    staff_note = models.TextField(_("note from staff"), blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["award", "due_on"]
        constraints = [models.UniqueConstraint(fields=["award", "kind"], name="one_report_of_each_kind")]

    def __str__(self):
        return f"{self.award} · {self.get_kind_display()}"

    def is_overdue(self, today):
        """Still the holder's to write (due, or returned to them) after its due date, on an
        award that has not ended."""

        return (self.status in (self.Status.DUE, self.Status.RETURNED) and self.due_on < today
                and self.award.status in (self.award.Status.CONTRACTING, self.award.Status.ACTIVE))

    @property
    def is_editable(self):
        return self.status in (self.Status.DUE, self.Status.RETURNED)

    @transition(field=status, source=[Status.DUE, Status.RETURNED], target=Status.SUBMITTED)
    def submit(self, user, moment):
        self.submitted_by, self.submitted_at = user, moment

    @transition(field=status, source=Status.SUBMITTED, target=Status.APPROVED)
    def approve(self, user, moment):
        self.decided_by, self.decided_at = user, moment

    @transition(field=status, source=Status.SUBMITTED, target=Status.RETURNED)
    def return_for_changes(self, user, moment):
        self.decided_by, self.decided_at = user, moment


class IndicatorResult(models.Model):
    """What a report says was achieved against one of the proposal's indicators (cumulative
    to the report's date)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="results")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="results")
    actual = models.DecimalField(_("achieved"), max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["report", "indicator__position", "indicator__pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="one_result_per_indicator"),
            models.CheckConstraint(condition=models.Q(actual__gte=0) | models.Q(actual__isnull=True),
                                   name="result_not_negative"),
        ]


def evidence_path(evidence, filename):
    return f"reports/{evidence.report_id}/{filename}"


class ReportEvidence(PrivateFile):
    """A photo, sign-in sheet or receipt attached to a report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, storage=private_storage, max_length=255)

    class Meta(PrivateFile.Meta):
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
