"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

The live server needs a transactional database, which Django flushes after each test; our
post_migrate handlers then rebuild the reference data (home pages, Site, roles, places), and
the fixtures below clear the caches that still point at the old rows.
"""

import os
from pathlib import Path

import pytest

# Playwright keeps an asyncio loop in the test thread; Django's ORM must be allowed there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run the README's test command, which installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(transactional_db, live_server):
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    from cms.bootstrap import ensure_site
    from incubator.accounts.reference import ensure_roles
    from incubator.places.reference import ensure_places

    ContentType.objects.clear_cache()
    cache.clear()
    ensure_site()
    ensure_roles()
    ensure_places()
    return live_server


@pytest.fixture
def chinese_page(browser, site):
    """A page in a browser whose language is Simplified Chinese."""

    context = browser.new_context(locale="zh-CN", base_url=site.url)
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page):
    """axe-core finds no serious or critical violation on the current page."""
    # Through DevTools rather than a <script> tag: the page's Content-Security-Policy refuses
    # inline scripts, and rightly.
    page.evaluate("() => {" + AXE.read_text() + "\n}")
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .filter(v => ['serious', 'critical'].includes(v.impact))
             .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"""
    )
    assert violations == [], f"{page.url}: {violations}"
