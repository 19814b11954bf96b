"""The proposal form in a browser, on a desk and on a phone: budget rows are added on the page
and saved, the budget total follows what is typed, only the chosen street's communities show,
nothing is wider than the screen, and axe finds nothing serious."""

from decimal import Decimal

import pytest

from grants.proposals.models import BudgetLine
from incubator.places.models import Street
from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD, OrganisationFactory, UserFactory, make_call, make_proposal

pytestmark = pytest.mark.browser


def new_page(browser, site, width):
    context = browser.new_context(locale="zh-CN", base_url=site.url, viewport={"width": width, "height": 900})
    context.set_default_timeout(15000)
    return context, context.new_page()


def sign_in(page, email, next_path):
    page.goto(f"/zh-hans/accounts/login/?next={next_path}")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_login) [type=submit]").click()
    page.wait_for_url(f"**{next_path}")


@pytest.mark.parametrize("width", [1366, 390])
def test_the_proposal_form_adds_rows_totals_and_filters_communities(browser, site, width):
    applicant = UserFactory(email="form.applicant@example.org")
    organisation = OrganisationFactory(admins=[applicant])
    draft = make_proposal(make_call(status="open"), organisation, applicant)  # ¥90,000 + ¥10,000; 2 lines
    path = f"/zh-hans/proposals/{draft.pk}/edit/"
    context, page = new_page(browser, site, width)
    try:
        sign_in(page, applicant.email, path)

        # Nothing wider than the screen: the budget table stacks on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)

        # The saved lines add up to requested + co-funding.
        assert page.locator("#budget-total").inner_text() == "¥100,000.00"
        assert page.locator("#project-total").inner_text() == "¥100,000.00"

        # Four more lines than the three spare rows the page came with.
        rows_before = page.locator("#budget table.formset tbody tr").count()
        for number in range(4):
            page.locator("#add-budget-row").click()
        assert page.locator("#budget table.formset tbody tr").count() == rows_before + 4
        last = rows_before + 3
        page.select_option(f"#id_budget-{last}-category", "materials")
        page.fill(f"#id_budget-{last}-item", "宣传折页")
        page.fill(f"#id_budget-{last}-quantity", "3")
        page.fill(f"#id_budget-{last}-unit", "批")
        page.fill(f"#id_budget-{last}-unit_price", "1250.50")
        assert page.locator("#budget-total").inner_text() == "¥103,751.50"
        page.fill("#id_p-requested_amount", "93751.50")
        assert page.locator("#project-total").inner_text() == "¥103,751.50"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)

        # Only the chosen street's communities show; another street shows its own.
        other = Street.objects.exclude(pk=organisation.street_id).filter(communities__isnull=False).first()
        groups = page.locator(".community-group")
        assert page.locator(f'.community-group[data-street="{organisation.street_id}"]').is_visible()
        assert page.locator(f'.community-group[data-street="{other.pk}"]').is_hidden()
        page.select_option("#id_p-street", str(other.pk))
        assert page.locator(f'.community-group[data-street="{other.pk}"]').is_visible()
        assert page.locator(f'.community-group[data-street="{organisation.street_id}"]').is_hidden()
        assert groups.count() > 2
        page.select_option("#id_p-street", str(organisation.street_id))

        with page.expect_navigation():
            page.locator(".sticky-actions button[name=action][value=save]").click()
        line = BudgetLine.objects.get(proposal=draft, item="宣传折页")
        assert (line.quantity, line.unit_price) == (Decimal(3), Decimal("1250.50"))
        assert page.locator("#budget-total").inner_text() == "¥103,751.50"
    finally:
        context.close()
