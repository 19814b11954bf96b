"""The project browser's facet counts are computed once per version of the public data."""

from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from portal.project_filters import ProjectFilter
from tests.factories import FundFactory, OrganisationFactory, approved, make_award, make_proposal
from tests.portal.test_project_browser import themes, world  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _cached(settings):
    settings.PUBLIC_CACHE = True
    with translation.override("en"):
        yield


def facets(query):
    with CaptureQueriesContext(connection) as queries:
        result = ProjectFilter(QueryDict(query)).facets()
    return result, len(queries.captured_queries)


def test_counts_are_read_from_the_cache_until_an_award_changes(world, call, applicant, staff):
    first, cold = facets("sort=amount")
    again, warm = facets("sort=title&page=2")  # another page or order: the same counts
    assert again == first and warm < cold
    status = {label: count for _value, label, count, _selected in first["status"]}
    make_award(approved(make_proposal(call, OrganisationFactory(admins=[applicant]), applicant), applicant, staff),
               {FundFactory(): Decimal("90000")}, staff)
    after, cost = facets("sort=amount")
    assert cost == cold
    assert sum(count for *_rest, count, _selected in after["status"]) == sum(status.values()) + 1


def test_other_filters_have_counts_of_their_own(world):
    street = world[1].proposal.street
    everything, _ = facets("")
    in_street, _ = facets(f"street={street.pk}")
    assert everything["theme"] != in_street["theme"]
