"""Staff verify organisations in the Wagtail admin; nobody else can."""

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import ModelLogEntry

from incubator.organisations.models import Organisation
from tests.factories import OrganisationFactory, UserFactory

LISTING = "/admin/snippets/organisations/organisation/"


def verify_path(organisation):
    return f"/admin/snippets/organisations/organisation/verify/{organisation.pk}/"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Emails leave on commit: run the on-commit callbacks of whatever happens in the block."""

    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def organisation(applicant):
    return OrganisationFactory(name_zh="南岸区和美社工服务中心", status=Organisation.Status.PENDING,
                               admins=[applicant])


def logged(organisation, action):
    return ModelLogEntry.objects.for_instance(organisation).filter(action=action)


def emails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_staff_open_the_verification_page(client, staff, organisation):
    client.force_login(staff)
    response = client.get(verify_path(organisation))
    html = response.content.decode()
    assert response.status_code == 200
    assert "南岸区和美社工服务中心" in html
    assert organisation.uscc in html
    assert "applicant@example.com" in html  # who runs it
    assert 'name="decision"' in html and 'name="reason"' in html


def test_the_listing_offers_the_verification_page_to_staff(client, staff, organisation):
    client.force_login(staff)
    response = client.get(LISTING)
    assert response.status_code == 200
    assert verify_path(organisation) in response.content.decode()


def test_staff_verify_an_organisation(client, staff, applicant, organisation, committed):
    client.force_login(staff)
    before = timezone.now()
    with committed():
        response = client.post(verify_path(organisation), {"decision": "verify", "reason": ""})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.VERIFIED
    assert organisation.verified_at is not None and organisation.verified_at >= before
    [email] = emails_to("applicant@example.com")
    assert "南岸区和美社工服务中心" in email.subject
    assert f"/organisations/{organisation.pk}/" in email.body
    entry = logged(organisation, "seedbed.organisation.verified").get()
    assert entry.user == staff


def test_every_administrator_of_the_organisation_is_told(client, staff, applicant, other_applicant, committed):
    member = UserFactory(email="member@example.com")
    organisation = OrganisationFactory(status=Organisation.Status.PENDING, admins=[applicant, other_applicant],
                                       members=[member])
    client.force_login(staff)
    with committed():
        client.post(verify_path(organisation), {"decision": "verify", "reason": ""})
    assert sorted(message.to[0] for message in mail.outbox) == ["applicant@example.com", "other@example.com"]


def test_rejecting_needs_a_reason(client, staff, organisation, committed):
    client.force_login(staff)
    with committed():
        response = client.post(verify_path(organisation), {"decision": "reject", "reason": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING
    assert mail.outbox == []
    assert not logged(organisation, "seedbed.organisation.rejected").exists()


def test_a_decision_is_required(client, staff, organisation):
    client.force_login(staff)
    response = client.post(verify_path(organisation), {"decision": "", "reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["decision"]
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING


def test_staff_reject_with_a_reason_the_organisation_sees(client, staff, applicant, organisation, committed):
    reason = "统一社会信用代码与登记证书不一致，请核对后重新提交。"
    client.force_login(staff)
    with committed():
        response = client.post(verify_path(organisation), {"decision": "reject", "reason": reason})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.REJECTED
    assert organisation.status_reason == reason
    assert organisation.verified_at is None
    [email] = emails_to("applicant@example.com")
    assert reason in email.body
    assert f"/organisations/{organisation.pk}/" in email.body
    assert logged(organisation, "seedbed.organisation.rejected").get().user == staff

    client.force_login(applicant)
    page = client.get(f"/zh-hans/organisations/{organisation.pk}/")
    assert page.status_code == 200
    assert reason in page.content.decode()


def test_rejecting_a_verified_organisation_clears_its_verification(client, staff, applicant, committed):
    organisation = OrganisationFactory(status=Organisation.Status.VERIFIED, verified_at=timezone.now(),
                                       admins=[applicant])
    client.force_login(staff)
    with committed():
        client.post(verify_path(organisation), {"decision": "reject", "reason": "登记证书已注销"})
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.REJECTED
    assert organisation.verified_at is None
    assert len(emails_to("applicant@example.com")) == 1


@pytest.mark.parametrize("decision, reason", [("verify", ""), ("reject", "名称与证书不符")])
def test_repeating_the_same_decision_emails_nobody_twice(
        client, staff, organisation, committed, decision, reason):
    client.force_login(staff)
    with committed():
        client.post(verify_path(organisation), {"decision": decision, "reason": reason})
    organisation.refresh_from_db()
    first = (organisation.status, organisation.verified_at)
    with committed():
        response = client.post(verify_path(organisation), {"decision": decision, "reason": reason})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.status, organisation.verified_at) == first
    assert len(mail.outbox) == 1
    assert ModelLogEntry.objects.for_instance(organisation).filter(
        action__in=["seedbed.organisation.verified", "seedbed.organisation.rejected"]).count() == 1


@pytest.mark.parametrize("who", ["applicant", "reviewer", "supervisor", "funder"])
def test_nobody_but_staff_can_verify(client, request, organisation, committed, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(verify_path(organisation)).status_code != 200
    with committed():
        response = client.post(verify_path(organisation), {"decision": "verify", "reason": ""})
    assert response.status_code != 200
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.verified_at is None
    assert mail.outbox == []
    assert not logged(organisation, "seedbed.organisation.verified").exists()


def test_anonymous_visitors_cannot_verify(client, organisation):
    response = client.post(verify_path(organisation), {"decision": "verify", "reason": ""})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING


def test_the_ordinary_admin_form_cannot_change_the_status(client, staff, organisation):
    """Status changes only through the verification page, which logs them and tells the
    organisation: the snippet edit form has no status field."""
    client.force_login(staff)
    response = client.get(f"/admin/snippets/organisations/organisation/edit/{organisation.pk}/")
    assert response.status_code == 200
    assert "status" not in response.context["form"].fields
    assert "verified_at" not in response.context["form"].fields


def test_staff_see_the_full_record_on_the_site(client, staff, organisation):
    client.force_login(staff)
    response = client.get(f"/zh-hans/organisations/{organisation.pk}/")
    assert response.status_code == 200
    assert organisation.contact_email in response.content.decode()


def test_admin_access_alone_does_not_allow_verifying(client, organisation, committed):
    """Someone let into the admin for other work (e.g. editing pages) is not verification staff."""
    from django.contrib.auth.models import Permission

    editor = UserFactory(email="editor@example.com")
    editor.user_permissions.add(Permission.objects.get(
        codename="access_admin", content_type__app_label="wagtailadmin"))
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    # Wagtail turns the refusal into a redirect to the dashboard, with a message.
    assert client.get(verify_path(organisation)).status_code in (302, 403)
    with committed():
        response = client.post(verify_path(organisation), {"decision": "verify", "reason": ""})
    assert response.status_code in (302, 403)
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING
    assert mail.outbox == []


def test_the_decision_email_and_its_link_are_in_each_administrators_language(
        client, staff, applicant, other_applicant, committed):
    from incubator.accounts.services import remember_language

    remember_language(staff, "en")  # staff work in the English admin
    remember_language(applicant, "zh-hans")
    remember_language(other_applicant, "en")
    organisation = OrganisationFactory(name_zh="南岸区和美社工服务中心", name_en="Hemei Social Work Centre",
                                       status=Organisation.Status.PENDING, admins=[applicant, other_applicant])
    client.force_login(staff)
    with committed():
        client.post(verify_path(organisation), {"decision": "verify", "reason": ""})
    [chinese] = emails_to("applicant@example.com")
    [english] = emails_to("other@example.com")
    assert "南岸区和美社工服务中心" in chinese.subject and "Hemei" in english.subject
    assert f"/zh-hans/organisations/{organisation.pk}/" in chinese.body
    assert f"/en/organisations/{organisation.pk}/" in english.body
