"""The public project browser's filters, facet counts and search (shared with the JSON list),
the JSON list itself, the project page and the organisation profile — and that nothing
private reaches any of them."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from grants.calls.models import Theme
from grants.funding import facets as facet_rows
from grants.funding.models import Award, Fund
from grants.funding.services import awards
from grants.impact import services as report_service
from grants.proposals.models import BudgetLine
from grants.proposals.services import add_attachment
from incubator.places.models import Street
from portal.project_filters import ProjectFilter, facet_links
from tests.factories import FundFactory, OrganisationFactory, approved, make_award, make_proposal

D = Decimal
NANPING, HUAYUAN = "500108003", "500108002"


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def themes(db):
    return {code: Theme.objects.get_or_create(code=code, defaults={"name_zh": zh, "name_en": en})[0]
            for code, zh, en in (("elderly", "为老服务", "Elderly care"), ("youth", "儿童青少年", "Children and youth"))}


@pytest.fixture
def world(call, applicant, staff, themes):
    """Three funded projects whose facets can be counted by hand:

    1. 南坪, elderly, government fund, active      “南坪街道老年食堂助餐项目”
    2. 南坪, youth, foundation, contracting          “南坪街道四点半课堂项目”
    3. 花园路, elderly + youth, both funds, completed “花园路街道小区停车协商项目”
    """

    government = FundFactory(kind=Fund.Kind.GOVERNMENT, budget=D("1000000"))
    foundation = FundFactory(kind=Fund.Kind.FOUNDATION, name_zh="南岸区慈善会基金", budget=D("1000000"))
    streets = {code: Street.objects.get(code=code) for code in (NANPING, HUAYUAN)}
    made = {}
    for key, street, theme_codes, shares, status, title in (
        (1, NANPING, ["elderly"], {government: D("90000")}, "active", "南坪街道老年食堂助餐项目"),
        (2, NANPING, ["youth"], {foundation: D("90000")}, "contracting", "南坪街道四点半课堂项目"),
        (3, HUAYUAN, ["elderly", "youth"], {government: D("50000"), foundation: D("40000")}, "completed",
         "花园路街道小区停车协商项目"),
    ):
        organisation = OrganisationFactory(admins=[applicant], street=streets[street])
        proposal = make_proposal(call, organisation, applicant, title=title)
        proposal.themes.set([themes[code] for code in theme_codes])
        award = make_award(approved(proposal, applicant, staff), shares, staff)
        Award.objects.filter(pk=award.pk).update(status=status)
        facet_rows.refresh(award)  # the services would have, had they made the change
        made[key] = award
    made["funds"] = (government, foundation)
    return made


def counts(filterset, facet):
    return {str(label): count for _value, label, count, _selected in filterset.facets()[facet]}


def test_facets_count_every_project_without_filters(world):
    facets = ProjectFilter(QueryDict())
    nanping, huayuan = (Street.objects.get(code=code).name for code in (NANPING, HUAYUAN))
    assert counts(facets, "street") == {nanping: 2, huayuan: 1}
    assert counts(facets, "theme") == {"Elderly care": 2, "Children and youth": 2}
    assert counts(facets, "source") == {str(Fund.Kind.GOVERNMENT.label): 2, str(Fund.Kind.FOUNDATION.label): 2}
    assert counts(facets, "status") == {"Contracting": 1, "Active": 1, "Completed": 1}
    assert facets.qs.count() == 3


def test_a_facet_counts_with_the_other_filters_applied_but_not_its_own(world):
    street = world[1].proposal.street
    facets = ProjectFilter(QueryDict(f"street={street.pk}"))
    assert set(facets.qs) == {world[1], world[2]}
    assert counts(facets, "theme") == {"Elderly care": 1, "Children and youth": 1}
    assert counts(facets, "street") == {street.name: 2, world[3].proposal.street.name: 1}  # the other stays
    selected = [entry for entry in facets.facets()["street"] if entry[3]]
    assert [entry[0] for entry in selected] == [street.pk]


def test_filters_combine(world, themes):
    street = world[1].proposal.street
    facets = ProjectFilter(QueryDict(f"street={street.pk}&theme={themes['elderly'].pk}"))
    assert list(facets.qs) == [world[1]]
    assert counts(facets, "source") == {str(Fund.Kind.GOVERNMENT.label): 1}


def test_a_project_with_two_funds_or_themes_is_listed_once(world, themes):
    both = ProjectFilter(QueryDict(f"theme={themes['youth'].pk}&source=foundation&sort=title")).qs
    assert sorted(award.pk for award in both) == [world[2].pk, world[3].pk]
    assert ProjectFilter(QueryDict("source=foundation")).qs.count() == 2


def test_search_finds_chinese_words_inside_titles(world):
    assert list(ProjectFilter(QueryDict("q=停车")).qs) == [world[3]]
    assert ProjectFilter(QueryDict("q=南坪")).qs.count() == 2
    assert ProjectFilter(QueryDict("q=不存在的词")).qs.count() == 0


def test_sorting_by_grant_and_by_title(world):
    Award.objects.filter(pk=world[2].pk).update(granted=D("95000"))  # a variation raised it
    assert list(ProjectFilter(QueryDict("sort=amount")).qs)[0] == world[2]
    titles = [a.proposal.title for a in ProjectFilter(QueryDict("sort=title")).qs]
    assert titles == sorted(titles)


def test_facet_links_keep_the_other_parameters_and_drop_the_page(world, themes):
    query = QueryDict(f"q=南坪&theme={themes['youth'].pk}&page=2")
    groups = {group["name"]: group for group in facet_links(ProjectFilter(query), query)}
    street_link = groups["street"]["links"][0]["url"]
    assert "q=%E5%8D%97%E5%9D%AA" in street_link and f"theme={themes['youth'].pk}" in street_link
    assert "page=" not in street_link
    selected = next(link for link in groups["theme"]["links"] if link["selected"])
    assert "theme=" not in selected["url"]  # following a selected choice removes it
    assert "community" not in groups  # offered once a street is chosen


# -- the JSON list -------------------------------------------------------------------------
def test_the_json_list_applies_the_same_filters(world, client):
    street = world[1].proposal.street
    data = client.get(reverse("api_projects"), {"street": street.pk, "sort": "title"}).json()
    assert data["count"] == 2 and {row["id"] for row in data["results"]} == {world[1].pk, world[2].pk}
    row = next(row for row in data["results"] if row["id"] == world[1].pk)
    assert row["currency"] == "CNY" and row["granted"] == "90000.00" and row["street"]["id"] == street.pk
    assert row["funders"][0]["source"] == "government"
    assert row["url"].endswith(f"/zh-hans/projects/{world[1].pk}/")


def test_the_json_list_pages_and_refuses_bad_filters(world, client):
    from portal import api_views

    api_views.PAGE_SIZE, saved = 2, api_views.PAGE_SIZE
    try:
        first = client.get(reverse("api_projects")).json()
        assert first["pages"] == 2 and len(first["results"]) == 2 and "page=2" in first["next"]
        assert len(client.get(first["next"]).json()["results"]) == 1
    finally:
        api_views.PAGE_SIZE = saved
    response = client.get(reverse("api_projects"), {"status": "nonsense"})
    assert response.status_code == 400 and "status" in response.json()["errors"]


def test_the_json_list_costs_the_same_queries_however_many_projects(world, client, call, applicant, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("api_projects"))
        return len(captured.captured_queries)

    before = queries()
    for _ in range(4):
        make_award(approved(make_proposal(call, OrganisationFactory(admins=[applicant]), applicant), applicant, staff),
                   {world["funds"][0]: D("90000")}, staff)
    assert queries() == before


# -- the pages: nothing private ------------------------------------------------------------
PRIVATE = ["PRIVATE-BUDGET-LINE", "PRIVATE-CONTACT-PERSON", "PRIVATE-ATTACHMENT.pdf", "PRIVATE-REVIEW-COMMENT",
           "PRIVATE-STAFF-NOTE", "PRIVATE-REPORT-TEXT", "PRIVATE-DONOR-MESSAGE", "private-donor@example.com"]


@pytest.fixture
def secretive(call, applicant, staff, reviewer):
    """A funded project with a recognisable private string in every private place."""
    from django.db import transaction
    from django.utils import timezone

    from grants.donations.models import Donation
    from grants.funding.services import ledger
    from grants.review.models import ReviewAssignment
    from grants.review.services import assign_reviewer, declare_conflict, save_review
    from tests.factories import in_review

    organisation = OrganisationFactory(admins=[applicant], contact_name="PRIVATE-CONTACT-PERSON")
    proposal = make_proposal(call, organisation, applicant, title="南坪街道公开项目")
    BudgetLine.objects.filter(proposal=proposal, category="personnel").update(item="PRIVATE-BUDGET-LINE")
    add_attachment(proposal, applicant, SimpleUploadedFile("PRIVATE-ATTACHMENT.pdf", b"%PDF-1.4\n%%EOF\n"))
    proposal = in_review(proposal, applicant, staff)
    assignment = assign_reviewer(proposal, reviewer, staff)
    declare_conflict(assignment, reviewer, False)
    criteria = {block.id: {"score": 8, "comment": "PRIVATE-REVIEW-COMMENT", "shared": False}
                for block in call.rubric}
    save_review(ReviewAssignment.objects.get(pk=assignment.pk), reviewer, criteria, "PRIVATE-REVIEW-COMMENT",
                recommendation="fund", submit=True)
    from grants.review.services import determine

    award = make_award(determine(proposal, staff, "approved", "PRIVATE-STAFF-NOTE"),
                       {FundFactory(): D("90000")}, staff)
    award = awards.sign(award, staff, SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n"))
    report = award.reports.get(kind="midterm")
    report_service.save_report(report, applicant, "PRIVATE-REPORT-TEXT",
                               {i.pk: (D("10"), "PRIVATE-REPORT-TEXT") for i in proposal.indicators.all()})
    with transaction.atomic():
        donation = Donation.objects.create(award=award, amount=D("50"), donor_name="张三", anonymous=True,
                                           message="PRIVATE-DONOR-MESSAGE", donor_email="private-donor@example.com")
        donation.mark_paid(timezone.now())
        donation.save()
        ledger.receive_donation(donation)
    return award


def test_no_private_string_reaches_the_public_pages_or_the_json(secretive, client):
    pages = [reverse("portal:project", args=[secretive.pk]),
             reverse("portal:organisation", args=[secretive.proposal.organisation.pk]),
             reverse("api_projects")]
    for url in pages:
        content = client.get(url).content.decode()
        assert secretive.proposal.title in content, url
        for secret in PRIVATE + ["张三"]:
            assert secret not in content, (url, secret)


def test_the_project_page_shows_funders_progress_and_donations(secretive, client):
    page = client.get(reverse("portal:project", args=[secretive.pk])).content.decode()
    assert "¥50.00" in page and "Anonymous" in page
    assert "Mid-term report" in page and "How the budget is spent" in page
    assert secretive.funding.get().fund.name_zh in page


def test_an_unverified_organisation_without_awards_has_no_public_profile(client, db):
    organisation = OrganisationFactory(status="pending")
    assert client.get(reverse("portal:organisation", args=[organisation.pk])).status_code == 404


def test_the_profile_lists_the_organisations_projects_and_totals(world, client):
    organisation = world[3].proposal.organisation
    page = client.get(reverse("portal:organisation", args=[organisation.pk])).content.decode()
    assert world[3].proposal.title in page and "¥90,000.00" in page and "Verified" in page


# -- the browser page ----------------------------------------------------------------------
@pytest.fixture
def browser_page(db):
    from wagtail.models import Locale

    from cms.models import HomePage
    from demo.site import PROJECTS_PAGE, ensure_single_page
    from portal.models import ProjectIndexPage

    home = HomePage.objects.get(locale__language_code="zh-hans")
    ensure_single_page(ProjectIndexPage, PROJECTS_PAGE, home, Locale.objects.get(language_code="en"))
    return "/en/projects/"


def test_the_browser_page_lists_filters_and_counts_without_javascript(world, browser_page, client, themes):
    street = world[1].proposal.street
    page = client.get(browser_page, {"street": street.pk, "theme": themes["youth"].pk}).content.decode()
    assert world[2].proposal.title in page and world[1].proposal.title not in page
    assert "1 funded project" in page
    # The selected street links to the list without it; the theme facet counts within the street.
    assert f'href="?theme={themes["youth"].pk}" aria-current="true"' in page
    assert f'name="street" value="{street.pk}"' in page  # the search form keeps the facets


def test_the_browser_page_searches_in_chinese(world, browser_page, client):
    page = client.get(browser_page, {"q": "停车"}).content.decode()
    assert world[3].proposal.title in page and world[1].proposal.title not in page


def test_the_browser_page_costs_the_same_queries_however_many_projects(world, browser_page, client, call,
                                                                      applicant, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        client.get(browser_page)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(browser_page, {"sort": "amount"}).status_code == 200
        return len(captured.captured_queries)

    before = queries()
    for _ in range(4):
        make_award(approved(make_proposal(call, OrganisationFactory(admins=[applicant]), applicant), applicant, staff),
                   {world["funds"][0]: D("90000")}, staff)
    assert queries() == before


def test_a_mangled_filter_is_ignored_not_a_500(world, browser_page, client):
    response = client.get(browser_page, {"street": "nonsense", "page": "x"})
    assert response.status_code == 200 and "were not understood" in response.content.decode()
