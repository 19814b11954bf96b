"""The public project browser's filters, search, sort orders and facet counts, shared by the
browser page (portal.ProjectIndexPage) and the JSON list (portal.api_views).

Facets count what each choice would give with every *other* filter applied, as shops do:
picking a street shows how many projects each theme has in that street, and the street list
still shows the other streets' counts so the visitor can switch. One GROUP BY query per
facet, whatever the number of projects.
"""

import hashlib

import django_filters
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from core import public_cache
from core.fields import IdChoiceFilter
from core.search import search
from grants.calls.models import CallPage, Theme
from grants.funding.models import Award, Fund
from incubator.organisations.models import Organisation
from incubator.places.models import Community, Street
from portal.public import public_awards

SORTS = {
    "newest": ("-created_at", "-pk"),
    "amount": ("-granted", "-pk"),
    "starts": ("-starts_on", "-pk"),
    "title": ("proposal__title", "pk"),
}
SORT_CHOICES = [
    ("newest", _("Newest first")),
    ("amount", _("Largest grant first")),
    ("starts", _("Latest start first")),
    ("title", _("Title")),
]
DEFAULT_SORT = "newest"


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search", widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("Project, organisation or reference")}))
    year = django_filters.ChoiceFilter(label=_("Year"), field_name="starts_on__year", empty_label=_("Any year"))
    call = IdChoiceFilter(label=_("Call"), field_name="call",
                          queryset=CallPage.objects.none(), empty_label=_("Any call"))
    theme = IdChoiceFilter(label=_("Theme"), field_name="proposal__themes",
                           queryset=Theme.objects.all(), empty_label=_("Any theme"))
    street = IdChoiceFilter(label=_("Street / town"), field_name="street",
                            queryset=Street.objects.all(), empty_label=_("Any street / town"))
    community = IdChoiceFilter(
        label=_("Community / village"), field_name="proposal__communities", queryset=Community.objects.all(),
        empty_label=_("Any community / village"))
    organisation = IdChoiceFilter(
        label=_("Organisation"), field_name="organisation", queryset=Organisation.objects.none(),
        empty_label=_("Any organisation"))
    source = django_filters.ChoiceFilter(label=_("Fund source"), field_name="funding__fund__kind",
                                         choices=Fund.Kind.choices, empty_label=_("Any source"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Award.Status.choices,
                                         empty_label=_("Any status"))
    sort = django_filters.ChoiceFilter(label=_("Sort by"), choices=SORT_CHOICES, method="filter_sort",
                                       empty_label=None)

    class Meta:
        model = Award
        fields = []
        form = forms.Form

    FACETS = ["year", "call", "theme", "street", "community", "organisation", "source", "status"]
    # Facets over a many-to-many relation count distinct projects; the others need not.
    MANY = {"theme", "community", "source"}
    # Organisations are many: the facet offers those with most projects (and the one chosen).
    TOP_ORGANISATIONS = 30

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset if queryset is not None else public_awards(), **kwargs)
        funded = Award.objects.values("call")
        self.filters["call"].queryset = CallPage.objects.filter(pk__in=funded).order_by("-closes_at")
        self.filters["call"].field.label_from_instance = lambda call: call.title
        self.filters["organisation"].queryset = Organisation.objects.filter(
            pk__in=Award.objects.values("organisation")).order_by("name_zh")
        years = Award.objects.order_by().annotate(year=ExtractYear("starts_on")).values_list("year", flat=True).distinct()
        self.filters["year"].extra["choices"] = [(year, str(year)) for year in sorted(set(years), reverse=True)]

    @property
    def sort_order(self):
        value = self.form.cleaned_data.get("sort") if self.is_valid() else None
        return value or DEFAULT_SORT

    def filter_search(self, queryset, name, value):
        return search(queryset, value, field="proposal__search_text")

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in `qs`, so facet counts never pay for it

    @property
    def qs(self):
        return self._unique(super().qs).order_by(*SORTS[self.sort_order])

    def _unique(self, rows):
        """Filters across many-to-many relations (theme, community, source) join rows that can
        repeat a project: keep each once by selecting the projects whose id is among them (a
        semi-join), which costs far less than DISTINCT over every column of a page."""

        if self.is_valid() and any(self.form.cleaned_data.get(name) for name in self.MANY):
            return self.queryset.filter(pk__in=rows.values("pk"))
        return rows

    def _filtered_except(self, facet):
        """The queryset with every filter applied but `facet`'s, each project once."""

        rows = self.queryset
        if not self.is_valid():
            return rows
        applied = False
        for name, value in self.form.cleaned_data.items():
            if name in (facet, "sort") or value in (None, ""):
                continue
            rows = self.filters[name].filter(rows, value)
            applied = applied or name in self.MANY
        return Award.objects.filter(pk__in=rows.values("pk")) if applied else rows

    def facets(self, names=None):
        """{facet: [(value, label, count, selected)]} for the facets named (all by default),
        counts as described above; choices with no project left are dropped (except the
        selected one)."""
        chosen = self.form.cleaned_data if self.is_valid() else {}
        version = public_cache.version() if settings.PUBLIC_CACHE else None
        result = {}
        for name in names or self.FACETS:
            key = version is not None and self._counts_key(version, name, chosen)
            counts = cache.get(key) if key else None
            if counts is None:
                counts = self._counts(name)
                if key:
                    cache.set(key, counts, public_cache.KEEP_SECONDS)
            selected = chosen.get(name)
            selected_key = getattr(selected, "pk", selected)
            field = self.filters[name].field_name
            if selected_key is not None and selected_key not in counts and name == "organisation":
                counts[selected_key] = self._filtered_except(name).filter(**{field: selected_key}).count()
            result[name] = [(value, label, counts.get(value, 0), str(value) == str(selected_key))
                            for value, label in self._labels(name, counts)
                            if counts.get(value) or str(value) == str(selected_key)]
        return result

    def _counts(self, name):
        field = self.filters[name].field_name
        # The rows are each project once (see _filtered_except); only two funding lines of
        # one source type could count a project twice in its group.
        counts = self._filtered_except(name).order_by().values_list(field).annotate(
            count=Count("pk", distinct=name == "source"))
        if name == "organisation":
            counts = counts.order_by("-count", field)[:self.TOP_ORGANISATIONS]
        return dict(counts.values_list(field, "count"))

    @staticmethod
    def _counts_key(version, name, chosen):
        """A facet's counts depend only on the other filters and the public data's version
        (core.public_cache), whatever the language, page or sort."""
        others = sorted((other, str(getattr(value, "pk", value))) for other, value in chosen.items()
                        if other not in (name, "sort") and value not in (None, ""))
        return f"facets:{version}:{name}:" + hashlib.sha256(repr(others).encode()).hexdigest()

    def _labels(self, name, counts):
        """(value, label) for the values a facet counted, in display order."""
        keys = [key for key in counts if key is not None]
        if name == "year":
            return [(year, str(year)) for year in sorted(keys, reverse=True)]
        if name in ("source", "status"):
            return [(value, label) for value, label in self.filters[name].extra["choices"] if value in counts]
        model = {"call": CallPage, "theme": Theme, "street": Street, "community": Community,
                 "organisation": Organisation}[name]
        objects = model.objects.filter(pk__in=keys)
        if name == "call":
            return [(call.pk, call.title) for call in objects.order_by("-closes_at")]
        if name == "organisation":  # most projects first, as counted
            names = dict((item.pk, item.name) for item in objects)
            return [(key, names[key]) for key in keys if key in names]
        return [(item.pk, item.name) for item in objects.order_by("code")]


