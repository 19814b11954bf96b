"""Every URL of the project, for every kind of visitor, has a declared outcome.

The test walks the URL configuration itself: a new URL pattern without an entry in MATRIX
fails here, so each new page has to say who may see it. The Wagtail admin (/admin/) is
Wagtail's own and is covered by test_admin_access.
"""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern

from incubator.accounts import permissions
from tests.matrix import (  # noqa: F401
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    REDIRECT,
    ROLES,
    everyone,
    members_and_staff,
    signed_in,
    visitors_only,
)

# route (as the URL configuration spells it) -> (a concrete URL, outcome per role)
MATRIX = {
    "healthz": ("/healthz", everyone(OK)),
    "i18n/setlang/": ("/i18n/setlang/", everyone(405)),  # POST only
    "documents/^(\\d+)/(.*)$": ("/documents/999/missing.pdf", everyone(NOT_FOUND)),
    # A 404 outside the language tree is redirected into it (LocaleMiddleware), where the
    # visitor gets the not-found page in their language.
    "documents/authenticate_with_password/<int:restriction_id>/": (
        "/documents/authenticate_with_password/999/", everyone(REDIRECT)),
    "<lang>/accounts/profile/": ("/en/accounts/profile/", signed_in(OK)),
    "<lang>/dashboard/": ("/en/dashboard/", signed_in(OK)),
    "<lang>/organisations/register/": ("/en/organisations/register/", signed_in(OK)),
    "<lang>/organisations/<int:pk>/": (
        "/en/organisations/{organisation}/", members_and_staff(supervisor=NOT_FOUND)),
    # Staff correct records in the admin; on the site only the organisation's admins edit.
    "<lang>/organisations/<int:pk>/edit/": (
        "/en/organisations/{organisation}/edit/", members_and_staff(staff=NOT_FOUND)),
    "<lang>/organisations/<int:pk>/invite/": ("/en/organisations/{organisation}/invite/", signed_in(405)),
    "<lang>/organisations/<int:pk>/members/<int:membership_pk>/remove/": (
        "/en/organisations/{organisation}/members/{membership}/remove/", signed_in(405)),
    # Opening an invitation only shows it; joining takes a POST by the invited address.
    "<lang>/organisations/join/<str:token>/": ("/en/organisations/join/{token}/", signed_in(OK)),
    "<lang>/calls/<id:call_pk>/apply/": ("/en/calls/{call}/apply/", signed_in(405)),
    "<lang>/proposals/<int:pk>/": ("/en/proposals/{proposal}/", members_and_staff()),
    "<lang>/proposals/<int:pk>/edit/": (
        "/en/proposals/{proposal}/edit/", members_and_staff(staff=NOT_FOUND)),
    "<lang>/proposals/<int:pk>/pdf/": ("/en/proposals/{proposal}/pdf/", members_and_staff()),
    "<lang>/proposals/<int:pk>/files/<int:attachment_pk>/": (
        "/en/proposals/{proposal}/files/{attachment}/", members_and_staff()),
    "<lang>/accounts/login/": ("/en/accounts/login/", visitors_only(OK)),
    "<lang>/accounts/logout/": ("/en/accounts/logout/", signed_in(OK, anonymous=REDIRECT)),
    "<lang>/accounts/inactive/": ("/en/accounts/inactive/", everyone(OK)),
    "<lang>/accounts/signup/": ("/en/accounts/signup/", visitors_only(OK)),
    "<lang>/accounts/reauthenticate/": ("/en/accounts/reauthenticate/", signed_in(OK)),
    "<lang>/accounts/reauthenticate/code/": (
        "/en/accounts/reauthenticate/code/", signed_in(OK)),
    # Without a pending code there is nothing to confirm: back to the start.
    "<lang>/accounts/reauthenticate/code/confirm/": (
        "/en/accounts/reauthenticate/code/confirm/", signed_in(REDIRECT)),
    "<lang>/accounts/email/": ("/en/accounts/email/", signed_in(OK)),
    "<lang>/accounts/confirm-email/": ("/en/accounts/confirm-email/", everyone(OK)),
    "<lang>/accounts/password/change/": ("/en/accounts/password/change/", signed_in(OK)),
    "<lang>/accounts/password/set/": ("/en/accounts/password/set/", signed_in(REDIRECT)),
    "<lang>/accounts/password/reset/": ("/en/accounts/password/reset/", everyone(OK)),
    "<lang>/accounts/login/code/confirm/": (
        "/en/accounts/login/code/confirm/", {**visitors_only(REDIRECT), "anonymous": LOGIN}),
    "<lang>/accounts/^confirm-email/(?P<key>[-:\\w]+)/$": (
        "/en/accounts/confirm-email/not-a-key/", everyone(OK)),  # "link expired or invalid"
    "<lang>/accounts/password/reset/key/done/": (
        "/en/accounts/password/reset/key/done/", everyone(OK)),
    "<lang>/accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": (
        "/en/accounts/password/reset/key/1-bad-key/", everyone(OK)),  # "bad token" page
    "<lang>/accounts/password/reset/done/": ("/en/accounts/password/reset/done/", everyone(OK)),
    "<lang>/_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": (
        "/en/_util/authenticate_with_password/999/999/", everyone(NOT_FOUND)),
    "<lang>/_util/login/": ("/en/_util/login/", everyone(OK)),
    "<lang>/^((?:[\\w\\-]+/)*)$": ("/en/", everyone(OK)),
}
# Each area of the grants workflow declares its own URLs beside its tests.
from tests.grants.donations.matrix_donations import MATRIX as DONATIONS  # noqa: E402
from tests.grants.funding.matrix_funding import MATRIX as FUNDING  # noqa: E402
from tests.grants.impact.matrix_reports import MATRIX as REPORTS  # noqa: E402
from tests.grants.review.matrix_reviews import MATRIX as REVIEWS  # noqa: E402
from tests.grants.review.matrix_staff import MATRIX as STAFF  # noqa: E402
from tests.grants.review.matrix_workbench import MATRIX as WORKBENCH  # noqa: E402
from tests.incubator.training.matrix_training import MATRIX as TRAINING  # noqa: E402
from tests.portal.matrix_figures import MATRIX as FIGURES  # noqa: E402
from tests.portal.matrix_opendata import MATRIX as OPENDATA  # noqa: E402

