"""The public project browser's filters, search, sort orders and facet counts, shared by the
browser page (portal.ProjectIndexPage) and the JSON list (portal.api_views).

Facets count what each choice would give with every *other* filter applied, as shops do:
picking a street shows how many projects each theme has in that street, and the street list
still shows the other streets' counts so the visitor can switch.

Filters and counts read the facet rows kept beside the awards (grants/funding/facets.py), not
the awards joined to their proposals, themes and funding: one narrow GROUP BY per facet over
the matching rows, and none at all without filters, where the kept totals answer. The list
reads only the page of awards it shows.
"""

import hashlib

import django_filters
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from core import public_cache
from core.fields import IdChoiceFilter
from core.search import search
from grants.calls.models import CallPage, Theme
from grants.funding.facets import MANY as TAGGED
from grants.funding.facets import typed
from grants.funding.models import Award, FacetTotal, Fund, ProjectFacet, ProjectTag
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
# The facet rows' column for each single-valued filter.
COLUMNS = {"year": "year", "call": "call_id", "street": "street_id", "organisation": "organisation_id",
           "status": "status"}


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
    # Organisations are many: the facet offers those with most projects (and the one chosen).
    TOP_ORGANISATIONS = 30

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset if queryset is not None else public_awards(), **kwargs)
        # Only read when a value is chosen, to check it: one indexed lookup, not a scan of all.
        self.filters["call"].queryset = CallPage.objects.filter(
            pk__in=ProjectFacet.objects.values("call")).order_by("-closes_at")
        self.filters["call"].field.label_from_instance = lambda call: call.title
        self.filters["organisation"].queryset = Organisation.objects.filter(
            pk__in=ProjectFacet.objects.values("organisation")).order_by("name_zh")
        self.filters["year"].extra["choices"] = self._years

    @staticmethod
    def _years():
        years = FacetTotal.objects.filter(facet="year", count__gt=0).values_list("value", flat=True)
        return [(year, str(year)) for year in sorted(map(int, years), reverse=True)]

    @property
    def sort_order(self):
        value = self.form.cleaned_data.get("sort") if self.is_valid() else None
        return value or DEFAULT_SORT

    def filter_search(self, queryset, name, value):
        return queryset  # the filters are applied together, in filter_queryset

    filter_sort = filter_search  # applied last, in `qs`, so facet counts never pay for it

    def filter_queryset(self, queryset):
        """The projects whose facet rows match every filter understood (an invalid one is
        ignored, as the page says): a semi-join, so a project with two matching themes is
        listed once."""
        rows, applied = self._rows(self.form.cleaned_data)
        return queryset.filter(pk__in=rows.values("award")) if applied else queryset

    @property
    def qs(self):
        return super().qs.order_by(*SORTS[self.sort_order])

    def count(self):
        """How many projects the list has, from the facet rows (the totals when unfiltered)."""
        self.is_valid()  # cleans the form: the filters understood, as in `qs`
        rows, applied = self._rows(self.form.cleaned_data if self.is_bound else {})
        if applied:
            return rows.count()
        return sum(FacetTotal.objects.filter(facet="status").values_list("count", flat=True))

    @staticmethod
    def _rows(chosen, facet=None):
        """ProjectFacet rows matching every filter in `chosen` but `facet`'s; and whether any
        filter applied."""

        rows = ProjectFacet.objects.all()
        applied = False
        for name, value in chosen.items():
            if name in (facet, "sort") or value in (None, ""):
                continue
            applied = True
            key = str(getattr(value, "pk", value))
            if name == "q":
                found = search(Award.objects.all(), value, field="proposal__search_text")
                rows = rows.filter(award__in=found.values("pk"))
            elif name in TAGGED:
                rows = rows.filter(award__in=ProjectTag.objects.filter(facet=name, value=key).values("award"))
            else:
                rows = rows.filter(**{COLUMNS[name]: key})
        return rows, applied

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
                counts = self._counts(name, chosen)
                if key:
                    cache.set(key, counts, public_cache.KEEP_SECONDS)
            selected = chosen.get(name)
            selected_key = getattr(selected, "pk", selected)
            if selected_key is not None and selected_key not in counts and name == "organisation":
                counts[selected_key] = self._rows(chosen, name)[0].filter(organisation=selected_key).count()
            result[name] = [(value, label, counts.get(value, 0), str(value) == str(selected_key))
                            for value, label in self._labels(name, counts)
                            if counts.get(value) or str(value) == str(selected_key)]
        return result

    def _counts(self, name, chosen):
        """{value: projects} for one facet, with every other filter in `chosen` applied."""
        rows, applied = self._rows(chosen, name)
        if not applied:
            totals = FacetTotal.objects.filter(facet=name, count__gt=0)
            if name == "organisation":
                totals = totals.order_by("-count", Cast("value", IntegerField()))[:self.TOP_ORGANISATIONS]
            return {typed(name, value): count for value, count in totals.values_list("value", "count")}
        if name in TAGGED:  # a project has each tag once
            tags = ProjectTag.objects.filter(facet=name, award__in=rows.values("award")).order_by()
            return {typed(name, value): count for value, count in
                    tags.values_list("value").annotate(count=Count("pk"))}
        column = COLUMNS[name]
        counts = rows.order_by().values_list(column).annotate(count=Count("pk"))
        if name == "organisation":
            counts = counts.order_by("-count", column)[:self.TOP_ORGANISATIONS]
        return dict(counts)

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
    paginator = Paginator(filterset.qs.values_list("pk", flat=True), size)
    paginator.count = filterset.count()  # the facet rows know it without reading the awards
    page = paginator.get_page(number)
    ids = list(page.object_list)
    rows = public_awards().filter(pk__in=ids)
    if related:  # (select_related() without names would mean every non-null relation)
        rows = rows.select_related(*related)
    rows = {award.pk: award for award in with_list_data(rows)}
    page.object_list = [rows[pk] for pk in ids]
    return page
