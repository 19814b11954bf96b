from io import StringIO

from allauth.account.models import EmailAddress
from django.core.management import call_command

from cms.models import StandardPage
from incubator import permissions
from incubator.demo import DEMO_PASSWORD
from incubator.models import User


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_a_user_for_every_role_and_prints_the_logins(db):
    output = seed()
    for role in permissions.ROLES:
        user = User.objects.get(groups__name=role)
        assert user.check_password(DEMO_PASSWORD)
        assert user.email in output
        assert EmailAddress.objects.get(user=user).verified
    assert DEMO_PASSWORD in output
    assert User.objects.get(email="admin@seedbed.test").is_superuser


def test_seed_demo_creates_bilingual_pages(db, client):
    seed()
    titles = set(StandardPage.objects.live().values_list("locale__language_code", "title"))
    assert ("zh-hans", "关于中心") in titles and ("en", "About the centre") in titles
    assert "南岸区社区治理创新中心" in client.get("/zh-hans/about/").content.decode()
    assert "Community Governance Innovation Centre" in client.get("/en/about/").content.decode()


def test_seed_demo_is_idempotent(db):
    seed("--scale", "50")
    counts = (User.objects.count(), StandardPage.objects.count(), EmailAddress.objects.count())
    seed("--scale", "50")
    assert (User.objects.count(), StandardPage.objects.count(), EmailAddress.objects.count()) == counts


def test_scale_bulk_creates_verified_applicants(db):
    seed("--scale", "1200")
    load = User.objects.filter(email__startswith="load-")
    assert load.count() == 1200
    assert EmailAddress.objects.filter(user__in=load, verified=True).count() == 1200
    assert load.first().check_password(DEMO_PASSWORD)