def facet_links(filterset, query):
    """The facets as links that keep every other parameter of `query` (a QueryDict): a
    choice links to the list filtered by it, a selected choice to the list without it."""
    groups = []
    # 153 communities: offered once a street narrows them down.
    names = [name for name in filterset.FACETS if name != "community" or query.get("street")]
    for name, choices in filterset.facets(names).items():
        links = []
        for value, label, count, selected in choices:
            params = query.copy()
            params.pop("page", None)
            if selected:
                params.pop(name, None)
            else:
                params[name] = value
                if name == "street":
                    params.pop("community", None)  # a community belongs to one street
            links.append({"label": label, "count": count, "selected": selected, "url": f"?{params.urlencode()}"})
        if links:
            groups.append({"name": name, "label": filterset.filters[name].label, "links": links})
    return groups


def with_list_data(awards):
    """What a page of the list reads: one query for the rows, one for their themes and one
    for their funders."""
    return awards.prefetch_related("proposal__themes", "funding__fund")


def page_of(filterset, number, size, related=()):
    """One page of the filtered projects, in two steps: the page's ids first (a narrow query
    the sort's index answers), then just those rows with what the list shows. Selecting the
    rows' joins for every matching project before sorting them would cost far more."""
    page = Paginator(filterset.qs.values_list("pk", flat=True), size).get_page(number)
    ids = list(page.object_list)
    rows = public_awards().filter(pk__in=ids)
    if related:  # (select_related() without names would mean every non-null relation)
        rows = rows.select_related(*related)
    rows = {award.pk: award for award in with_list_data(rows)}
    page.object_list = [rows[pk] for pk in ids]
    return page
