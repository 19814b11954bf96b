"""Every script, style, font and image comes from the site itself: many public networks in
mainland China cannot reach foreign CDNs."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from demo.site import ensure_demo_pages

ASSET_ATTRIBUTES = {
    "script": ["src"], "link": ["href"], "img": ["src", "srcset"], "source": ["src", "srcset"],
    "iframe": ["src"], "video": ["src", "poster"], "audio": ["src"], "embed": ["src"],
    "object": ["data"], "input": ["src"],
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")


class AssetCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ASSET_ATTRIBUTES.get(tag, []):
            value = attrs.get(name) or ""
            self.urls += [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]
        if attrs.get("style"):
            self.urls += css_urls(attrs["style"])
        self._in_style = tag == "style"

    def handle_data(self, data):
        if self._in_style:
            self.urls += css_urls(data)


def css_urls(text):
    return [a or b for a, b in CSS_URL.findall(text)]


def foreign(urls):
    return [u for u in urls if urlsplit(u).netloc not in ("", "testserver") and not u.startswith("data:")]


def test_the_checker_catches_a_cdn():
    collector = AssetCollector()
    collector.feed(
        '<script src="https://cdn.example.com/x.js"></script><link rel="stylesheet" '
        'href="//fonts.googleapis.com/css"><div style="background:url(https://x.test/a.png)">'
    )
    assert len(foreign(collector.urls)) == 3


@pytest.fixture
def pages(db):
    ensure_demo_pages()


PUBLIC_URLS = [
    "/zh-hans/", "/en/", "/zh-hans/about/", "/en/how-to-apply/", "/zh-hans/accounts/login/",
    "/en/accounts/signup/", "/en/accounts/password/reset/", "/en/no-such-page/",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_load_nothing_from_other_hosts(client, pages, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    collector = AssetCollector()
    collector.feed(response.content.decode())
    assert collector.urls, "the page should at least load the site's own stylesheet"
    assert foreign(collector.urls) == []


def test_signed_in_pages_load_nothing_from_other_hosts(client, pages, staff):
    client.force_login(staff)
    for url in ["/en/accounts/profile/", "/zh-hans/accounts/email/", "/admin/"]:
        collector = AssetCollector()
        collector.feed(client.get(url).content.decode())
        assert foreign(collector.urls) == [], url


def test_stylesheets_reference_no_other_host():
    for css in Path(settings.BASE_DIR, "static").rglob("*.css"):
        assert foreign(css_urls(css.read_text())) == [], css
