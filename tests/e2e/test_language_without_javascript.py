import pytest

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def english_page_without_js(browser, site):
    context = browser.new_context(locale="en-GB", base_url=site.url, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def test_an_english_browser_gets_english_and_switches_to_chinese_without_javascript(
    english_page_without_js,
):
    page = english_page_without_js
    page.goto("/")
    assert page.url.endswith("/en/")
    assert page.locator("h1").inner_text() == "Seedbed"

    page.get_by_role("button", name="简体中文").click()
    page.wait_for_url("**/zh-hans/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text() == "社创苗圃"

    # The choice is remembered: the bare address now opens in Chinese despite the browser.
    page.goto("/")
    assert page.url.endswith("/zh-hans/")


def test_the_login_page_is_accessible_in_chinese(chinese_page):
    chinese_page.goto("/zh-hans/accounts/login/")
    assert chinese_page.locator("h1").inner_text() == "登录"
    assert_accessible(chinese_page)
