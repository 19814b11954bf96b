"""Sign-in throttling behind a proxy counts the real client, never the proxy, and never an
address a client wrote itself."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory, override_settings

from incubator.accounts.client_ip import client_ip
from tests.factories import PASSWORD, UserFactory

PROXY = "10.0.0.5"
LOGIN = "/en/accounts/login/"
behind_trusted_proxy = override_settings(BEHIND_PROXY=True, TRUSTED_PROXIES=["10.0.0.0/24"])
behind_one_proxy = override_settings(BEHIND_PROXY=True, TRUSTED_PROXIES=[], TRUSTED_PROXY_COUNT=1)


def ip_of(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def via(client_address, proxy=PROXY):
    return {"REMOTE_ADDR": proxy, "HTTP_X_FORWARDED_FOR": client_address}


def signed_in(client):
    return "_auth_user_id" in client.session


@override_settings(BEHIND_PROXY=False)
def test_without_a_proxy_the_header_is_ignored():
    assert ip_of("198.51.100.7", "203.0.113.1") == "198.51.100.7"


@behind_trusted_proxy
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        (PROXY, "198.51.100.7", "198.51.100.7"),
        # The client wrote the left part itself; the proxy appended what it saw.
        (PROXY, "203.0.113.1, 198.51.100.7", "198.51.100.7"),
        # Two proxies of ours in a row are both skipped.
        (PROXY, "198.51.100.7, 10.0.0.9", "198.51.100.7"),
        # A direct client that is not a proxy of ours cannot choose its address.
        ("198.51.100.66", "203.0.113.1", "198.51.100.66"),
        (PROXY, "", PROXY),
        (PROXY, "not-an-address", PROXY),
        (PROXY, "2001:db8::7", "2001:db8::7"),
    ],
)
def test_trusted_proxies_decide_how_far_the_header_is_read(remote, forwarded, expected):
    assert ip_of(remote, forwarded) == expected


@behind_one_proxy
@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("203.0.113.1, 198.51.100.7", "198.51.100.7"),
        ("203.0.113.1, garbage, 198.51.100.7", "198.51.100.7"),
    ],
)
def test_a_proxy_count_reads_that_many_hops_from_the_right(forwarded, expected):
    assert ip_of(PROXY, forwarded) == expected


@override_settings(BEHIND_PROXY=True, TRUSTED_PROXIES=[], TRUSTED_PROXY_COUNT=2)
def test_a_request_that_skipped_a_proxy_gives_the_farthest_hop_a_proxy_wrote():
    assert ip_of(PROXY, "198.51.100.7") == "198.51.100.7"
    assert ip_of(PROXY, "203.0.113.1, 198.51.100.7, 10.0.0.9") == "198.51.100.7"


@behind_trusted_proxy
def test_behind_a_proxy_the_forwarded_client_is_locked_out_not_everyone(client, db):
    UserFactory(email="target@example.com")
    wrong = {"login": "target@example.com", "password": "wrong"}
    for _ in range(5):
        client.post(LOGIN, wrong, **via("198.51.100.7"))
    assert client.post(LOGIN, {"login": "target@example.com", "password": PASSWORD},
                       **via("198.51.100.7")).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    # The real owner, elsewhere, through the same proxy, still signs in.
    client.post(LOGIN, {"login": "target@example.com", "password": PASSWORD}, **via("203.0.113.20"))
    assert signed_in(client)


@behind_trusted_proxy
def test_a_spoofed_header_from_an_untrusted_client_does_not_dodge_the_lockout(client, db):
    UserFactory(email="target@example.com")
    wrong = {"login": "target@example.com", "password": "wrong"}
    for n in range(5):
        client.post(LOGIN, wrong, **via(f"203.0.113.{n}", proxy="198.51.100.66"))
    response = client.post(LOGIN, {"login": "target@example.com", "password": PASSWORD},
                           **via("203.0.113.99", proxy="198.51.100.66"))
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}


@override_settings(BEHIND_PROXY=False)
def test_without_a_proxy_setting_a_forwarded_header_does_not_dodge_the_lockout(client, db):
    UserFactory(email="target@example.com")
    wrong = {"login": "target@example.com", "password": "wrong"}
    for n in range(5):
        client.post(LOGIN, wrong, **via(f"203.0.113.{n}"))
    response = client.post(LOGIN, {"login": "target@example.com", "password": PASSWORD},
                           **via("203.0.113.99"))
    assert response.status_code == 429


@behind_trusted_proxy
def test_many_failures_from_one_client_do_not_rate_limit_the_others(client, db):
    """allauth's own per-address limit (30 failed sign-ins a minute) counts the client too."""

    UserFactory(email="bystander@example.com")
    for n in range(31):
        client.post(LOGIN, {"login": f"random{n}@example.com", "password": "wrong"},
                    **via("198.51.100.7"))
    limited = client.post(LOGIN, {"login": "bystander@example.com", "password": PASSWORD},
                          **via("198.51.100.7"))
    assert limited.status_code == 429 and not signed_in(client)
    client.post(LOGIN, {"login": "bystander@example.com", "password": PASSWORD},
                **via("203.0.113.20"))
    assert signed_in(client)


def test_a_malformed_proxy_address_is_refused_loudly():
    from tests.test_settings import PRODUCTION, manage

    result = manage("manage.py", "check", **{**PRODUCTION, "TRUSTED_PROXIES": "10.0.0.0/24,proxy.local"})
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr
