from cms.models import HomePage


def test_bare_root_redirects_a_chinese_browser_to_chinese(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/"


def test_bare_root_redirects_an_english_browser_to_english(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_home_answers_in_chinese(client, db):
    response = client.get("/zh-hans/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "社区创新项目孵化与资助平台" in html
    assert "跳到主要内容" in html  # the interface, not only the content, is Chinese


def test_home_answers_in_english(client, db):
    response = client.get("/en/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "community-innovation incubator" in html
    assert "Skip to main content" in html


def test_every_language_has_its_home_page(db):
    languages = set(HomePage.objects.values_list("locale__language_code", flat=True))
    assert languages == {"zh-hans", "en"}


def test_footer_shows_the_hotline_from_site_settings(client, db):
    from wagtail.models import Site

    from cms.models import SiteSettings

    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.hotline = "023-6298 1234"
    settings.save()
    html = client.get("/zh-hans/").content.decode()
    assert "服务热线" in html and "023-6298 1234" in html
