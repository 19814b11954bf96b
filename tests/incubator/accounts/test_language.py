from django.conf import settings
from wagtail.users.models import UserProfile


def test_switcher_sets_a_cookie_and_returns_to_the_same_page_in_the_other_language(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/zh-hans/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_the_remembered_choice_beats_the_browser_language(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/zh-hans/"})
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert response["Location"] == "/en/"


def test_switcher_is_a_plain_form_on_every_page(client, db):
    html = client.get("/zh-hans/").content.decode()
    assert 'action="/i18n/setlang/" method="post"' in html
    assert 'name="language" value="en"' in html and 'name="language" value="zh-hans"' in html


def test_switching_while_signed_in_sets_the_admin_language_too(client, staff):
    client.force_login(staff)
    client.post("/i18n/setlang/", {"language": "en", "next": "/zh-hans/"})
    staff.refresh_from_db()
    assert staff.language == "en"
    assert UserProfile.get_for_user(staff).preferred_language == "en"
    response = client.get("/admin/")
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()


def test_admin_follows_a_chinese_users_language(client, staff):
    client.force_login(staff)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/en/"})
    html = client.get("/admin/").content.decode()
    assert '<html lang="zh-hans"' in html


def test_switching_to_an_unknown_language_changes_nothing(client, staff):
    client.force_login(staff)
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/en/"})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.language == ""
