"""Each role's dashboard in a real browser, as the journey's proof: after signing in the person
lands on it, sees their own work, and the page is axe-clean and fits the screen at desktop
(1366 px) and phone (390 px) widths. With SCREENSHOTS=1 it also saves the screenshots in
docs/screenshots/ (the viewport only, which keeps each PNG small)."""

import os
from pathlib import Path

import pytest

from incubator.accounts import permissions as roles
from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD, UserFactory, make_proposal
from tests.portal.test_dashboard import world  # noqa: F401  (fixture)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}


def person(role, data, staff, reviewer, supervisor, funder, call, organisation, applicant):
    """The role's user, and the text its dashboard must show."""
    if role == "staff":
        return staff, ["等待工作人员处理", "待形式审查的申报书", "待认证的社会组织"]
    if role == "reviewer":
        return reviewer, ["待完成的评审", data["overdue"].reference, "已逾期"]
    if role == "supervisor":
        return supervisor, ["近期审核结果", data["paying"].proposal.reference]
    if role == "funder":
        return funder, ["我的资金", data["fund"].name_zh, "余额"]
    draft = make_proposal(call, organisation, applicant, title="花园社区“一老一小”共享空间项目")
    return applicant, ["我的申报书", draft.title, "我的组织"]


@pytest.mark.browser
@pytest.mark.parametrize("role", ["staff", "reviewer", "supervisor", "funder", "applicant"])
def test_each_role_lands_on_its_own_dashboard(browser, site, world, role, staff, reviewer,  # noqa: F811
                                              supervisor, funder, call, organisation, applicant):
    user, expected = person(role, world, staff, reviewer, supervisor, funder, call, organisation, applicant)
    context = browser.new_context(locale="zh-CN", base_url=site.url, viewport=dict(zip(("width", "height"),
                                                                                      WIDTHS["desktop"])))
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        page.goto("/zh-hans/accounts/login/")
        page.fill("#id_login", user.email)
        page.fill("#id_password", PASSWORD)
        page.locator("form:has(#id_login) [type=submit]").click()
        page.wait_for_url("**/zh-hans/dashboard/")  # landed on the dashboard, not the profile
        for name, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.reload()
            text = page.locator("main").inner_text()
            assert [words for words in expected if words not in text] == [], name
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
            assert_accessible(page)
            if os.environ.get("SCREENSHOTS"):
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=SCREENSHOTS / f"dashboard-{role}-{name}.png")
    finally:
        context.close()


@pytest.mark.browser
def test_a_person_with_two_roles_sees_both_parts(browser, site, world, chinese_page):  # noqa: F811
    both = UserFactory(roles=[roles.STAFF, roles.REVIEWER])
    page = chinese_page
    page.goto("/zh-hans/accounts/login/")
    page.fill("#id_login", both.email)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_login) [type=submit]").click()
    page.wait_for_url("**/zh-hans/dashboard/")
    assert page.locator("#staff-work").count() == 1 and page.locator("#reviewer-work").count() == 1
