"""The public figures page in a real browser: readable and accessible in both languages, with
its charts drawn (SVG needs no JavaScript) and its tables beside them."""

import pytest

from tests.e2e.conftest import assert_accessible
from tests.portal.test_figures import (  # noqa: F401 (fixtures)
    call,
    fund_project,
    page,
    streets,
    themes,
    world,
)

pytestmark = pytest.mark.browser


def test_the_figures_page_is_accessible_in_both_languages(chinese_page, world, page):
    for language in ("zh-hans", "en"):
        chinese_page.goto(f"/{language}/figures/")
        # Six funding charts with their tables; training's three charts are empty here.
        assert chinese_page.locator("svg[role=img]").count() == 9
        assert chinese_page.locator("table.figure-table").count() == 6
        assert chinese_page.locator("svg[role=img] rect.bar").first.bounding_box()["width"] > 0
        assert_accessible(chinese_page)


def test_the_empty_figures_page_is_accessible(chinese_page, page):
    chinese_page.goto("/en/figures/")
    assert chinese_page.get_by_text("No project has been funded yet").is_visible()
    assert_accessible(chinese_page)
