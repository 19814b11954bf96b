"""Proposals: answers, budget, indicators, attachments and the snapshots taken at each submission."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.models import PrivateFile
from core.money import money_field, round_money
from core.storage import private_storage
from grants.calls.models import CallPage, Theme
from incubator.organisations.models import Organisation
from incubator.places.models import Community, Street


class ReferenceCounter(models.Model):
    """The last reference number handed out per prefix and year (NA-2026-0042)."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="one_counter_per_year")]


class Proposal(models.Model):
    """An organisation's application to a call. Everything may be blank while it is a draft;
    the submit service checks completeness and the call's rules."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        SCREENING = "screening", _("Screening")
        IN_REVIEW = "in_review", _("In review")
        MORE_INFO = "more_info", _("More information requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not funded")
        WAITLISTED = "waitlisted", _("Waitlisted")
        SCREENED_OUT = "screened_out", _("Screened out")

    # The applicant writes in these states; staff act in the others.
    EDITABLE = (Status.DRAFT, Status.MORE_INFO)
    # Closed without funding: no longer one of the proposals a call's per-organisation limit counts.
    CLOSED_UNFUNDED = (Status.REJECTED, Status.SCREENED_OUT)

    call = models.ForeignKey(CallPage, verbose_name=_("call"), on_delete=models.PROTECT, related_name="proposals")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="proposals")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    title = models.CharField(_("project title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True, help_text=_(
        "What the project does, for whom, and why it is needed."))
    street = models.ForeignKey(
        Street, verbose_name=_("target street / town"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="proposals")
    communities = models.ManyToManyField(
        Community, verbose_name=_("target communities"), blank=True, related_name="proposals")
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="proposals")
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    requested_amount = money_field(_("amount requested (yuan)"), null=True, blank=True)
    cofunding_amount = money_field(_("co-funding (yuan)"), default=Decimal("0"), blank=True, help_text=_(
        "Money the organisation brings from elsewhere (own funds, other donors)."))
    answers = models.JSONField(_("answers"), default=dict, blank=True)

    status = FSMField(_("status"), default=Status.DRAFT, choices=Status.choices, db_index=True)
    reference = models.CharField(_("reference"), max_length=24, unique=True, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Raised by every save: an edit based on an older version is refused, never merged silently.
    version = models.PositiveIntegerField(default=1)
    # Kept up to date by the review services, so the staff list filters and sorts in SQL.
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True,
                                help_text=_("Mean weighted review score, 0–100."))
    review_count = models.PositiveSmallIntegerField(_("reviews"), default=0)
    disagreement = models.BooleanField(_("reviewers disagree"), default=False)
    # What the applicant was last told by staff (screening, more information, determination).
    decision_message = models.TextField(_("message to the applicant"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Character bigrams of the searchable text (see core/search.py).
    search_text = models.TextField(blank=True, editable=False)
    # search_text as a stored tsvector, for PostgreSQL's GIN index: a trigger (migration 0002)
    # writes it whenever search_text is written, whatever the path. NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["call", "status"], name="proposal_call_status"),
            models.Index(fields=["-submitted_at"], name="proposal_submitted_at"),
            models.Index(fields=["score"], name="proposal_score"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status="draft") | Q(reference__isnull=False),
                                   name="submitted_proposal_has_reference"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True)
                                   | Q(ends_on__gte=models.F("starts_on")),
                                   name="proposal_ends_after_start"),
        ]

    def __str__(self):
        return self.reference or self.title or str(_("Untitled proposal"))

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def is_editable(self):
        return self.status in self.EDITABLE

    def next_step(self):
        """What happens next, as the applicant's dashboard and proposal page tell it. Once
        approved, the award (grants.funding, a higher layer, reached through its reverse
        relation) says where the project really is."""

        if self.status == self.Status.APPROVED:
            award = getattr(self, "award", None)  # the reverse one-to-one: None until the award is made
            if award is not None:
                return _award_next_step(award)
        return {
            self.Status.DRAFT: _("Complete and submit it before the call closes."),
            self.Status.SUBMITTED: _("Staff will screen it; you will be emailed about each decision."),
            self.Status.SCREENING: _("Staff are screening it; you will be emailed about each decision."),
            self.Status.IN_REVIEW: _("Expert reviewers are scoring it; you will be emailed the decision."),
            self.Status.MORE_INFO: _("Staff asked for more information: read their message, update the proposal and submit it again."),
            self.Status.APPROVED: _("Approved: staff will contact you about the funding agreement."),
            self.Status.REJECTED: _("Not funded this time; read the feedback for your next application."),
            self.Status.WAITLISTED: _("On the waiting list: funded if money becomes available."),
            self.Status.SCREENED_OUT: _("Screened out: see the reason given."),
        }[self.status]

    # Transitions: called only by the apps' services, which lock, check, log and notify.
    @transition(field=status, source=[Status.DRAFT, Status.MORE_INFO], target=Status.SUBMITTED)
    def submit(self, reference, moment):
        self.reference = self.reference or reference
        self.submitted_at = moment

    @transition(field=status, source=Status.SUBMITTED, target=Status.SCREENING)
    def begin_screening(self):
        pass

    @transition(field=status, source=[Status.SUBMITTED, Status.SCREENING], target=Status.IN_REVIEW)
    def pass_screening(self):
        pass

    @transition(field=status, source=[Status.SUBMITTED, Status.SCREENING], target=Status.SCREENED_OUT)
    def screen_out(self):
        pass

    @transition(field=status, source=[Status.SUBMITTED, Status.SCREENING, Status.IN_REVIEW, Status.WAITLISTED],
                target=Status.MORE_INFO)
    def request_more_info(self):
        pass

    @transition(field=status, source=[Status.IN_REVIEW, Status.WAITLISTED], target=Status.APPROVED)
    def approve(self):
        pass

    @transition(field=status, source=[Status.IN_REVIEW, Status.WAITLISTED], target=Status.REJECTED)
    def reject(self):
        pass

    @transition(field=status, source=Status.IN_REVIEW, target=Status.WAITLISTED)
    def waitlist(self):
        pass

    @property
    def budget_total(self):
        return budget_total(self.budget_lines.all())

    @property
    def project_total(self):
        return (self.requested_amount or Decimal("0")) + (self.cofunding_amount or Decimal("0"))


def _award_next_step(award):
    """The next step of an approved proposal's award, by the award's state: signing, then
    the reports it owes, then nothing. Statuses are compared by value because proposals may
    not import grants.funding (the layers contract)."""

    if award.status == "contracting":
        return _("Approved: staff will contact you to sign the funding agreement.")
    if award.status == "active":
        report = award.reports.filter(status__in=["due", "returned"]).order_by("due_on").first()
        if report is not None and report.status == "returned":
            return _("Under way: your %(report)s was returned; correct it and submit it again.") % {
                "report": report.get_kind_display()}
        if report is not None:
            return _("Under way: submit your %(report)s by %(date)s.") % {
                "report": report.get_kind_display(), "date": date_format(report.due_on)}
        return _("Under way: carry out the project; staff will review the reports you have submitted.")
    if award.status == "completed":
        return _("Completed: the project is closed. Thank you.")
    return _("Ended early: see the reason given on the project page.")


class BudgetLineBase(models.Model):
    """One line of a budget: what is bought, how many, at what unit price.

    A proposal's budget, an award's (copied from it when the award is made) and a variation's
    (kept as JSON: `to_json`, `from_json`) are made of the same lines, and `budget_total`
    counts all of them: the same lines give the same total on every page and in every check."""

    class Category(models.TextChoices):
        PERSONNEL = "personnel", _("Personnel (人员费)")
        ACTIVITIES = "activities", _("Activities (活动费)")
        MATERIALS = "materials", _("Materials (物资费)")
        VENUE = "venue", _("Venue (场地费)")
        PUBLICITY = "publicity", _("Publicity (宣传费)")
        TRAINING = "training", _("Training (培训费)")
        ADMINISTRATION = "administration", _("Administration (管理费)")
        OTHER = "other", _("Other (其他)")

    # Blank is allowed while a proposal is a draft (submitting checks every line is complete);
    # an award's lines must be complete, which its own constraint says.
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    item = models.CharField(_("item"), max_length=200, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = money_field(_("unit price (yuan)"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0) | Q(quantity__isnull=True),
                                   name="%(app_label)s_%(class)s_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0) | Q(unit_price__isnull=True),
                                   name="%(app_label)s_%(class)s_price_not_negative"),
        ]

    @property
    def is_complete(self):
        return bool(self.category and self.item and self.unit) and None not in (self.quantity, self.unit_price)

    @property
    def subtotal(self):
        if None in (self.quantity, self.unit_price):
            return Decimal("0.00")
        return round_money(self.quantity * self.unit_price)

    @staticmethod
    def to_json(lines):
        """Lines as a variation keeps them: [{category, item, quantity, unit, unit_price}], the
        amounts as Decimal strings ("6000.00"), never floats."""
        return [{"category": line.category, "item": line.item, "quantity": _decimal_text(line.quantity),
                 "unit": line.unit, "unit_price": _decimal_text(line.unit_price)} for line in lines]

    @classmethod
    def from_json(cls, lines, **fields):
        """Unsaved lines of this model, in order, from lines in the JSON shape (amounts as
        Decimal strings or Decimals); `fields` are set on each (the award, say)."""
        return [cls(category=line["category"], item=line["item"], quantity=Decimal(str(line["quantity"])),
                    unit=line["unit"], unit_price=Decimal(str(line["unit_price"])), position=number, **fields)
                for number, line in enumerate(lines)]


def _decimal_text(value):
    return None if value is None else str(value)


def budget_total(lines):
    """What budget lines add up to: each line's subtotal, already rounded to the fen, added."""
    return sum((line.subtotal for line in lines), Decimal("0"))


