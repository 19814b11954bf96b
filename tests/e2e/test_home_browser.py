"""The service-portal home page in a real browser at 1366 px and at 390 px: every part shown,
no horizontal scroll, axe-clean; saves the README's screenshots (viewport only)."""

from decimal import Decimal
from pathlib import Path

import pytest

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


@pytest.fixture
def portal(site):
    from wagtail.models import Site

    from cms.models import HomePage, SiteSettings
    from incubator.accounts import permissions
    from incubator.training.models import ProgrammeIndexPage, ProgrammePage
    from tests.factories import (
        FundFactory,
        OrganisationFactory,
        UserFactory,
        approved,
        make_award,
        make_call,
        make_proposal,
    )

    home = HomePage.objects.get(locale__language_code="zh-hans")
    call = make_call(title="2026年南岸区社区治理创新项目")
    make_call(title="2026年“小事微项目”征集")
    applicant, staff = UserFactory(), UserFactory(roles=[permissions.STAFF])
    for title in ("南坪街道“银龄互助”老年人居家关爱项目", "铜元局街道青少年四点半课堂", "弹子石社区花园营造"):
        proposal = make_proposal(call, OrganisationFactory(admins=[applicant]), applicant, title=title)
        make_award(approved(proposal, applicant, staff), {FundFactory(): Decimal("90000")}, staff)
    index = home.add_child(instance=ProgrammeIndexPage(title="人才培养", slug="programmes"))
    index.save_revision().publish()
    for slug, title, intro in (("scy", "社创营", "面向社区社会工作者，提升专业能力与社区治理能力。"),
                               ("qcy", "青创营", "面向社工专业毕业生和青年创业者，配备导师。")):
        page = index.add_child(instance=ProgrammePage(title=title, slug=slug, code="SCY", intro=intro,
                                                      audience="<p>社工</p>"))
        page.save_revision().publish()
    FundFactory(kind="donations", name_zh="南岸区社区公益募捐池", budget=Decimal("0"))
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.hotline = "023-6298 0000"
    site_settings.bank_account_name = "重庆市南岸区社区治理创新中心"
    site_settings.bank_name = "中国工商银行重庆南坪支行"
    site_settings.bank_account_number = "3100 0212 3456 7890 123"
    site_settings.save()
    return site


@pytest.mark.parametrize("device", WIDTHS)
def test_the_home_page_serves_each_visitor_at_desktop_and_phone_width(chinese_page, portal, device):
    width, height = WIDTHS[device]
    chinese_page.set_viewport_size({"width": width, "height": height})
    chinese_page.goto("/zh-hans/")
    for part in ("calls", "figures", "projects", "training", "give"):
        assert chinese_page.locator(f'[data-testid="home-{part}"]').is_visible()
    assert chinese_page.get_by_role("link", name="2026年南岸区社区治理创新项目").is_visible()
    assert chinese_page.get_by_role("link", name="向公众募捐池捐赠").first.is_visible()
    assert chinese_page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(chinese_page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    chinese_page.screenshot(path=str(SCREENSHOTS / f"home-{device}.png"))
