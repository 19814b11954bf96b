import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from wagtail.users.models import UserProfile

from incubator.accounts.models import User
from tests.factories import PASSWORD, UserFactory

SIGNUP = {"email": "new@example.com", "password1": "A-long-pass-2026", "password2": "A-long-pass-2026"}


def confirmation_link(message):
    return re.search(r"https?://[^/\s]+(/\S+/confirm-email/\S+/)", message.body).group(1)


def test_signup_sends_a_confirmation_email_in_the_readers_language(client, db):
    response = client.post("/zh-hans/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@example.com"]
    assert "确认" in message.subject  # allauth's Chinese template
    assert User.objects.get(email="new@example.com").language == "zh-hans"


def test_an_unconfirmed_account_cannot_sign_in(client, db):
    client.post("/en/accounts/signup/", SIGNUP)
    client.logout()
    response = client.post("/en/accounts/login/", {"login": SIGNUP["email"], "password": SIGNUP["password1"]})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302 and "confirm-email" in response["Location"]


def test_confirming_the_email_then_signing_in(client, db):
    client.post("/en/accounts/signup/", SIGNUP)
    client.logout()
    link = confirmation_link(mail.outbox[0])
    assert client.get(link).status_code == 200  # a page with a button: no change on GET
    assert not EmailAddress.objects.get(email=SIGNUP["email"]).verified
    client.post(link)
    assert EmailAddress.objects.get(email=SIGNUP["email"]).verified
    response = client.post("/en/accounts/login/", {"login": SIGNUP["email"], "password": SIGNUP["password1"]})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == User.objects.get(email=SIGNUP["email"]).pk


def test_signup_errors_are_shown_next_to_the_field_and_keep_the_email(client, db):
    response = client.post(
        "/zh-hans/accounts/signup/", {**SIGNUP, "password2": "something-else"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="new@example.com"' in html
    assert "每次输入的密码必须相同" in html  # "You must type the same password each time"
    assert not User.objects.filter(email="new@example.com").exists()


def test_login_is_by_email_and_case_insensitive(client, db):
    user = UserFactory(email="mixed@example.com")
    client.post("/en/accounts/login/", {"login": "Mixed@Example.com", "password": PASSWORD})
    assert int(client.session["_auth_user_id"]) == user.pk


def test_repeated_failed_logins_are_throttled(client, db):
    UserFactory(email="target@example.com")
    wrong = {"login": "target@example.com", "password": "wrong"}
    for _ in range(4):
        assert client.post("/en/accounts/login/", wrong).status_code == 200  # form error
    # The fifth failure locks the account for this address, with an explanation.
    response = client.post("/en/accounts/login/", wrong)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    # Even the right password is refused now.
    response = client.post("/en/accounts/login/", {"login": "target@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_login_name_too_long_for_any_account_counts_as_a_failure_not_a_500(client, db):
    from axes.models import AccessAttempt

    # Wagtail's sign-in for private pages authenticates whatever is typed.
    response = client.post("/en/_util/login/", {"username": "長" * 300 + "@example.com", "password": "wrong"})
    assert response.status_code == 200
    # django-axes keeps the name in a 255-character column (PostgreSQL refuses a longer one).
    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 1 and len(attempt.username) == 255


def test_throttling_is_per_account(client, db):
    UserFactory(email="target@example.com")
    other = UserFactory(email="bystander@example.com")
    for _ in range(5):
        client.post("/en/accounts/login/", {"login": "target@example.com", "password": "wrong"})
    client.post("/en/accounts/login/", {"login": "bystander@example.com", "password": PASSWORD})
    assert int(client.session["_auth_user_id"]) == other.pk


def test_password_reset_sends_a_link(client, db):
    UserFactory(email="forgot@example.com")
    response = client.post("/en/accounts/password/reset/", {"email": "forgot@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/en/accounts/password/reset/key/" in mail.outbox[0].body


def test_logout(client, applicant):
    client.force_login(applicant)
    client.post("/en/accounts/logout/")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_profile_saves_name_and_language_for_site_and_admin(client, applicant, language):
    client.force_login(applicant)
    response = client.post("/en/accounts/profile/", {"name": "张晓", "language": language})
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert (applicant.name, applicant.language) == ("张晓", language)
    assert UserProfile.get_for_user(applicant).preferred_language == language


def test_profile_requires_login(client, db):
    response = client.get("/en/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_choosing_a_language_in_the_profile_switches_the_site_to_it(client, applicant):
    from django.conf import settings

    client.force_login(applicant)
    response = client.post("/zh-hans/accounts/profile/", {"name": "张晓", "language": "en"})
    assert response["Location"] == "/en/accounts/profile/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_profile_names_the_users_roles(client, reviewer):
    client.force_login(reviewer)
    assert "评审专家" in client.get("/zh-hans/accounts/profile/").content.decode()
