"""The project browser counts and lists from the facet rows (grants/funding/facets.py) exactly
what it counted from the awards joined to their proposals, themes and funding, and a facet page
reads no more than those rows and the page it shows."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.db.models import Count
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.search import search
from grants.funding import facets as facet_rows
from grants.funding.models import Award, Fund
from incubator.places.models import Community
from portal.project_filters import ProjectFilter
from tests.portal.test_project_browser import browser_page, themes, world  # noqa: F401 (fixtures)

# The joined computation the facet rows replaced: each filter on the awards, as before.
JOINED = {"year": "starts_on__year", "call": "call", "theme": "proposal__themes", "street": "street",
          "community": "proposal__communities", "organisation": "organisation",
          "source": "funding__fund__kind", "status": "status"}


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def varied(world, themes):
    """The three projects of `world`, the third one a year later and in two communities."""
    third = world[3]
    Award.objects.filter(pk=third.pk).update(starts_on=third.starts_on + timedelta(days=366),
                                             ends_on=third.ends_on + timedelta(days=366))
    third.proposal.communities.set(Community.objects.filter(street=third.street)[:2])
    facet_rows.refresh(third)
    return world


def joined(query, facet=None):
    rows = Award.objects.all()
    for name, value in query.items():
        if name == "q":
            rows = search(rows, value, field="proposal__search_text")
        elif name != facet:
            rows = rows.filter(**{JOINED[name]: value})
    return Award.objects.filter(pk__in=rows.values("pk"))


def joined_counts(query, facet):
    counts = joined(query, facet).order_by().values_list(JOINED[facet]).annotate(count=Count("pk", distinct=True))
    return {value: count for value, count in counts if value is not None}


def combinations(world, themes):
    one, three = world[1], world[3]
    government, foundation = Fund.Kind.GOVERNMENT, Fund.Kind.FOUNDATION
    community = three.proposal.communities.first()
    return [
        {}, {"street": one.street_id}, {"theme": themes["youth"].pk}, {"source": foundation},
        {"street": one.street_id, "theme": themes["elderly"].pk},
        {"street": three.street_id, "theme": themes["youth"].pk, "source": government},
        {"status": "completed"}, {"year": three.starts_on.year}, {"community": community.pk},
        {"call": one.call_id, "organisation": three.organisation_id}, {"q": "停车"},
        {"q": "南坪", "theme": themes["youth"].pk},
    ]


def test_counts_lists_and_totals_are_those_of_the_joined_computation(varied, themes):
    varied[3].refresh_from_db()
    for query in combinations(varied, themes):
        filterset = ProjectFilter(QueryDict(urlencode(query)))
        counted = filterset.facets()
        for facet in ProjectFilter.FACETS:
            got = {value: count for value, _label, count, _selected in counted[facet] if count}
            assert got == joined_counts(query, facet), (query, facet)
        expected = joined(query)
        assert set(filterset.qs.values_list("pk", flat=True)) == set(expected.values_list("pk", flat=True)), query
        assert filterset.count() == expected.count(), query


def test_an_uncached_facet_page_groups_facet_rows_only(varied, themes, browser_page, client):
    query = {"street": varied[3].street_id, "theme": themes["youth"].pk, "source": Fund.Kind.GOVERNMENT}
    with CaptureQueriesContext(connection) as captured:
        page = client.get(browser_page, query).content.decode()
    assert varied[3].proposal.title in page
    statements = [entry["sql"].lower() for entry in captured.captured_queries]
    grouped = [sql for sql in statements if "group by" in sql]
    assert grouped and all("funding_projectfacet" in sql or "funding_projecttag" in sql for sql in grouped)
    assert not any("proposals_proposal_themes" in sql or "funding_awardfunding" in sql for sql in grouped)
    assert not any("extract" in sql or "django_date_extract" in sql for sql in statements)


def test_the_warm_facet_page_costs_a_fixed_number_of_queries(varied, themes, browser_page, client, settings):
    settings.PUBLIC_CACHE = True
    query = {"street": varied[1].street_id, "theme": themes["elderly"].pk}

    def queries(**more):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(browser_page, {**query, **more}).status_code == 200
        return len(captured.captured_queries)

    cold = queries()
    counts_warm = queries(sort="amount")  # another order: the page is new, its facet counts are not
    page_warm = queries(sort="amount")
    # The cold page counts every facet; the next reads them from the cache; then the page is cached.
    assert (cold, counts_warm, page_warm) == (38, 28, 1)
