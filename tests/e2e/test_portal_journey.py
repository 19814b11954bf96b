"""A resident browses the funded projects in a Chinese browser: narrows the list by street and
by theme with the facet links (their counts change with each choice), searches in Chinese,
opens a project, reads its funders and progress, and downloads the open-data CSV. axe-core
runs on each page; nothing here needs JavaScript.

Selectors use URLs, names and data-testid rather than visible wording.
"""

import csv
import io
from decimal import Decimal

import pytest
from wagtail.models import Locale

from cms.models import HomePage
from demo.site import PROJECTS_PAGE, ensure_single_page
from grants.calls.models import Theme
from incubator.places.models import Street
from portal.models import ProjectIndexPage
from tests.e2e.conftest import assert_accessible
from tests.factories import (
    FundFactory,
    OrganisationFactory,
    UserFactory,
    approved,
    make_award,
    make_call,
    make_proposal,
)

pytestmark = pytest.mark.browser

PROJECTS = [
    # street code, theme codes, title
    ("500108003", ["elderly"], "南坪街道老年食堂助餐服务项目"),
    ("500108003", ["youth"], "南坪街道“四点半课堂”托管服务项目"),
    ("500108003", ["elderly", "governance"], "南坪街道老旧小区停车协商议事项目"),
    ("500108002", ["elderly"], "花园路街道“时间银行”互助养老项目"),
]


def funded_world():
    applicant = UserFactory(email="chen.jing@example.org", name="陈静")
    staff = UserFactory(email="zhou.staff@example.org", roles=["staff"])
    themes = {code: Theme.objects.get_or_create(code=code, defaults={"name_zh": zh, "name_en": en})[0]
              for code, zh, en in (("elderly", "为老服务", "Elderly care"), ("youth", "儿童青少年", "Children and youth"),
                                   ("governance", "社区治理", "Community governance"))}
    call, fund = make_call(), FundFactory(budget=Decimal("1000000"))
    awards = []
    for street, codes, title in PROJECTS:
        organisation = OrganisationFactory(admins=[applicant], street=Street.objects.get(code=street))
        proposal = make_proposal(call, organisation, applicant, title=title)
        proposal.themes.set([themes[code] for code in codes])
        awards.append(make_award(approved(proposal, applicant, staff), {fund: Decimal("90000")}, staff))
    home = HomePage.objects.get(locale__language_code="zh-hans")
    ensure_single_page(ProjectIndexPage, PROJECTS_PAGE, home, Locale.objects.get(language_code="en"))
    return awards, themes


def test_a_visitor_filters_searches_opens_a_project_and_downloads_the_csv(site, chinese_page):
    awards, themes = funded_world()
    nanping = Street.objects.get(code="500108003")
    page = chinese_page
    page.goto("/zh-hans/projects/")
    assert page.locator(".project-list > li").count() == 4
    assert_accessible(page)

    # The street facet: 南坪 has three projects.
    street_link = page.locator(f".facets a[href*='street={nanping.pk}']")
    assert street_link.locator("xpath=..").locator(".count").inner_text() == "3"
    street_link.click()
    page.wait_for_url(f"**street={nanping.pk}**")
    assert page.locator(".project-list > li").count() == 3
    # Within 南坪, the elderly-care theme counts two.
    theme_link = page.locator(f".facets a[href*='theme={themes['elderly'].pk}']")
    assert theme_link.locator("xpath=..").locator(".count").inner_text() == "2"
    theme_link.click()
    page.wait_for_url(f"**theme={themes['elderly'].pk}**")
    assert page.locator(".project-list > li").count() == 2
    assert_accessible(page)

    # A Chinese search inside the filtered list keeps the filters.
    page.fill("input[name=q]", "停车")
    with page.expect_navigation():
        page.locator("form.project-search button[type=submit]").click()
    assert f"street={nanping.pk}" in page.url and "q=" in page.url
    results = page.locator(".project-list > li")
    assert results.count() == 1 and "停车" in results.inner_text()

    # The project's own page.
    results.locator("a").click()
    page.wait_for_url(f"**/zh-hans/projects/{awards[2].pk}/")
    assert page.locator("h1").inner_text() == awards[2].proposal.title
    assert page.locator('[data-testid="awarded"]').inner_text() == "¥90,000.00"
    assert_accessible(page)

    # Back on the list, the open data as CSV.
    page.goto("/zh-hans/projects/")
    with page.expect_download() as download:
        page.locator('[data-testid="open-data-csv"]').click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4
    assert {row["Title"] for row in rows} == {title for _street, _codes, title in PROJECTS}
