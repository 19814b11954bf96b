"""Organisations on the public site: members and invitations, and what outsiders get."""

import re
import time
from html import escape
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.utils import translation

from incubator.organisations import services
from incubator.organisations.models import Membership
from tests.factories import OrganisationFactory, UserFactory
from tests.incubator.organisations.helpers import edit_path, field_errors, logged, record

# -- helpers -------------------------------------------------------------------------------

def flashed(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def join_path(message):
    return re.search(r"https?://[^/\s]+(/\S*/organisations/join/[^/\s]+/)", message.body).group(1)


# -- members and invitations ---------------------------------------------------------------

def detail_path(organisation, language="zh-hans"):
    return f"/{language}/organisations/{organisation.pk}/"


def invite_path(organisation):
    return f"/zh-hans/organisations/{organisation.pk}/invite/"


def remove_path(membership):
    return f"/zh-hans/organisations/{membership.organisation_id}/members/{membership.pk}/remove/"


@pytest.fixture
def organisation(applicant):
    return OrganisationFactory(name_zh="南岸区邻里互助社", admins=[applicant])


@pytest.fixture
def invitee(db):
    return UserFactory(email="colleague@example.com")


def invite(client, organisation, email, committed):
    with committed():
        response = client.post(invite_path(organisation), {"email": email})
    assert response.status_code == 302, response.content.decode()
    assert client.get(response["Location"]).status_code == 200  # shows (and uses up) the confirmation
    [message] = mail.outbox
    mail.outbox.clear()
    return message


def test_an_admin_invites_by_email_and_the_invitee_joins(client, applicant, organisation, invitee, committed):
    client.force_login(applicant)
    message = invite(client, organisation, "Colleague@Example.com", committed)
    assert message.to == ["colleague@example.com"]
    assert "南岸区邻里互助社" in message.subject
    link = join_path(message)
    assert logged(organisation, "seedbed.organisation.invited").filter(user=applicant).count() == 1
    assert not Membership.objects.filter(user=invitee).exists()  # nothing happens until accepted

    client.force_login(invitee)
    page = client.get(link)
    assert page.status_code == 200
    assert "南岸区邻里互助社" in page.content.decode()
    assert not Membership.objects.filter(user=invitee).exists()  # opening the link changes nothing

    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == detail_path(organisation)
    membership = Membership.objects.get(user=invitee, organisation=organisation)
    assert membership.role == Membership.Role.MEMBER
    assert logged(organisation, "seedbed.organisation.joined").filter(user=invitee).count() == 1
    assert client.get(detail_path(organisation)).status_code == 200


def test_the_invitation_and_its_link_are_in_the_invitees_language(client, applicant, organisation, committed):
    UserFactory(email="reader@example.com", language="en")
    client.force_login(applicant)
    message = invite(client, organisation, "reader@example.com", committed)
    assert "Invitation to join" in message.subject
    assert join_path(message).startswith("/en/organisations/join/")


def test_an_invitation_to_a_new_address_is_in_the_inviters_language(client, applicant, organisation, committed):
    from incubator.accounts.services import remember_language

    remember_language(applicant, "en")
    client.force_login(applicant)
    message = invite(client, organisation, "nobody-yet@example.com", committed)  # sent from /zh-hans/
    assert "Invitation to join" in message.subject
    assert join_path(message).startswith("/en/organisations/join/")


def test_the_invitation_link_works_only_for_the_address_it_was_sent_to(
        client, applicant, organisation, invitee, other_applicant, committed):
    client.force_login(applicant)
    link = join_path(invite(client, organisation, "colleague@example.com", committed))
    client.force_login(other_applicant)
    response = client.post(link)
    assert response.status_code == 302
    assert not Membership.objects.filter(user=other_applicant).exists()
    [error] = flashed(response)
    assert "colleague@example.com" in error


def test_an_unconfirmed_address_does_not_accept_an_invitation(client, applicant, organisation, committed):
    unconfirmed = UserFactory(email="unconfirmed@example.com", verified=False)
    client.force_login(applicant)
    link = join_path(invite(client, organisation, "unconfirmed@example.com", committed))
    client.force_login(unconfirmed)
    client.post(link)
    assert not Membership.objects.filter(user=unconfirmed).exists()


def test_an_expired_invitation_is_refused(client, applicant, organisation, invitee, committed):
    client.force_login(applicant)
    link = join_path(invite(client, organisation, "colleague@example.com", committed))
    client.force_login(invitee)
    with translation.override("zh-hans"):
        expired = str(translation.gettext("This invitation has expired. Ask for a new one."))
    eight_days_later = time.time() + 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_later):
        page = client.get(link)
        response = client.post(link)
    assert escape(expired) in page.content.decode()
    assert "南岸区邻里互助社" not in page.content.decode()  # no offer to join
    assert flashed(response) == [expired]
    assert not Membership.objects.filter(user=invitee).exists()


