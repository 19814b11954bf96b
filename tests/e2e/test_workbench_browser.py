"""The staff workbench in a real browser: accessible, and usable without JavaScript.
(Here, beside the other journeys, so all browser tests share one Playwright session.)"""

import pytest

from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD
from tests.grants.review.test_workbench import PARKING, URL, YOUTH, data  # noqa: F401  (fixture)

# -- in a real browser: accessible, and usable without JavaScript ----------------------------

def sign_in(page, email, next_path):
    page.goto(f"/zh-hans/accounts/login/?next={next_path}")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_login) [type=submit]").click()
    page.wait_for_url(f"**{next_path}")


@pytest.mark.browser
def test_the_workbench_is_accessible_with_and_without_filters(site, chinese_page, data, staff):
    page = chinese_page
    sign_in(page, staff.email, URL)
    assert page.locator("tbody tr").count() == 3
    assert_accessible(page)
    page.goto(URL + "?score_min=abc&q=停车")  # a field in error, and a search
    assert page.locator("#id_score_min_error").count() == 1
    assert_accessible(page)


@pytest.mark.browser
def test_staff_filter_and_sort_without_javascript(browser, site, data, staff):
    context = browser.new_context(locale="zh-CN", base_url=site.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, staff.email, URL)
        page.fill("#id_q", "停车")
        page.locator("form.workbench-filters [type=submit]").click()
        page.wait_for_url("**q=*")
        assert page.locator("tbody th[scope=row]").all_inner_texts() == [PARKING]

        page.goto(URL + f"?street={data['nanping'].pk}")
        page.locator("thead th:nth-child(8) a").click()  # the score column
        page.wait_for_url("**sort=-score*")
        assert "street=" in page.url
        assert page.locator("thead th:nth-child(8)").get_attribute("aria-sort") == "descending"
        assert page.locator("tbody th[scope=row]").all_inner_texts() == [PARKING, YOUTH]
    finally:
        context.close()
