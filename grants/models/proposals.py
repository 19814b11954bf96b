"""Calls, proposals, reviews and determinations."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page
from wagtail.search import index

from incubator.models import Community, LocalizedName, Organisation, Street
from incubator.storage import private_storage

from ..blocks import CallDocumentsBlock, QuestionsBlock, RubricBlock

CENT = Decimal("0.01")


def money_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=14, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))], **kwargs)


class Theme(LocalizedName):
    """A field of work calls and projects are grouped by (elderly care, youth, governance…)."""

    class Meta(LocalizedName.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class CallPageForm(WagtailAdminPageForm):
    eligible_kinds = forms.MultipleChoiceField(
        label=_("eligible organisation types"), choices=Organisation.Kind.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every type may apply."))


class CallPage(Page):
    """A call for proposals (项目征集公告). Staff publish it like any page: drafts, scheduled
    publishing, revisions and previews come from Wagtail."""

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    summary = models.TextField(_("summary"), help_text=_("One or two sentences for the call list."))
    body = RichTextField(_("call text"), blank=True)
    themes = ParentalManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="calls")
    total_budget = money_field(_("total budget (yuan)"))
    min_grant = money_field(_("minimum grant (yuan)"))
    max_grant = money_field(_("maximum grant (yuan)"))
    cofunding_share = models.DecimalField(
        _("required co-funding share (%)"), max_digits=5, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Share of a project's total budget the organisation must raise itself; 0 for none."))
    opens_at = models.DateTimeField(_("applications open"))
    closes_at = models.DateTimeField(_("applications close"))
    project_start = models.DateField(_("projects may start on or after"))
    project_end = models.DateField(_("projects must end by"))
    eligible_kinds = models.JSONField(_("eligible organisation types"), default=list, blank=True)
    verified_only = models.BooleanField(
        _("verified organisations only"), default=True,
        help_text=_("Untick only for calls open to organisations still being verified."))
    streets = ParentalManyToManyField(
        Street, verbose_name=_("streets served"), blank=True, related_name="calls",
        help_text=_("Organisations based in these streets / towns may apply. None: the whole district."))
    questions = StreamField(QuestionsBlock(), blank=True, verbose_name=_("application questions"))
    rubric = StreamField(RubricBlock(), blank=True, verbose_name=_("review rubric"))
    reviewers_per_proposal = models.PositiveSmallIntegerField(
        _("reviewers per proposal"), default=3, validators=[MinValueValidator(1), MaxValueValidator(9)])
    blind_review = models.BooleanField(
        _("blind review"), default=False,
        help_text=_("Reviewers never see the organisation's name, people or contact details."))
    documents = StreamField(CallDocumentsBlock(), blank=True, verbose_name=_("documents"))

    base_form_class = CallPageForm
    parent_page_types = ["cms.CallIndexPage"]
    subpage_types = []

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
            FieldRowPanel([FieldPanel("project_start"), FieldPanel("project_end")]),
        ], heading=_("Dates (Beijing time)")),
        MultiFieldPanel([
            FieldPanel("total_budget"),
            FieldRowPanel([FieldPanel("min_grant"), FieldPanel("max_grant")]),
            FieldPanel("cofunding_share"),
        ], heading=_("Money")),
        MultiFieldPanel([
            FieldPanel("eligible_kinds"), FieldPanel("verified_only"),
            FieldPanel("streets", widget=forms.CheckboxSelectMultiple),
        ], heading=_("Eligibility")),
        FieldPanel("questions"),
        MultiFieldPanel([
            FieldPanel("rubric"), FieldPanel("reviewers_per_proposal"), FieldPanel("blind_review"),
        ], heading=_("Review")),
        FieldPanel("documents"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]

    class Meta:
        verbose_name = _("call for proposals")
        verbose_name_plural = _("calls for proposals")

    def clean(self):
        super().clean()
        errors = {}
        if None not in (self.min_grant, self.max_grant) and self.min_grant > self.max_grant:
            errors["max_grant"] = _("The maximum grant cannot be below the minimum grant.")
        if None not in (self.max_grant, self.total_budget) and self.max_grant > self.total_budget:
            errors["max_grant"] = _("The maximum grant cannot exceed the call's total budget.")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("Applications must close after they open.")
        if self.project_start and self.project_end and self.project_end <= self.project_start:
            errors["project_end"] = _("Projects must end after they may start.")
        weights = [criterion.value["weight"] for criterion in self.rubric or []]
        if weights and sum(weights) != 100:
            errors["rubric"] = _("The rubric's weights add up to %(total)s%%; they must add up to 100%%.") % {
                "total": sum(weights)}
        if errors:
            raise ValidationError(errors)

    # -- reading the call ------------------------------------------------------------------
    @property
    def source(self):
        """The call in the default language: proposals belong to it, whichever translation
        the applicant applied through."""
        if self.locale_id == Locale.get_default().pk:
            return self
        return (self.get_translation_or_none(Locale.get_default()) or self).specific

    def status_at(self, moment):
        if moment < self.opens_at:
            return self.Status.UPCOMING
        if moment < self.closes_at:
            return self.Status.OPEN
        return self.Status.CLOSED

    @property
    def status(self):
        return self.status_at(timezone.now())

    @property
    def status_label(self):
        return self.Status(self.status).label

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    def time_left(self):
        """(days, hours) until the deadline, or None once closed."""
        remaining = self.closes_at - timezone.now()
        if remaining.total_seconds() <= 0:
            return None
        return remaining.days, remaining.seconds // 3600

    def eligible_kind_labels(self):
        return [Organisation.Kind(kind).label for kind in self.eligible_kinds]

    def question_blocks(self):
        return list(self.source.questions)

    def eligibility_problem(self, organisation):
        """Why this organisation may not apply (a translated sentence), or None."""
        if self.verified_only and not organisation.is_verified:
            if organisation.status == Organisation.Status.REJECTED:
                return _("%(name)s was not verified; correct its record and ask for verification again.") % {
                    "name": organisation.name}
            return _("%(name)s is waiting for staff to verify it.") % {"name": organisation.name}
        if self.eligible_kinds and organisation.kind not in self.eligible_kinds:
            return _("This call is not open to organisations of the type “%(kind)s”.") % {
                "kind": organisation.get_kind_display()}
        streets = self.source.streets.all()
        if streets and organisation.street not in streets:
            return _("This call only serves %(streets)s.") % {
                "streets": "、".join(street.name for street in streets)}
        return None

    def get_context(self, request, *args, **kwargs):
        from ..permissions import apply_options

        context = super().get_context(request, *args, **kwargs)
        context["apply"] = apply_options(request.user, self)
        return context


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
    # Character bigrams of the searchable text (see grants/search.py).
    search_text = models.TextField(blank=True, editable=False)
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
        """What happens next, as the applicant's dashboard tells it."""
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

    # Transitions: called only by grants.services, which lock, check, log and notify.
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
        return sum((line.subtotal for line in self.budget_lines.all()), Decimal("0"))

    @property
    def project_total(self):
        return (self.requested_amount or Decimal("0")) + (self.cofunding_amount or Decimal("0"))


