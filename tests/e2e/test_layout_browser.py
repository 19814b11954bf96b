"""Each role's representative pages on a phone (390 px) and a laptop (1366 px): nothing scrolls
sideways and axe finds nothing serious; on a phone the 菜单 button folds the navigation away and
the project browser's facets wait behind 筛选; on a laptop each navigation row is one line.

One browser page is reused for every visit, and problems are collected so a run names all the
pages that fail, not only the first.
"""

from decimal import Decimal

import pytest
from wagtail.models import Locale

from cms.models import HomePage
from demo.site import PROJECTS_PAGE, ensure_demo_pages, ensure_single_page
from grants.review.services import assign_reviewer
from portal.models import ProjectIndexPage
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_workbench_browser import sign_in
from tests.factories import (
    FundFactory,
    OrganisationFactory,
    UserFactory,
    approved,
    call_index,
    in_review,
    make_award,
    make_call,
    make_proposal,
)

pytestmark = pytest.mark.browser

PHONE, LAPTOP = 390, 1366


def world():
    """An applicant with a draft, a proposal in review and an award; a reviewer assigned to the
    proposal in review; staff; and the public project browser."""
    applicant = UserFactory(email="chen.jing@example.org", name="陈静")
    staff = UserFactory(email="zhou.staff@example.org", roles=["staff"])
    reviewer = UserFactory(email="li.reviewer@example.org", roles=["reviewer"])
    call, fund = make_call(), FundFactory(budget=Decimal(1000000))
    organisation = OrganisationFactory(admins=[applicant])
    draft = make_proposal(call, organisation, applicant, title="南坪街道“四点半课堂”托管服务项目")
    reviewed = in_review(make_proposal(call, organisation, applicant, title="南坪街道老旧小区停车协商议事项目"),
                         applicant, staff)
    assignment = assign_reviewer(reviewed, reviewer, staff)
    funded = make_proposal(call, organisation, applicant, title="南坪街道老年食堂助餐服务项目")
    award = make_award(approved(funded, applicant, staff), {fund: Decimal(90000)}, staff)
    home = HomePage.objects.get(locale__language_code="zh-hans")
    ensure_single_page(ProjectIndexPage, PROJECTS_PAGE, home, Locale.objects.get(language_code="en"))
    return {
        None: ["/zh-hans/", call.get_parent().url, call.url, "/zh-hans/projects/",
               f"/zh-hans/projects/{award.pk}/", "/zh-hans/accounts/login/"],
        applicant: ["/zh-hans/dashboard/", f"/zh-hans/proposals/{draft.pk}/edit/",
                    f"/zh-hans/proposals/{reviewed.pk}/", f"/zh-hans/awards/{award.pk}/"],
        reviewer: ["/zh-hans/reviews/", f"/zh-hans/reviews/{assignment.pk}/"],
        staff: ["/zh-hans/staff/proposals/", f"/zh-hans/staff/proposals/{reviewed.pk}/", "/zh-hans/awards/",
                f"/zh-hans/awards/{award.pk}/", "/zh-hans/funds/", f"/zh-hans/funds/{fund.pk}/"],
    }


def sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def nav_rows(page):
    """How many lines each navigation row's items take (1 when they share one offsetTop)."""
    return page.evaluate(
        "() => [...document.querySelectorAll('.site-nav ul')]"
        ".map(ul => new Set([...ul.children].map(li => li.offsetTop)).size)")


def test_every_role_s_pages_fit_a_phone_and_a_laptop(site, chinese_page):
    pages = world()
    page, problems = chinese_page, []
    for user, paths in pages.items():
        page.context.clear_cookies()
        if user is not None:
            sign_in(page, user.email, paths[0])
        for width in (PHONE, LAPTOP):
            page.set_viewport_size({"width": width, "height": 900})
            for path in paths:
                response = page.goto(path)
                if response.status != 200:
                    problems.append(f"{path}: HTTP {response.status}")
                    continue
                if sideways_scroll(page) > 0:
                    problems.append(f"{path} at {width} px scrolls sideways by {sideways_scroll(page)} px")
                if width == LAPTOP and nav_rows(page) != [1] * len(nav_rows(page)):
                    problems.append(f"{path} at {width} px: navigation rows wrap {nav_rows(page)}")
                try:
                    assert_accessible(page)
                except AssertionError as error:
                    problems.append(f"{path} at {width} px: {error}")
    assert problems == []


def test_the_menu_button_opens_and_closes_the_navigation_on_a_phone(site, chinese_page, staff):
    page = chinese_page
    sign_in(page, staff.email, "/zh-hans/dashboard/")
    page.set_viewport_size({"width": PHONE, "height": 800})
    button, nav = page.locator(".nav-toggle"), page.locator("#site-nav")
    assert button.is_visible() and nav.is_hidden()
    assert button.get_attribute("aria-expanded") == "false"

    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("link", name="立项项目").is_visible()
    assert sideways_scroll(page) <= 0
    assert_accessible(page)
    button.click()
    assert nav.is_hidden() and button.get_attribute("aria-expanded") == "false"

    # By keyboard: Enter opens it, Escape closes it and gives the focus back to the button.
    button.focus()
    page.keyboard.press("Enter")
    assert nav.is_visible()
    page.keyboard.press("Escape")
    assert nav.is_hidden()
    assert page.evaluate("document.activeElement.classList.contains('nav-toggle')")

    # On a laptop there is no button and the navigation is always there.
    page.set_viewport_size({"width": LAPTOP, "height": 800})
    assert button.is_hidden() and nav.is_visible()


def test_without_javascript_the_phone_navigation_stays_visible(browser, site):
    context = browser.new_context(locale="zh-CN", base_url=site.url, java_script_enabled=False,
                                  viewport={"width": PHONE, "height": 800})
    try:
        page = context.new_page()
        page.goto("/zh-hans/")
        assert page.locator(".nav-toggle").is_hidden()
        assert page.locator(".main-nav").get_by_role("link", name="登录").is_visible()
    finally:
        context.close()


def test_staff_navigation_is_one_line_at_1366_px_with_distinct_names(site, chinese_page, staff):
    ensure_demo_pages()  # the demo's menu, in both languages: English labels are the longer
    call_index()
    page = chinese_page
    page.set_viewport_size({"width": LAPTOP, "height": 800})
    sign_in(page, staff.email, "/zh-hans/dashboard/")
    for path in ("/zh-hans/dashboard/", "/en/dashboard/"):
        page.goto(path)
        rows = nav_rows(page)
        assert len(rows) == 2 and rows == [1, 1], (path, rows)
    page.goto("/zh-hans/dashboard/")
    labels = page.locator(".site-nav a").all_inner_texts()
    assert len(labels) == len(set(labels)), labels
    assert page.locator(".work-nav a[href='/zh-hans/awards/']").inner_text() == "立项项目"


def test_the_project_browser_puts_the_facets_behind_a_filter_button_on_a_phone(site, chinese_page):
    world()
    page = chinese_page
    page.set_viewport_size({"width": PHONE, "height": 900})
    page.goto("/zh-hans/projects/")
    toggle, facets = page.locator(".facets-toggle > summary"), page.locator(".facets")
    assert toggle.inner_text().startswith("筛选") and facets.is_hidden()
    # The first result is now on the first screen, not 1,900 px down below the facets.
    assert page.locator(".project-list > li").first.bounding_box()["y"] < 900
    toggle.click()
    assert facets.is_visible()
    assert_accessible(page)

    page.set_viewport_size({"width": LAPTOP, "height": 800})
    page.goto("/zh-hans/projects/")
    assert toggle.is_hidden() and facets.is_visible()
