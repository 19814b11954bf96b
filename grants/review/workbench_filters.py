"""The staff workbench's filters and sort orders (grants/review/workbench.py lists and exports with them)."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.coreutils import get_supported_content_language_variant

from core.fields import IdChoiceFilter
from core.search import search, tokens
from grants.review.filter_choices import FastSelect, use_cached_choices
from grants.calls.models import CallPage, Theme
from grants.proposals.models import Proposal
from grants.review import queues
from incubator.accounts import permissions as people
from incubator.accounts.models import User
from incubator.places.models import Street

# ?sort= value -> ORDER BY. Unscored proposals come last either way; the primary key breaks
# ties so that pages never overlap or skip a row. Every listed (submitted) proposal has a
# submission time, so that order is plain and walks the index on submitted_at (PostgreSQL
# would not use it for "DESC NULLS LAST").
SORTS = {
    "-submitted_at": ("-submitted_at", "-pk"),
    "submitted_at": ("submitted_at", "pk"),
    "-score": (F("score").desc(nulls_last=True), "-pk"),
    "score": (F("score").asc(nulls_last=True), "pk"),
    "-requested_amount": (F("requested_amount").desc(nulls_last=True), "-pk"),
    "requested_amount": (F("requested_amount").asc(nulls_last=True), "pk"),
    "reference": ("reference", "pk"),
    "-reference": ("-reference", "-pk"),
    "title": ("title", "pk"),
    "-title": ("-title", "-pk"),
}
DEFAULT_SORT = "-submitted_at"
SORT_CHOICES = [
    ("-submitted_at", _("Newest submitted first")),
    ("submitted_at", _("Oldest submitted first")),
    ("-score", _("Highest score first")),
    ("score", _("Lowest score first")),
    ("-requested_amount", _("Largest amount first")),
    ("requested_amount", _("Smallest amount first")),
    ("reference", _("Reference (A–Z)")),
    ("-reference", _("Reference (Z–A)")),
    ("title", _("Title (A–Z)")),
    ("-title", _("Title (Z–A)")),
]
assert {value for value, _label in SORT_CHOICES} == SORTS.keys()

# The staff work queue's links (portal/work_queue.py) land on these.
QUEUE_CHOICES = [
    ("overdue_reviews", _("With overdue reviews")),
    ("to_decide", _("Reviews complete, awaiting a decision")),
]

STATUS_CHOICES = [(value, label) for value, label in Proposal.Status.choices if value != Proposal.Status.DRAFT]


def default_locale_calls(request):
    """Proposals belong to a call's page in the default language, whichever translation the
    applicant applied through: those pages are the ones to choose from."""

    return CallPage.objects.filter(
        locale__language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    ).order_by("-opens_at", "pk")


def reviewers(request):
    return User.objects.filter(groups__name=people.REVIEWER).order_by("name", "email").distinct()


def beijing_midnight(day):
    """The moment a date starts in Beijing time (the district's time zone)."""

    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


class ProposalFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("score_min"), cleaned.get("score_max")
        if low is not None and high is not None and low > high:
            self.add_error("score_max", _("The highest score cannot be below the lowest score."))
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", _("The end date cannot be before the start date."))
        return cleaned


class ProposalFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_search", max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Words from the title, summary, organisation or reference number."))
    call = IdChoiceFilter(
        label=_("Call"), queryset=default_locale_calls, empty_label=_("Any call"), widget=FastSelect)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, empty_label=_("Any status"),
                                         widget=FastSelect)
    street = IdChoiceFilter(
        label=_("Street / town"), queryset=Street.objects.order_by("code"), empty_label=_("Any street / town"),
        widget=FastSelect)
    theme = IdChoiceFilter(
        label=_("Theme"), field_name="themes", queryset=Theme.objects.order_by("code"),
        empty_label=_("Any theme"), widget=FastSelect)
    queue = django_filters.ChoiceFilter(
        label=_("Waiting for staff"), choices=QUEUE_CHOICES, method="filter_queue", empty_label=_("Any"),
        widget=FastSelect)
    organisation = django_filters.CharFilter(
        label=_("Organisation name contains"), method="filter_organisation", max_length=120)
    reviewer = IdChoiceFilter(
        label=_("Reviewer"), queryset=reviewers, method="filter_reviewer", empty_label=_("Any reviewer"),
        widget=FastSelect)
    score_min = django_filters.NumberFilter(
        label=_("Score from"), field_name="score", lookup_expr="gte", min_value=0, max_value=100)
    score_max = django_filters.NumberFilter(
        label=_("Score up to"), field_name="score", lookup_expr="lte", min_value=0, max_value=100)
    submitted_from = django_filters.DateFilter(
        label=_("Submitted from"), method="filter_submitted_from",
        widget=forms.DateInput(attrs={"type": "date"}))
    submitted_to = django_filters.DateFilter(
        label=_("Submitted up to"), method="filter_submitted_to",
        widget=forms.DateInput(attrs={"type": "date"}))
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="filter_sort", empty_label=None, widget=FastSelect)

    class Meta:
        model = Proposal
        fields = ()
        form = ProposalFilterForm

    @property
    def form(self):
        if not hasattr(self, "_form"):
            use_cached_choices(super().form)
        return self._form

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    def filter_queue(self, queryset, name, value):
        if value == "overdue_reviews":
            return queues.with_overdue_reviews(queryset, timezone.localdate())
        return queues.ready_to_decide(queryset)

    def filter_organisation(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(organisation__name_zh__icontains=value) | Q(organisation__name_en__icontains=value))

    def filter_reviewer(self, queryset, name, value):
        # One assignment per proposal and reviewer (a unique constraint): no duplicate rows.
        return queryset.filter(assignments__reviewer=value)

    # Dates are Beijing calendar days, compared as a range on the indexed timestamp.
    def filter_submitted_from(self, queryset, name, value):
        return queryset.filter(submitted_at__gte=beijing_midnight(value))

    def filter_submitted_to(self, queryset, name, value):
        return queryset.filter(submitted_at__lt=beijing_midnight(value + timedelta(days=1)))

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset, with the default when none is given

    @property
    def sort_order(self):
        """The sort order in use: the one asked for, or the default (also when it was invalid)."""
        self.errors  # noqa: B018 -- validates the form once
        value = self.form.cleaned_data.get("sort")
        return value if value in SORTS else DEFAULT_SORT

    @property
    def search_order(self):
        """How search results are ordered, to say so beside them; None when nothing is searched.
        Every result contains every word, so they follow the chosen sort (no relevance rank)."""
        if not (self.form.is_valid() and tokens(self.form.cleaned_data.get("q"))):
            return None
        return dict(SORT_CHOICES)[self.sort_order]

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by(*SORTS[self.sort_order])