def test_an_invitation_still_works_after_six_days(client, applicant, organisation, invitee, committed):
    client.force_login(applicant)
    link = join_path(invite(client, organisation, "colleague@example.com", committed))
    client.force_login(invitee)
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 6 * 24 * 3600):
        client.post(link)
    assert Membership.objects.filter(user=invitee, organisation=organisation).exists()


def test_a_tampered_invitation_is_refused(client, applicant, organisation, invitee, committed):
    client.force_login(applicant)
    link = join_path(invite(client, organisation, "colleague@example.com", committed))
    token = link.rstrip("/").rsplit("/", 1)[1]
    tampered = link.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B"))
    client.force_login(invitee)
    page = client.get(tampered)
    assert page.status_code == 200
    assert "南岸区邻里互助社" not in page.content.decode()
    response = client.post(tampered)
    assert response.status_code == 302
    assert len(flashed(response)) == 1
    assert not Membership.objects.filter(user=invitee).exists()


def test_an_invitation_from_an_admin_since_removed_is_refused(
        client, applicant, other_applicant, invitee, committed):
    organisation = OrganisationFactory(admins=[applicant, other_applicant])
    client.force_login(other_applicant)
    link = join_path(invite(client, organisation, "colleague@example.com", committed))
    Membership.objects.filter(user=other_applicant).delete()
    client.force_login(invitee)
    client.post(link)
    assert not Membership.objects.filter(user=invitee).exists()


def test_inviting_someone_already_a_member_is_a_form_error(client, applicant, invitee, committed):
    organisation = OrganisationFactory(admins=[applicant], members=[invitee])
    client.force_login(applicant)
    with committed():
        response = client.post(invite_path(organisation), {"email": "colleague@example.com"})
    assert response.status_code == 200
    [error] = field_errors(response, "email")
    assert "colleague@example.com" in error
    assert 'value="colleague@example.com"' in response.content.decode()
    assert mail.outbox == []


def test_an_invalid_invitation_address_is_a_form_error(client, applicant, organisation, committed):
    client.force_login(applicant)
    with committed():
        response = client.post(invite_path(organisation), {"email": "not-an-address"})
    assert response.status_code == 200
    assert len(field_errors(response, "email")) == 1
    assert mail.outbox == []


def test_a_plain_member_can_neither_invite_nor_remove(client, applicant, other_applicant, committed):
    organisation = OrganisationFactory(admins=[other_applicant], members=[applicant])
    client.force_login(applicant)
    with committed():
        assert client.post(invite_path(organisation), {"email": "friend@example.com"}).status_code == 404
    assert mail.outbox == []
    admin_membership = Membership.objects.get(user=other_applicant)
    assert client.post(remove_path(admin_membership)).status_code == 404
    assert Membership.objects.filter(pk=admin_membership.pk).exists()


def test_members_see_the_record_but_not_the_admin_controls(client, applicant, other_applicant):
    organisation = OrganisationFactory(admins=[other_applicant], members=[applicant])
    client.force_login(applicant)
    html = client.get(detail_path(organisation)).content.decode()
    assert organisation.name_zh in html and "other@example.com" in html
    assert f"/organisations/{organisation.pk}/invite/" not in html
    assert f"/organisations/{organisation.pk}/edit/" not in html


def test_an_admin_removes_a_member(client, applicant, invitee):
    organisation = OrganisationFactory(admins=[applicant], members=[invitee])
    membership = Membership.objects.get(user=invitee)
    client.force_login(applicant)
    response = client.post(remove_path(membership))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert logged(organisation, "seedbed.organisation.member_removed").filter(user=applicant).count() == 1
    client.force_login(invitee)
    assert client.get(detail_path(organisation)).status_code == 404


