"""The home page as a service portal (issue 13): open calls with their deadlines, key figures,
recent funded projects, training programmes and how to donate, in few queries and cached for
anonymous visitors until what it shows changes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale

from cms.models import HomePage
from incubator.training.models import ProgrammeIndexPage, ProgrammePage
from tests.factories import FundFactory, OrganisationFactory, approved, make_award, make_call, make_proposal

pytestmark = pytest.mark.django_db


def home():
    return HomePage.objects.get(locale__language_code="zh-hans")


def get(client, url="/zh-hans/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def part(html, name):
    """The HTML of one part of the home page (data-testid="home-<name>")."""
    start = html.index(f'data-testid="home-{name}"')
    return html[start:html.index("</section>", start)]


def funded(call, applicant, staff, title):
    proposal = make_proposal(call, OrganisationFactory(admins=[applicant]), applicant, title=title)
    return make_award(approved(proposal, applicant, staff), {FundFactory(): Decimal("90000")}, staff)


def programme(title):
    index = ProgrammeIndexPage.objects.filter(locale__language_code="zh-hans").first()
    if index is None:
        index = home().add_child(instance=ProgrammeIndexPage(title="人才培养", slug="programmes"))
        index.save_revision().publish()
    page = index.add_child(instance=ProgrammePage(title=title, slug=f"p{ProgrammePage.objects.count()}",
                                                  code="SCY", intro=f"{title}的简介", audience="<p>社工</p>"))
    page.save_revision().publish()
    return page


def test_open_calls_come_first_with_their_deadline_in_beijing_time(client):
    closes = timezone.now().replace(microsecond=0) + timedelta(days=3)
    closes = closes.replace(hour=1, minute=0, second=0)  # 01:00 UTC is 09:00 in Beijing
    make_call(title="正在征集的项目", closes_at=closes)
    make_call("upcoming", title="尚未开始的项目")
    make_call("closed", title="已经截止的项目")
    html, _cost = get(client)
    calls = part(html, "calls")
    assert html.index('data-testid="home-calls"') < html.index('data-testid="home-give"')
    assert "正在征集的项目" in calls and "尚未开始的项目" not in calls and "已经截止的项目" not in calls
    local = timezone.localtime(closes)
    assert f"截止时间：{local.year}年{local.month}月{local.day}日 09:00" in calls
    assert "（北京时间）" in calls and "+00:00" not in html


def test_without_an_open_call_it_says_so(client):
    make_call("closed", title="已经截止的项目")
    calls = part(get(client)[0], "calls")
    assert "目前没有正在征集的项目" in calls


def test_key_figures_reuse_the_figures_page_totals_in_wan_yuan(client, call, applicant, staff):
    funded(call, applicant, staff, "社区花园项目")
    figures = part(get(client)[0], "figures")
    assert "资助项目数" in figures
    assert "9万元" in figures  # ¥90,000 committed, on a summary in 万元
    assert 'href="/zh-hans/open-data/"' in figures


def test_recent_funded_projects_link_to_their_pages(client, call, applicant, staff):
    award = funded(call, applicant, staff, "社区花园项目")
    projects = part(get(client)[0], "projects")
    assert "社区花园项目" in projects and f'href="/zh-hans/projects/{award.pk}/"' in projects


def test_training_programmes_are_listed(client):
    programme("社创营")
    training = part(get(client)[0], "training")
    assert "社创营" in training and "社创营的简介" in training


def test_how_to_donate_links_the_public_pool(client, settings):
    FundFactory(kind="donations", name_zh="南岸区社区公益募捐池", budget=Decimal("0"))
    give = part(get(client)[0], "give")
    assert 'href="/zh-hans/donate/"' in give and "南岸区社区公益募捐池" in give


def test_with_online_giving_off_home_shows_the_bank_account(client, settings):
    from wagtail.models import Site

    from cms.models import SiteSettings

    settings.STRIPE_SECRET_KEY = ""
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.bank_account_name, site_settings.bank_name = "南岸区社区治理创新中心", "工商银行南坪支行"
    site_settings.bank_account_number = "3100 0000 0000"
    site_settings.save()
    give = part(get(client)[0], "give")
    assert "3100 0000 0000" in give and "工商银行南坪支行" in give


def test_the_home_page_costs_the_same_queries_whatever_it_shows(client, applicant, staff):
    call = make_call()
    funded(call, applicant, staff, "项目一")
    programme("社创营")
    _html, few = get(Client())
    for number in range(3):
        make_call(title=f"更多征集{number}")
        funded(call, applicant, staff, f"更多项目{number}")
        programme(f"更多培训{number}")
    cache.clear()
    html, many = get(Client())
    assert "更多征集2" in html and "更多培训2" in html
    assert many == few
    assert many <= 20


def test_english_home_lists_the_english_calls(client):
    from tests.factories import translated

    call = make_call(title="正在征集的项目")
    english = translated(call)
    english.title = "The open call"
    english.save_revision().publish()
    html, _cost = get(client, "/en/")
    assert "The open call" in part(html, "calls") and "正在征集的项目" not in html


class TestCache:
    @pytest.fixture(autouse=True)
    def _cache_on(self, settings):
        settings.PUBLIC_CACHE = True

    def test_the_second_visit_is_served_from_the_cache(self, client):
        make_call(title="正在征集的项目")
        get(Client())
        html, cost = get(Client())
        assert cost == 1 and "正在征集的项目" in html  # only the version

    def test_a_new_award_shows_at_once(self, client, call, applicant, staff):
        assert "社区花园项目" not in get(client)[0]
        funded(call, applicant, staff, "社区花园项目")
        assert "社区花园项目" in part(get(client)[0], "projects")

    def test_a_published_call_shows_at_once(self, client):
        get(client)
        make_call(title="新发布的征集")
        assert "新发布的征集" in part(get(client)[0], "calls")

    def test_its_copy_lasts_to_the_next_minute_so_a_call_that_opens_shows(self, client, monkeypatch):
        # Opening is the clock's doing, not an event: the page says which calls are open now.
        stored = []
        real_set = cache.set

        def spy(key, *args, **kwargs):
            if key.startswith("public:"):
                stored.append(args[1])
            return real_set(key, *args, **kwargs)

        monkeypatch.setattr(cache, "set", spy)
        get(client)
        assert stored and max(stored) <= 60
