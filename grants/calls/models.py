"""Calls for proposals and the themes they are grouped by."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.contrib import messages
from django.db import models
from django.db.models import Case, F, When
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page
from wagtail.url_routing import RouteResult
from wagtail.search import index

from core.models import LocalizedName
from core.money import money_field
from core.public_cache import cacheable_page
from grants.calls.blocks import CallDocumentsBlock, QuestionsBlock, RubricBlock
from incubator.organisations.models import Organisation
from incubator.places.models import Street


class Theme(LocalizedName):
    """A field of work calls and projects are grouped by (elderly care, youth, governance…)."""

    class Meta(LocalizedName.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class CallPageForm(WagtailAdminPageForm):
    eligible_kinds = forms.MultipleChoiceField(
        label=_("eligible organisation types"), choices=Organisation.Kind.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every type may apply."))

    def clean(self):
        cleaned = super().clean()
        # Drafts may be incomplete; what goes live must be something one can apply to and review.
        if "action-publish" in self.data:
            if "questions" in cleaned and not cleaned["questions"]:
                self.add_error("questions", _("Add at least one application question before publishing: "
                                              "applicants would have nothing to answer."))
            if "rubric" in cleaned and not cleaned["rubric"]:
                self.add_error("rubric", _("Add the scoring criteria before publishing: "
                                           "reviewers would have nothing to score."))
        return cleaned


@cacheable_page(until_next_minute=True)
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
    proposals_per_organisation = models.PositiveSmallIntegerField(
        _("proposals per organisation"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("How many proposals one organisation may have under this call (proposals not funded "
                    "or screened out do not count). Empty: no limit."))
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
    parent_page_types = ["calls.CallIndexPage"]
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
            FieldPanel("eligible_kinds"), FieldPanel("verified_only"), FieldPanel("proposals_per_organisation"),
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

    def eligibility(self, organisation):
        """The call's rules about who may apply, each checked for this organisation:
        [(rule, passed, what the organisation is, why not)]. The one statement of them: the
        Apply button, submission and the screening checklist all read it."""
        streets = list(self.source.streets.all())
        if organisation.status == Organisation.Status.REJECTED:
            unverified = _("%(name)s was not verified; correct its record and ask for verification again.")
        else:
            unverified = _("%(name)s is waiting for staff to verify it.")
        return [
            (_("Organisation verified"), organisation.is_verified or not self.verified_only,
             organisation.get_status_display(), unverified % {"name": organisation.name}),
            (_("Organisation type eligible"), not self.eligible_kinds or organisation.kind in self.eligible_kinds,
             organisation.get_kind_display(),
             _("This call is not open to organisations of the type “%(kind)s”.") % {
                 "kind": organisation.get_kind_display()}),
            (_("Organisation based in a street the call serves"), not streets or organisation.street in streets,
             str(organisation.street),
             _("This call only serves %(streets)s.") % {"streets": "、".join(street.name for street in streets)}),
        ]

    def eligibility_problem(self, organisation):
        """Why this organisation may not apply (a translated sentence), or None."""
        return next((why for _rule, passed, _detail, why in self.eligibility(organisation) if not passed), None)

    def grant_within_limits(self, amount):
        return amount is not None and self.min_grant <= amount <= self.max_grant

    def dates_within_window(self, starts_on, ends_on):
        return bool(starts_on and ends_on and self.project_start <= starts_on <= ends_on <= self.project_end)

    def serve(self, request, *args, missing_language=None, **kwargs):
        if missing_language:
            # Reached through the other language's address (the language switcher, a shared
            # link) before this call was translated: say so and show what exists.
            names = {code: get_language_info(code)["name_translated"]
                     for code in (missing_language, self.locale.language_code)}
            messages.info(request, _("This call has no %(language)s version yet; here it is in %(other)s.") % {
                "language": names[missing_language], "other": names[self.locale.language_code]})
            return redirect(self.url)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from grants.calls.permissions import apply_options

        context = super().get_context(request, *args, **kwargs)
        context["apply"] = apply_options(request.user, self)
        return context


@cacheable_page(until_next_minute=True)
class CallIndexPage(Page):
    """Lists the calls placed under it: open, upcoming and closed, with filters."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["calls.CallPage"]
    max_count_per_parent = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("call index page")

    def route(self, request, path_components):
        try:
            return super().route(request, path_components)
        except Http404:
            call = self._call_in_another_language(path_components)
            if call is None:
                raise
            return RouteResult(call, kwargs={"missing_language": self.locale.language_code})

    def _call_in_another_language(self, path_components):
        """The live call with this address under the other language's call index, if any."""
        if len(path_components) != 1:
            return None
        for index in self.get_translations().live():
            call = CallPage.objects.live().child_of(index).filter(slug=path_components[0]).first()
            if call is not None:
                return call
        return None

    def get_calls(self):
        from grants.calls.models import CallPage

        # Open calls first (nearest deadline first), then upcoming (soonest first), then closed
        # (latest first): what a visitor can still apply to comes before what has passed.
        now = timezone.now()
        return (CallPage.objects.live().child_of(self).prefetch_related("themes")
                .annotate(rank=Case(When(opens_at__gt=now, then=1), When(closes_at__gt=now, then=0), default=2),
                          soon=Case(When(opens_at__gt=now, then=F("opens_at")),
                                    When(closes_at__gt=now, then=F("closes_at"))))
                .order_by("rank", "soon", "-closes_at"))

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        from grants.calls.filters import CallFilter

        context = super().get_context(request, *args, **kwargs)
        calls = CallFilter(request.GET, queryset=self.get_calls(), request=request)
        context["filter"] = calls
        context["calls"] = Paginator(calls.qs, 20).get_page(request.GET.get("page"))
        return context