MATRIX.update(REVIEWS | STAFF | WORKBENCH | DONATIONS | REPORTS | FUNDING | FIGURES | OPENDATA | TRAINING)

# Patterns that exist only in some configurations (DEBUG serves media itself).
OPTIONAL = {"^media/(?P<path>.*)$": ("/media/missing.png", everyone(NOT_FOUND))}


def project_routes(patterns=None, prefix=""):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        part = "<lang>/" if isinstance(pattern.pattern, LocalePrefixPattern) else str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if prefix + part == "admin/":
                continue
            yield from project_routes(pattern.url_patterns, prefix + part)
        else:
            yield prefix + part


def test_every_url_pattern_declares_who_may_see_it():
    routes = set(project_routes())
    undeclared = routes - MATRIX.keys() - OPTIONAL.keys()
    assert not undeclared, f"add these URL patterns to MATRIX: {sorted(undeclared)}"
    stale = MATRIX.keys() - routes
    assert not stale, f"these MATRIX entries match no URL pattern any more: {sorted(stale)}"


@pytest.fixture
def world(applicant, reviewer, staff, funder):
    """The objects the URLs above name: `applicant` administers the organisation that owns
    the proposal; `other_applicant` belongs to nothing."""

    from django.core.files.uploadedfile import SimpleUploadedFile

    from grants.donations.models import Donation
    from grants.funding.models import MatchingRun
    from grants.funding.services import awards
    from grants.proposals.services import add_attachment
    from grants.review.models import ReviewAssignment
    from incubator.organisations.services import invitation_token
    from tests.factories import (
        FundFactory,
        OrganisationFactory,
        approved,
        in_review,
        make_award,
        make_call,
        make_proposal,
    )

    organisation = OrganisationFactory(admins=[applicant])
    call = make_call()
    proposal = make_proposal(call, organisation, applicant)
    attachment = add_attachment(proposal, applicant, SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"))
    # A second proposal of the same organisation, in review, assigned to `reviewer`.
    reviewed = in_review(make_proposal(call, organisation, applicant), applicant, staff)
    assignment = ReviewAssignment.objects.create(
        proposal=reviewed, reviewer=reviewer, due_on=reviewed.call.project_start)
    review_file = reviewed.attachments.create(
        name="b.pdf", content_type="application/pdf", size=1, file=attachment.file.name)
    # A third proposal, funded: its award is paid for by a fund `funder` manages.
    fund = FundFactory()
    fund.managers.add(funder)
    award = make_award(approved(make_proposal(call, organisation, applicant), applicant, staff), {fund: Decimal("90000")},
                       staff)
    awards.sign(award, staff, SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n"))
    run = MatchingRun.objects.create(created_by=staff)
    run.calls.add(call)
    # A paid donation to it (its UUID opens the thank-you page and receipts), and the pool.
    donation = Donation.objects.create(award=award, amount=Decimal("100.00"), donor_name="李明",
                                       status=Donation.Status.PAID, paid_at=award.created_at)
    FundFactory(kind="donations", budget=Decimal("0"))
    # An evidence file of the award's mid-term report (sharing the attachment's stored file).
    evidence = award.reports.get(kind="midterm").evidence.create(
        name="e.pdf", content_type="application/pdf", size=1, file=attachment.file.name)
    from tests.incubator.training.training_fixtures import training_world

    return {
        **training_world(applicant, reviewer, staff),
        "donation": donation.public_id,
        "fund": fund.pk, "award": award.pk, "run": run.pk, "report": award.reports.get(kind="midterm").pk,
        "organisation": organisation.pk, "call": call.pk, "proposal": proposal.pk,
        "attachment": attachment.pk, "membership": organisation.memberships.get().pk,
        "token": invitation_token(organisation, "invitee@example.com", applicant),
        "reviewed": reviewed.pk, "assignment": assignment.pk, "review_file": review_file.pk,
        "evidence": evidence.pk,
    }


@pytest.fixture
def clients(db, request):
    clients = {"anonymous": Client()}
    for role in ROLES[1:]:
        client = Client()
        client.force_login(request.getfixturevalue(role))
        clients[role] = client
    return clients


def outcome(response):
    if response.streaming:
        # Read it to the end, as a browser would: an export left half-read would keep a
        # server-side cursor open on the test's one connection.
        b"".join(response.streaming_content)
    if response.status_code in (301, 302) and "/accounts/login/" in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("route", sorted(set(project_routes()) & MATRIX.keys()))
def test_each_role_gets_the_declared_outcome(route, clients, world):
    url, expected = MATRIX[route]
    url = url.format(**world)
    actual = {role: outcome(clients[role].get(url)) for role in ROLES}
    assert actual == expected, url


def test_optional_routes_when_present(clients):
    for route in set(project_routes()) & OPTIONAL.keys():
        url, expected = OPTIONAL[route]
        assert {role: outcome(clients[role].get(url)) for role in ROLES} == expected


def test_the_matrix_covers_every_role_the_product_has():
    # A role added to incubator.accounts.permissions must be added here (and get a fixture) too.
    assert set(permissions.ROLES) <= set(ROLES)
