"""Giving is never a dead end (issue 13): with online giving off, the donation pages and the
project page show the centre's bank account and contact from the site settings, and the
public-donation pool is linked from each project page."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Site

from cms.models import SiteSettings
from tests.grants.donations.donation_fixtures import award, matching_fund, pool  # noqa: F401 (fixtures)
from tests.stripe_fake import fake_stripe  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def donations_off(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""


@pytest.fixture
def bank_account(db):
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.hotline = "023-6298 0000"
    site_settings.bank_account_name = "重庆市南岸区社区治理创新中心"
    site_settings.bank_name = "中国工商银行重庆南坪支行"
    site_settings.bank_account_number = "3100 0212 3456 7890 123"
    site_settings.save()
    return site_settings


def url(name, *args):
    with translation.override("zh-hans"):
        return reverse(name, args=args)


def test_with_online_giving_off_the_donate_pages_show_the_bank_account_and_contact(
        donations_off, bank_account, client, award, pool):
    for address in (url("donations:donate_project", award.pk), url("donations:donate_pool")):
        page = client.get(address).content.decode()
        assert "在线捐赠功能目前已关闭。" in page
        assert "其他捐赠方式" in page
        assert "户名" in page and "重庆市南岸区社区治理创新中心" in page
        assert "开户行" in page and "中国工商银行重庆南坪支行" in page
        assert "账号" in page and "3100 0212 3456 7890 123" in page
        assert 'href="tel:023-6298 0000"' in page


def test_the_project_donate_page_offers_the_pool_when_online_giving_is_off(donations_off, client, award, pool):
    page = client.get(url("donations:donate_project", award.pk)).content.decode()
    assert f'href="{url("donations:donate_pool")}"' in page


def test_without_bank_details_only_the_contact_is_shown(donations_off, client, award):
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.email = "service@seedbed.test"
    site_settings.save()
    page = client.get(url("donations:donate_project", award.pk)).content.decode()
    assert "账号" not in page and "mailto:service@seedbed.test" in page


def test_the_project_page_shows_other_ways_to_give_when_online_giving_is_off(
        donations_off, bank_account, client, award, pool):
    page = client.get(url("portal:project", award.pk)).content.decode()
    assert 'data-testid="donate-box"' not in page  # no online Donate button
    assert "3100 0212 3456 7890 123" in page
    assert f'href="{url("donations:donate_pool")}"' in page


def test_the_project_page_links_the_pool_beside_the_donate_button(fake_stripe, client, award, pool):
    page = client.get(url("portal:project", award.pk)).content.decode()
    assert 'data-testid="donate-box"' in page
    assert f'href="{url("donations:donate_pool")}"' in page
    assert "3100" not in page and 'data-testid="other-ways"' not in page  # online giving works


def test_an_ended_project_with_online_giving_on_still_points_to_the_pool(fake_stripe, client, award, pool):
    from grants.funding.models import Award

    Award.objects.filter(pk=award.pk).update(status=Award.Status.TERMINATED)
    page = Client().get(url("portal:project", award.pk)).content.decode()
    assert 'data-testid="donate-box"' not in page and 'data-testid="give-box"' in page
    assert f'href="{url("donations:donate_pool")}"' in page
