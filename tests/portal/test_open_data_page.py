"""/open-data/ explains the open data (issue 13): what it contains, its licence and standard,
the downloads and the JSON API; the figures page and the home page link to it."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_the_bare_address_leads_to_the_page_in_the_readers_language(client):
    response = client.get("/open-data/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert response.status_code == 302 and response["Location"] == "/zh-hans/open-data/"


def test_the_page_explains_the_data_licence_standard_downloads_and_api(client):
    page = client.get("/zh-hans/open-data/").content.decode()
    assert "<h1" in page and "开放数据" in page
    assert "360Giving 数据标准" in page and "1.4" in page
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in page
    assert "知识共享署名 4.0 国际许可协议（CC BY 4.0）" in page
    assert 'href="/open-data/360giving.json"' in page and 'href="/open-data/360giving.csv"' in page
    assert 'href="/api/projects/"' in page
    assert "360G-seedbed-" in page


def test_the_page_is_in_english_too(client):
    page = client.get("/en/open-data/").content.decode()
    assert "What the data contains" in page and "Creative Commons Attribution 4.0" in page


@override_settings(OPEN_DATA_LICENSE="https://example.org/our-licence")
def test_another_licence_is_named_by_its_address(client):
    page = client.get("/zh-hans/open-data/").content.decode()
    assert 'href="https://example.org/our-licence">https://example.org/our-licence</a>' in page


def test_the_figures_page_links_to_it(client):
    from wagtail.models import Locale

    from cms.models import HomePage
    from demo.site import FIGURES_PAGE, ensure_single_page
    from portal.models import FiguresPage

    home = HomePage.objects.get(locale__language_code="zh-hans")
    ensure_single_page(FiguresPage, FIGURES_PAGE, home, Locale.objects.get(language_code="en"))
    assert 'href="/zh-hans/open-data/"' in client.get("/zh-hans/figures/").content.decode()
