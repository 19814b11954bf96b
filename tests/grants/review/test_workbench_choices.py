"""The workbench filter's dropdowns (calls, streets, themes, reviewers) are read once per data
version and language, and show a change on the next page once the change is announced."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.calls.events import theme_changed
from grants.calls.models import Theme
from incubator.accounts import permissions
from incubator.places.events import place_changed
from incubator.places.models import Street
from tests.factories import UserFactory, make_call

pytestmark = pytest.mark.django_db

URL = "/zh-hans/staff/proposals/"
# What reading the four dropdowns' choices looks like (the list's own queries join calls too).
CHOICE_READS = ('FROM "places_street"', 'FROM "calls_theme"', 'FROM "calls_callpage"',
                'FROM "accounts_user" INNER JOIN "accounts_user_groups"')


def choice_queries(client, url=URL):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries if any(read in q["sql"] for read in CHOICE_READS)]


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_the_choices_are_read_once_then_served_from_the_cache(staff_client, reviewer):
    make_call(title="社区治理创新项目")
    first, read = choice_queries(staff_client)
    assert len(read) == 4  # calls, streets, themes, reviewers
    second, read = choice_queries(staff_client)
    assert read == []
    assert second.content.count(b"<option") == first.content.count(b"<option")
    assert "社区治理创新项目" in second.content.decode()
    assert f">{reviewer}</option>" in second.content.decode()


def test_each_language_has_its_own_labels(staff_client):
    Theme.objects.create(code="youth", name_zh="儿童青少年", name_en="Children and youth")
    assert "儿童青少年" in staff_client.get(URL).content.decode()
    assert "Children and youth" in staff_client.get("/en/staff/proposals/").content.decode()


def test_a_chosen_option_stays_selected_and_the_select_keeps_its_attributes(staff_client):
    street = Street.objects.get(code="500108003")
    staff_client.get(URL)  # fills the cache
    page = staff_client.get(f"{URL}?street={street.pk}&sort=-score").content.decode()
    assert f'<option value="{street.pk}" selected>' in page
    assert '<option value="-score" selected>' in page
    assert '<select name="street" id="id_street">' in page


def test_a_new_street_or_theme_shows_once_announced(staff_client):
    staff_client.get(URL)
    street = Street.objects.create(code="500108999", name_zh="新设街道", name_en="New Street",
                                   district=Street.objects.first().district)
    theme = Theme.objects.create(code="new", name_zh="新的主题", name_en="New theme")
    place_changed.send(sender=Street, place=street)
    theme_changed.send(sender=Theme, theme=theme)
    page = staff_client.get(URL).content.decode()
    assert "新设街道" in page
    assert "新的主题" in page


def test_a_new_or_renamed_reviewer_shows_on_the_next_page(staff_client):
    staff_client.get(URL)
    expert = UserFactory(name="新来的专家")
    expert.groups.add(Group.objects.get(name=permissions.REVIEWER))
    assert "新来的专家" in staff_client.get(URL).content.decode()
    expert.name = "改名的专家"
    expert.save()
    page = staff_client.get(URL).content.decode()
    assert "改名的专家" in page
    assert "新来的专家" not in page


def test_a_login_does_not_empty_the_cache(staff_client, reviewer):
    staff_client.get(URL)
    staff_client.force_login(reviewer)  # saves last_login
    staff_client.force_login(UserFactory(roles=[permissions.STAFF]))
    _response, read = choice_queries(staff_client)
    assert read == []


def test_a_reviewer_leaving_the_group_leaves_the_dropdown(staff_client, reviewer):
    assert f">{reviewer}</option>" in staff_client.get(URL).content.decode()
    Group.objects.get(name=permissions.REVIEWER).user_set.remove(reviewer)
    assert f">{reviewer}</option>" not in staff_client.get(URL).content.decode()
