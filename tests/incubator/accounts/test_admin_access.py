import pytest


def test_staff_reach_the_wagtail_admin(client, staff):
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("who", ["applicant", "reviewer", "supervisor", "funder"])
def test_nobody_else_reaches_the_admin(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get("/admin/")
    # A 403 page, not Wagtail's redirect to the login page, which sends them straight back (a loop).
    assert response.status_code == 403
    assert client.get("/admin/pages/").status_code == 403


def test_anonymous_visitors_are_sent_to_the_site_login(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_staff_is_the_only_group_with_admin_access(db):
    from django.contrib.auth.models import Group

    with_access = Group.objects.filter(
        permissions__codename="access_admin", permissions__content_type__app_label="wagtailadmin"
    )
    assert list(with_access.values_list("name", flat=True)) == ["staff"]
