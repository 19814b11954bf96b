"""With the Content-Security-Policy on, the site and the Wagtail admin work in a real browser
and the browser reports no violation: on the public pages, the figures' charts, sign-in, and
the admin's dashboard, page editor (with its preview) and snippets."""

import pytest
from wagtail.models import Page

from tests.e2e.test_organisation_applies import sign_in
from tests.factories import OrganisationFactory, UserFactory
from tests.portal.test_figures import (  # noqa: F401 (fixtures)
    call,
    fund_project,
    page,
    streets,
    themes,
    world,
)

pytestmark = pytest.mark.browser

# Registered before any page script runs (DevTools, so the policy does not apply to it).
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} `
                              + `(${e.sourceFile}:${e.lineNumber}) ${e.sample}`));
"""


@pytest.fixture
def watched(browser, site):
    """A browser page that keeps every CSP violation: the event and the console's reports."""

    context = browser.new_context(locale="zh-CN", base_url=site.url)
    context.set_default_timeout(15000)
    context.add_init_script(LISTEN)
    tab = context.new_page()
    tab.console_reports = []
    tab.on("console", lambda message: "Content Security Policy" in message.text
           and tab.console_reports.append(message.text))
    yield tab
    context.close()


def visit(tab, path):
    response = tab.goto(path)
    assert response.ok, f"{path}: {response.status}"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    tab.wait_for_load_state("networkidle")
    return violations(tab)


def violations(tab):
    found = tab.evaluate("window.__cspViolations") + tab.console_reports
    tab.console_reports.clear()
    return found


def test_public_pages_run_with_no_violation(watched, world, page):
    for path in ("/zh-hans/", "/en/figures/", "/zh-hans/accounts/login/", "/zh-hans/accounts/signup/"):
        assert visit(watched, path) == [], path


def test_the_figures_charts_keep_their_size_under_the_policy(watched, world, page):
    assert visit(watched, "/zh-hans/figures/") == []
    chart = watched.locator("svg[role=img]").first
    assert chart.bounding_box()["width"] > 0


def test_the_wagtail_admin_runs_with_no_violation(watched, site):
    UserFactory(email="admin@example.com", is_superuser=True, is_staff=True)
    organisation = OrganisationFactory()
    home = Page.objects.get(depth=2, locale__language_code="zh-hans")
    sign_in(watched, "admin@example.com", "/admin/")
    watched.wait_for_url("**/admin/")
    found = violations(watched)
    for path in (
        "/admin/",
        f"/admin/pages/{home.pk}/",
        f"/admin/pages/{home.pk}/edit/",
        "/admin/snippets/organisations/organisation/",
        f"/admin/snippets/organisations/organisation/edit/{organisation.pk}/",
        "/admin/images/",
        "/admin/documents/",
    ):
        found += visit(watched, path)
    # The page editor's live preview: a frame of the admin's own origin.
    watched.goto(f"/admin/pages/{home.pk}/edit/")
    watched.locator("[data-side-panel-toggle='preview']").click()
    preview = watched.frame_locator("iframe[id='w-preview-iframe'], .preview-panel iframe").first
    preview.locator("body").wait_for()
    watched.wait_for_timeout(1000)
    found += violations(watched)
    assert found == [], "\n".join(found)
