"""The public pages' cache (core/public_cache.py): anonymous pages served again without the
database, per language and address, until what they show changes; never anything personal."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.public_cache import StorePublicPage
from grants.funding.models import Award
from grants.funding.services import awards as award_service
from tests.factories import FundFactory, OrganisationFactory, approved, call_index, make_award, make_call, make_proposal
from tests.grants.donations.donation_fixtures import award, matching_fund, pay, start  # noqa: F401 (fixtures)
from tests.stripe_fake import fake_stripe  # noqa: F401 (fixture)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PUBLIC_CACHE = True


def project_url(award, language="en"):
    with translation.override(language):
        return reverse("portal:project", args=[award.pk])


def get(client, url, **extra):
    """The response and the number of SQL queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries.captured_queries)


def test_the_second_anonymous_request_is_served_from_the_cache(award, client):
    first, cost = get(client, project_url(award))
    second, cached_cost = get(Client(), project_url(award))
    assert first.status_code == second.status_code == 200
    assert cost > 5 and cached_cost == 1  # only the version
    assert award.proposal.title in second.content.decode()
    assert TOKEN.sub("", first.content.decode()) == TOKEN.sub("", second.content.decode())


def test_a_changed_award_shows_on_the_next_request(award, client, staff):
    get(client, project_url(award))
    with transaction.atomic():
        award_service.terminate(Award.objects.get(pk=award.pk), staff, "项目终止")
    response, cost = get(client, project_url(award))
    assert cost > 1 and str(Award.Status.TERMINATED.label) in response.content.decode()


def test_a_new_award_shows_in_the_project_browser_in_both_languages(award, client, call, applicant, staff):
    from wagtail.models import Locale

    from cms.models import HomePage
    from demo.site import PROJECTS_PAGE, ensure_single_page
    from portal.models import ProjectIndexPage

    home = HomePage.objects.get(locale__language_code="zh-hans")
    ensure_single_page(ProjectIndexPage, PROJECTS_PAGE, home, Locale.objects.get(language_code="en"))
    for url in ("/en/projects/", "/zh-hans/projects/"):
        assert "新的社区花园项目" not in client.get(url).content.decode()
    make_award(approved(make_proposal(call, OrganisationFactory(admins=[applicant]), applicant, title="新的社区花园项目"),
                        applicant, staff), {FundFactory(): Decimal("90000")}, staff)
    for url in ("/en/projects/", "/zh-hans/projects/"):
        assert "新的社区花园项目" in client.get(url).content.decode()


def test_a_paid_donation_shows_on_the_next_request(fake_stripe, award, client):
    assert "李明" not in client.get(project_url(award)).content.decode()
    pay(Client(), fake_stripe, start(award, donor_name="李明"))
    assert "李明" in client.get(project_url(award)).content.decode()


def test_a_published_call_shows_on_the_call_index(db, client):
    index = call_index()
    client.get(index.url)
    call = make_call()
    assert call.title in client.get(index.url).content.decode()


def test_a_published_page_edit_shows_on_the_next_request(db, client):
    from cms.models import HomePage

    home = HomePage.objects.get(locale__language_code="zh-hans")
    url = home.url
    assert "新的首页导语" not in client.get(url).content.decode()
    home.intro = "<p>新的首页导语</p>"
    home.save_revision().publish()
    assert "新的首页导语" in client.get(url).content.decode()


def test_a_signed_in_user_is_never_served_nor_stored(award, client, applicant):
    url = project_url(award)
    member = Client()
    member.force_login(applicant)
    page = member.get(url).content.decode()  # first: must not be stored
    assert "Sign out" in page
    _, cost = get(client, url)
    assert cost > 1
    response, cost = get(member, url)  # now cached for the anonymous: the member still gets their own
    assert cost > 1 and "Sign out" in response.content.decode()


def test_a_request_with_a_session_cookie_is_never_served_nor_stored(award, client):
    url = project_url(award)
    holder = Client()
    holder.cookies[settings.SESSION_COOKIE_NAME] = "someone"
    _, cost = get(holder, url)
    _, again = get(holder, url)
    assert again > 1
    _, fresh = get(client, url)
    assert fresh > 1  # nor was it stored


def test_languages_and_query_strings_are_kept_apart(award, client):
    english = client.get(project_url(award, "en"))
    chinese, cost = get(client, project_url(award, "zh-hans"))
    assert cost > 1 and english["Content-Language"] == "en" and chinese["Content-Language"] == "zh-hans"
    _, cost = get(client, project_url(award, "zh-hans") + "?x=1")
    assert cost > 1
    _, cost = get(client, project_url(award, "zh-hans") + "?x=1")
    assert cost == 1


def test_an_unchanged_page_answers_304_and_a_change_a_new_page(award, client, staff):
    url = project_url(award)
    first = client.get(url)
    assert first["ETag"] and "private" in first["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with transaction.atomic():
        award_service.terminate(Award.objects.get(pk=award.pk), staff, "项目终止")
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]


def test_a_cached_page_carries_each_readers_own_csrf_token(award):
    url = project_url(award)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    one = TOKEN.search(first.get(url).content.decode()).group(1)
    response, cost = get(second, url)
    two = TOKEN.search(response.content.decode()).group(1)
    assert cost == 1 and one != two and settings.CSRF_COOKIE_NAME in response.cookies
    # The token the cached page gave the second reader is good with the second reader's cookie.
    switched = second.post(reverse("set_language"), {"language": "zh-hans", "next": url, "csrfmiddlewaretoken": two})
    assert switched.status_code == 302


def _store(response, **request_attributes):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/en/somewhere/")
    request.user = AnonymousUser()
    request.public_cache_key = "public:test"
    request.public_cache = {"until_next_minute": False}
    for name, value in request_attributes.items():
        setattr(request, name, value)
    StorePublicPage(lambda request: response)(request)
    return cache.get("public:test")


def test_a_marked_plain_page_is_stored(db):
    assert _store(HttpResponse("<p>公开</p>")) is not None


def test_a_page_that_used_the_requests_nonce_is_never_stored(db):
    from csp.middleware import CheckableLazyObject

    nonce = CheckableLazyObject(lambda: "abc")
    str(nonce)  # the template used it
    assert _store(HttpResponse(f'<style nonce="{nonce}"></style>'), csp_nonce=nonce) is None


def test_errors_cookies_and_private_responses_are_never_stored(db):
    assert _store(HttpResponse("gone", status=404)) is None
    with_cookie = HttpResponse("hi")
    with_cookie.set_cookie(settings.LANGUAGE_COOKIE_NAME, "en")
    assert _store(with_cookie) is None
    private = HttpResponse("hi")
    private["Cache-Control"] = "private"
    assert _store(private) is None


def test_a_page_made_private_is_no_longer_served_from_the_cache(db, client):
    from wagtail.models import PageViewRestriction

    from cms.models import HomePage

    home = HomePage.objects.get(locale__language_code="zh-hans")
    assert client.get(home.url).status_code == 200
    PageViewRestriction.objects.create(page=home, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(home.url).status_code == 302
