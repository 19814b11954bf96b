import re

import pytest
from django.core import mail

from incubator.accounts.models import User
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_visitor_reads_in_chinese_switches_to_english_registers_confirms_and_signs_in(chinese_page):
    page = chinese_page

    # A Chinese browser lands on the Chinese home page.
    page.goto("/")
    assert page.url.endswith("/zh-hans/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text() == "社创苗圃"
    assert_accessible(page)

    # The switcher is a plain form: English, same page.
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Seedbed"
    assert_accessible(page)

    # Register.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Register").click()
    page.wait_for_url("**/en/accounts/signup/")
    assert_accessible(page)
    page.get_by_label("Email").fill("wang.fang@example.org")
    page.get_by_label(re.compile(r"^Password:?$")).fill("Seedling-2026!")
    page.get_by_label(re.compile(r"^Password \(again\)")).fill("Seedling-2026!")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/en/accounts/confirm-email/")
    assert "Verify Your Email Address" in page.content()
    assert_accessible(page)

    # The confirmation email, in English, read from the test mailbox.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wang.fang@example.org"]
    path = re.search(r"https?://[^/\s]+(/en/accounts/confirm-email/\S+/)", message.body).group(1)
    page.goto(path)
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/en/accounts/login/")
    assert_accessible(page)

    # Sign in with the new account.
    page.get_by_label("Email").fill("wang.fang@example.org")
    page.get_by_label(re.compile(r"^Password:?$")).fill("Seedling-2026!")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/en/dashboard/")  # people land where their work is
    assert page.locator("h1").inner_text() == "My dashboard"
    page.get_by_role("link", name="My account").click()
    page.wait_for_url("**/en/accounts/profile/")
    assert page.locator("h1").inner_text() == "My profile"
    assert "wang.fang@example.org" in page.content()
    assert_accessible(page)
    assert User.objects.get(email="wang.fang@example.org").language == "en"