class BudgetLine(BudgetLineBase):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="budget_lines")

    class Meta(BudgetLineBase.Meta):
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")


class Indicator(models.Model):
    """An outcome the organisation promises, with its target; reports later count against it."""

    class Kind(models.TextChoices):
        BENEFICIARIES = "beneficiaries", _("People served (人次)")
        ACTIVITIES = "activities", _("Activities held (场次)")
        VOLUNTEERS = "volunteers", _("Volunteers engaged (人)")
        VOLUNTEER_HOURS = "volunteer_hours", _("Volunteer hours (小时)")
        SATISFACTION = "satisfaction", _("Satisfaction (%)")
        CUSTOM = "custom", _("Other (name it)")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(_("indicator"), max_length=20, choices=Kind.choices, blank=True)
    name = models.CharField(_("name (for “other”)"), max_length=100, blank=True)
    unit = models.CharField(_("unit (for “other”)"), max_length=20, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(Decimal("0"))])
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("outcome indicator")
        verbose_name_plural = _("outcome indicators")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(target__gte=0) | Q(target__isnull=True),
                                   name="indicator_target_not_negative"),
        ]

    @property
    def label(self):
        return self.name if self.kind == self.Kind.CUSTOM else self.get_kind_display()


def attachment_path(attachment, filename):
    return f"proposals/{attachment.proposal_id}/{filename}"


class Attachment(PrivateFile):
    """A file attached to a proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    question = models.CharField(max_length=64, blank=True, help_text="id of the call's file question")
    file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=255)

    class Meta(PrivateFile.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class ProposalSnapshot(models.Model):
    """The proposal as it was at each submission, so staff can see what a resubmission changed."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="snapshots")
    number = models.PositiveSmallIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal", "number"]
        constraints = [models.UniqueConstraint(fields=["proposal", "number"], name="one_snapshot_number")]
