"""Shared people for the whole suite: one user per role, plus two applicants.

Applicants belong to organisations once organisations exist (the calls issue); until then
`applicant` and `other_applicant` are plain signed-up users with no role.
"""

import pytest

from incubator.accounts import permissions
from tests.factories import OrganisationFactory, UserFactory, make_call, make_proposal


@pytest.fixture
def applicant(db):
    return UserFactory(email="applicant@example.com")


@pytest.fixture
def other_applicant(db):
    return UserFactory(email="other@example.com")


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@example.com", roles=[permissions.STAFF])


@pytest.fixture
def reviewer(db):
    return UserFactory(email="reviewer@example.com", roles=[permissions.REVIEWER])


@pytest.fixture
def supervisor(db):
    return UserFactory(email="supervisor@example.com", roles=[permissions.SUPERVISOR])


@pytest.fixture
def funder(db):
    return UserFactory(email="funder@example.com", roles=[permissions.FUNDER])


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and Wagtail's site lookups live in the cache: no test inherits another's."""

    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organisation(applicant):
    """A verified organisation whose administrator is `applicant`."""
    return OrganisationFactory(admins=[applicant])


@pytest.fixture
def call(db):
    return make_call()


@pytest.fixture
def draft(call, organisation, applicant):
    return make_proposal(call, organisation, applicant)