def test_removing_a_member_needs_a_post(client, applicant, invitee):
    OrganisationFactory(admins=[applicant], members=[invitee])
    membership = Membership.objects.get(user=invitee)
    client.force_login(applicant)
    assert client.get(remove_path(membership)).status_code == 405
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_admin_cannot_be_removed(client, applicant, organisation):
    membership = Membership.objects.get(user=applicant, organisation=organisation)
    client.force_login(applicant)
    response = client.post(remove_path(membership))
    assert response.status_code == 302
    [error] = flashed(response)
    assert error
    membership.refresh_from_db()
    assert membership.role == Membership.Role.ADMIN


def test_one_of_two_admins_can_be_removed(client, applicant, other_applicant):
    organisation = OrganisationFactory(admins=[applicant, other_applicant])
    client.force_login(applicant)
    client.post(remove_path(Membership.objects.get(user=other_applicant)))
    assert list(organisation.memberships.values_list("user__email", flat=True)) == ["applicant@example.com"]


def test_an_admin_cannot_remove_a_member_of_another_organisation(client, applicant, other_applicant, invitee):
    mine = OrganisationFactory(admins=[applicant])
    theirs = OrganisationFactory(admins=[other_applicant], members=[invitee])
    victim = Membership.objects.get(user=invitee, organisation=theirs)
    client.force_login(applicant)
    response = client.post(f"/zh-hans/organisations/{mine.pk}/members/{victim.pk}/remove/")
    assert response.status_code == 404
    assert Membership.objects.filter(pk=victim.pk).exists()


def test_a_person_can_belong_to_several_organisations(client, applicant, other_applicant, invitee, committed):
    first = OrganisationFactory(name_zh="南岸区第一社工中心", admins=[applicant], members=[invitee])
    second = OrganisationFactory(name_zh="南岸区第二志愿者协会", admins=[other_applicant])
    client.force_login(other_applicant)
    link = join_path(invite(client, second, "colleague@example.com", committed))
    client.force_login(invitee)
    client.post(link)
    assert set(invitee.organisations.all()) == {first, second}
    html = client.get("/zh-hans/dashboard/").content.decode()
    assert "南岸区第一社工中心" in html and "南岸区第二志愿者协会" in html
    assert detail_path(first) in html and detail_path(second) in html


def test_joining_twice_keeps_one_membership(client, applicant, organisation, invitee, committed):
    client.force_login(applicant)
    link = join_path(invite(client, organisation, "colleague@example.com", committed))
    client.force_login(invitee)
    client.post(link)
    client.post(link)
    assert Membership.objects.filter(user=invitee, organisation=organisation).count() == 1


# -- outsiders -----------------------------------------------------------------------------

@pytest.mark.parametrize("page", ["", "edit/"])
def test_an_outsider_gets_not_found_for_another_organisation(client, applicant, other_applicant, page):
    organisation = OrganisationFactory(admins=[applicant])
    client.force_login(other_applicant)
    assert client.get(f"{detail_path(organisation)}{page}").status_code == 404


def test_an_outsider_cannot_invite_into_or_edit_another_organisation(
        client, applicant, other_applicant, committed):
    organisation = OrganisationFactory(admins=[applicant])
    client.force_login(other_applicant)
    with committed():
        assert client.post(invite_path(organisation), {"email": "other@example.com"}).status_code == 404
        response = client.post(edit_path(organisation), record(organisation, name_zh="被篡改"))
    assert response.status_code == 404
    assert mail.outbox == []
    organisation.refresh_from_db()
    assert organisation.name_zh != "被篡改"


def test_a_missing_organisation_looks_the_same_as_someone_elses(client, other_applicant):
    client.force_login(other_applicant)
    assert client.get("/zh-hans/organisations/999999/").status_code == 404


@pytest.mark.parametrize("page", ["", "edit/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, applicant, page):
    organisation = OrganisationFactory(admins=[applicant])
    response = client.get(f"{detail_path(organisation)}{page}")
    assert response.status_code == 302
    assert response["Location"].startswith("/zh-hans/accounts/login/?next=")


def test_anonymous_visitors_cannot_join(client, applicant, organisation):
    token = services.invitation_token(organisation, "colleague@example.com", applicant)
    response = client.post(f"/zh-hans/organisations/join/{token}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/zh-hans/accounts/login/")
    assert organisation.memberships.count() == 1