class BudgetLine(models.Model):
    class Category(models.TextChoices):
        PERSONNEL = "personnel", _("Personnel (人员费)")
        ACTIVITIES = "activities", _("Activities (活动费)")
        MATERIALS = "materials", _("Materials (物资费)")
        VENUE = "venue", _("Venue (场地费)")
        PUBLICITY = "publicity", _("Publicity (宣传费)")
        TRAINING = "training", _("Training (培训费)")
        ADMINISTRATION = "administration", _("Administration (管理费)")
        OTHER = "other", _("Other (其他)")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="budget_lines")
    # Blank is allowed while the proposal is a draft; submitting checks every line is complete.
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    item = models.CharField(_("item"), max_length=200, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = money_field(_("unit price (yuan)"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0) | Q(quantity__isnull=True),
                                   name="budget_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0) | Q(unit_price__isnull=True),
                                   name="budget_price_not_negative"),
        ]

    @property
    def is_complete(self):
        return bool(self.category and self.item and self.unit) and None not in (self.quantity, self.unit_price)

    @property
    def subtotal(self):
        if None in (self.quantity, self.unit_price):
            return Decimal("0.00")
        return (self.quantity * self.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


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


class PrivateFile(models.Model):
    """What is kept about an uploaded file that only permitted readers may download: the
    file itself lives in private storage (subclasses say where) and is streamed by a view."""

    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.name


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
