"""/admin/: staff get the Wagtail admin with their work queue, in Chinese; anyone else signed
in gets a 403 page with a way back instead of a redirect loop; anonymous visitors sign in."""

import re

import pytest
from wagtail.models import Task, Workflow

from incubator.accounts.services import remember_language
from incubator.organisations.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ENGLISH = ["Pages", "Search all pages", "Moderators", "Documents", "Images", "created in"]


def visible_text(html):
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", html)


def test_a_signed_in_applicant_gets_a_403_with_a_way_back_not_a_loop(client, applicant):
    client.force_login(applicant)
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    html = response.content.decode()
    assert "管理后台仅供中心工作人员使用" in html and 'href="/zh-hans/dashboard/"' in html


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/admin/snippets/"])
def test_every_admin_page_answers_non_staff_with_the_403(client, reviewer, path):
    client.force_login(reviewer)
    assert client.get(path).status_code == 403


def test_anonymous_visitors_are_still_sent_to_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "next=/admin/" in response["Location"]


def test_staff_get_the_admin_link_in_the_navigation(client, staff, applicant):
    client.force_login(staff)
    assert 'href="/admin/"' in client.get("/zh-hans/dashboard/").content.decode()
    client.force_login(applicant)
    assert 'href="/admin/"' not in client.get("/zh-hans/dashboard/").content.decode()


def test_the_admin_home_shows_the_staff_work_queue_in_chinese(client, staff):
    OrganisationFactory(status=Organisation.Status.PENDING)
    remember_language(staff, "zh-hans")
    client.force_login(staff)
    html = client.get("/admin/").content.decode()
    assert "等待工作人员处理" in html and "待认证的社会组织" in html
    assert '/admin/snippets/organisations/organisation/?status=pending' in html


def test_the_admin_home_reads_in_chinese(client, staff):
    remember_language(staff, "zh-hans")
    client.force_login(staff)
    text = visible_text(client.get("/admin/").content.decode())
    assert "页面" in text and "分页" not in text
    assert [word for word in ENGLISH if word in text] == []


def test_the_default_moderation_workflow_has_a_chinese_name():
    assert not Workflow.objects.filter(name__contains="Moderators").exists()
    assert not Task.objects.filter(name__contains="Moderators").exists()
    assert Task.objects.filter(name="内容审核").exists()
