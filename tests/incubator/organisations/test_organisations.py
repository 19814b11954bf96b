"""Organisations on the public site: registering, correcting the record, members and invitations."""

import re
import time
from html import escape
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from incubator.organisations import services
from incubator.organisations.forms import OrganisationForm
from incubator.organisations.models import Membership, Organisation
from incubator.places.models import Community, Street
from tests.factories import OrganisationFactory, UserFactory, valid_uscc

REGISTER = "/zh-hans/organisations/register/"


# -- helpers -------------------------------------------------------------------------------

@pytest.fixture
def nanping(db):
    return Street.objects.get(code="500108003")  # 南坪街道


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Emails leave on commit: run the on-commit callbacks of whatever happens in the block."""

    return lambda: django_capture_on_commit_callbacks(execute=True)


def registration(street, **changes):
    community = Community.objects.filter(street=street).first()
    data = {
        "name_zh": "南岸区益心社会工作服务中心",
        "name_en": "Nan'an Yixin Social Work Service Centre",
        "kind": Organisation.Kind.SOCIAL_SERVICE,
        "uscc": valid_uscc("A1B2C3D4"),  # letters in the first eight characters are allowed
        "filing_number": "",
        "registration_authority": "重庆市南岸区民政局",
        "founded_on": "2016-03-18",
        "address": "南坪街道江南大道8号",
        "street": street.pk,
        "community": community.pk,
        "contact_name": "李红",
        "contact_phone": "023-62981234",
        "contact_email": "lihong@example.org",
        "introduction": "为社区老人和儿童提供专业社工服务。",
    }
    data.update(changes)
    return data


def record(organisation, **changes):
    """The edit form's data for the organisation as it is stored, with some fields changed."""
    data = {
        "name_zh": organisation.name_zh, "name_en": organisation.name_en, "kind": organisation.kind,
        "uscc": organisation.uscc or "", "filing_number": organisation.filing_number or "",
        "registration_authority": organisation.registration_authority,
        "founded_on": organisation.founded_on.isoformat() if organisation.founded_on else "",
        "address": organisation.address, "street": organisation.street_id,
        "community": organisation.community_id or "", "contact_name": organisation.contact_name,
        "contact_phone": organisation.contact_phone, "contact_email": organisation.contact_email,
        "introduction": organisation.introduction,
    }
    data.update(changes)
    return data


def field_errors(response, field):
    """The error texts shown under one field of the rendered form."""
    html = response.content.decode()
    return re.findall(rf'<p class="error" id="id_{field}_error">(.*?)</p>', html, re.S)


def flashed(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def logged(organisation, action):
    return ModelLogEntry.objects.for_instance(organisation).filter(action=action)


def wrong_check_character(code):
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return code[:17] + next(c for c in alphabet if c != code[17])


def join_path(message):
    return re.search(r"https?://[^/\s]+(/\S*/organisations/join/[^/\s]+/)", message.body).group(1)


# -- registering ---------------------------------------------------------------------------

def test_registering_creates_a_pending_organisation_run_by_the_registrant(
        client, applicant, staff, nanping, committed):
    client.force_login(applicant)
    data = registration(nanping)
    with committed():
        response = client.post(REGISTER, data)

    organisation = Organisation.objects.get(uscc=data["uscc"])
    assert response.status_code == 302
    assert response["Location"] == f"/zh-hans/organisations/{organisation.pk}/"
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.name_zh == "南岸区益心社会工作服务中心"
    assert organisation.street == nanping
    assert organisation.community_id == data["community"]
    assert str(organisation.founded_on) == "2016-03-18"
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.role) == (applicant, Membership.Role.ADMIN)
    assert logged(organisation, "seedbed.organisation.registered").filter(user=applicant).count() == 1
    [email] = [m for m in mail.outbox if m.to == ["staff@example.com"]]
    assert organisation.name_zh in email.subject
    # "…record your decision:" links to the page where the decision is recorded
    assert f"/admin/snippets/organisations/organisation/verify/{organisation.pk}/" in email.body


def test_the_new_organisation_page_shows_it_is_awaiting_verification(client, applicant, nanping):
    client.force_login(applicant)
    response = client.post(REGISTER, registration(nanping), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "南岸区益心社会工作服务中心" in html
    with translation.override("zh-hans"):
        assert escape(str(Organisation.Status.PENDING.label)) in html


def test_registering_normalises_the_code_typed_with_spaces_and_lower_case(client, applicant, nanping):
    code = valid_uscc("52AB0108")
    client.force_login(applicant)
    spaced = " ".join([code[:6], code[6:12], code[12:]]).lower()
    assert client.post(REGISTER, registration(nanping, uscc=spaced)).status_code == 302
    assert Organisation.objects.filter(uscc=code).exists()


def test_registering_requires_sign_in(client, nanping):
    response = client.post(REGISTER, registration(nanping))
    assert response.status_code == 302
    assert response["Location"].startswith("/zh-hans/accounts/login/")
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("code, expected", [
    (wrong_check_character(valid_uscc("A1B2C3D4")), "该统一社会信用代码无效：最后一位校验码不符"),
    ("91500108MA5U7XKI0X", "统一社会信用代码不能包含 I"),
    ("9150010855138508", "统一社会信用代码应为 18 位，此处为 16 位"),
])
def test_an_invalid_code_is_refused_next_to_the_field_keeping_what_was_typed(
        client, applicant, staff, nanping, committed, code, expected):
    client.force_login(applicant)
    with committed():
        response = client.post(REGISTER, registration(nanping, uscc=code))
    html = response.content.decode()
    assert response.status_code == 200
    [error] = field_errors(response, "uscc")
    assert expected in error
    assert f'value="{code}"' in html
    assert 'value="南岸区益心社会工作服务中心"' in html
    assert 'value="023-62981234"' in html
    assert not Organisation.objects.exists()
    assert not Membership.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("letter", "IOZSV")
def test_each_forbidden_letter_is_refused(client, applicant, nanping, letter):
    body = "91500108MA5U7XK0" + letter
    code = body + "1"
    client.force_login(applicant)
    response = client.post(REGISTER, registration(nanping, uscc=code))
    assert response.status_code == 200
    [error] = field_errors(response, "uscc")
    assert f"不能包含 {letter}" in error
    assert not Organisation.objects.exists()


def test_the_code_error_is_in_english_on_the_english_site(client, applicant, nanping):
    client.force_login(applicant)
    response = client.post("/en/organisations/register/",
                           registration(nanping, uscc=wrong_check_character(valid_uscc("A1B2C3D4"))))
    assert response.status_code == 200
    [error] = field_errors(response, "uscc")
    assert error.startswith("This Unified Social Credit Code is not valid: its last character does not match.")
    response = client.post("/en/organisations/register/", registration(nanping, uscc="915001085513850"))
    assert field_errors(response, "uscc") == [
        "A Unified Social Credit Code has 18 characters; this one has 15."]
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("status", list(Organisation.Status))
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_duplicate_code_is_refused_naming_the_existing_status(
        client, applicant, other_applicant, nanping, status, language):
    existing = OrganisationFactory(name_zh="南岸区先到社工中心", status=status, admins=[other_applicant])
    client.force_login(applicant)
    response = client.post(f"/{language}/organisations/register/",
                           registration(nanping, uscc=existing.uscc))
    assert response.status_code == 200
    [error] = field_errors(response, "uscc")
    with translation.override(language):
        label = str(Organisation.Status(status).label)
    assert "南岸区先到社工中心" in error
    assert escape(label) in error
    assert Organisation.objects.count() == 1
    assert not Membership.objects.filter(user=applicant).exists()


def test_the_same_code_typed_differently_is_still_a_duplicate(client, applicant, nanping):
    existing = OrganisationFactory()
    client.force_login(applicant)
    response = client.post(REGISTER, registration(nanping, uscc=" " + existing.uscc.lower() + " "))
    assert response.status_code == 200
    assert len(field_errors(response, "uscc")) == 1
    assert Organisation.objects.count() == 1


def test_a_duplicate_filing_number_is_refused(client, applicant, nanping):
    OrganisationFactory(kind=Organisation.Kind.COMMUNITY_GROUP, uscc=None, filing_number="南坪备2021-017",
                        status=Organisation.Status.PENDING)
    client.force_login(applicant)
    response = client.post(REGISTER, registration(
        nanping, kind=Organisation.Kind.COMMUNITY_GROUP, uscc="", filing_number="南坪备2021-017"))
    assert response.status_code == 200
    [error] = field_errors(response, "filing_number")
    with translation.override("zh-hans"):
        assert escape(str(Organisation.Status.PENDING.label)) in error
    assert Organisation.objects.count() == 1


def test_the_service_refuses_a_duplicate_code_with_a_validation_error(applicant, nanping):
    existing = OrganisationFactory(status=Organisation.Status.VERIFIED)
    duplicate = Organisation(name_zh="重名机构", kind=Organisation.Kind.SOCIAL_SERVICE, uscc=existing.uscc,
                             address="江南大道1号", street=nanping, contact_name="王", contact_phone="1",
                             contact_email="x@example.org")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.register_organisation(duplicate, applicant)
    assert "uscc" in error.value.message_dict
    assert Organisation.objects.count() == 1
    assert not Membership.objects.filter(user=applicant).exists()


def test_a_code_registered_between_form_check_and_save_is_refused_cleanly(applicant, nanping):
    """Two people registering the same code at once: the loser gets the message, not a 500."""
    form = OrganisationForm(registration(nanping))
    assert form.is_valid(), form.errors
    organisation = form.save(commit=False)
    OrganisationFactory(uscc=organisation.uscc, name_zh="抢先一步的机构")  # the other request won
    real = services.duplicate_code_message
    missed = []

    def blind_first_time(*args, **kwargs):  # the pre-save check ran before the winner committed
        if not missed:
            missed.append(args)
            return None
        return real(*args, **kwargs)

    with mock.patch.object(services, "duplicate_code_message", blind_first_time), \
            pytest.raises(ValidationError) as error:
        services.register_organisation(organisation, applicant)
    assert "抢先一步的机构" in " ".join(error.value.message_dict["uscc"])
    assert Organisation.objects.count() == 1


def test_a_community_group_may_register_with_a_filing_number_only(client, applicant, nanping):
    client.force_login(applicant)
    response = client.post(REGISTER, registration(
        nanping, kind=Organisation.Kind.COMMUNITY_GROUP, uscc="", filing_number=" 南坪备 2023-042 "))
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.uscc is None
    assert organisation.filing_number == "南坪备2023-042"
    assert organisation.status == Organisation.Status.PENDING


def test_blank_codes_are_not_duplicates_of_each_other(client, applicant, nanping):
    """A code left blank is "no code", so any number of organisations may leave it blank."""
    client.force_login(applicant)
    for number in ("南坪备2021-001", "南坪备2021-002"):  # community groups: no USCC
        response = client.post(REGISTER, registration(
            nanping, kind=Organisation.Kind.COMMUNITY_GROUP, uscc="", filing_number=number))
        assert response.status_code == 302, field_errors(response, "uscc")
    for _ in range(2):  # registered organisations: no filing number
        response = client.post(REGISTER, registration(nanping, uscc=valid_uscc("52500108"), filing_number=""))
        assert response.status_code == 302, field_errors(response, "filing_number")
    assert Organisation.objects.filter(uscc__isnull=True).count() == 2
    assert Organisation.objects.filter(filing_number__isnull=True).count() == 2


def test_a_community_group_needs_a_filing_number_or_a_code(client, applicant, nanping):
    client.force_login(applicant)
    response = client.post(REGISTER, registration(
        nanping, kind=Organisation.Kind.COMMUNITY_GROUP, uscc="", filing_number=""))
    assert response.status_code == 200
    assert len(field_errors(response, "filing_number")) == 1
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("kind", [Organisation.Kind.SOCIAL_SERVICE, Organisation.Kind.ENTERPRISE])
def test_a_registered_organisation_must_give_its_code(client, applicant, nanping, kind):
    client.force_login(applicant)
    response = client.post(REGISTER, registration(nanping, kind=kind, uscc="", filing_number="南坪备2023-001"))
    assert response.status_code == 200
    assert len(field_errors(response, "uscc")) == 1
    assert not Organisation.objects.exists()


def test_the_community_must_be_in_the_chosen_street(client, applicant, nanping):
    elsewhere = Community.objects.exclude(street=nanping).select_related("street").first()
    client.force_login(applicant)
    response = client.post(REGISTER, registration(nanping, community=elsewhere.pk))
    assert response.status_code == 200
    [error] = field_errors(response, "community")
    assert elsewhere.name_zh in error and nanping.name_zh in error
    assert not Organisation.objects.exists()


def test_the_community_is_optional(client, applicant, nanping):
    client.force_login(applicant)
    assert client.post(REGISTER, registration(nanping, community="")).status_code == 302
    assert Organisation.objects.get().community is None


# -- correcting the record -----------------------------------------------------------------

def edit_path(organisation, language="zh-hans"):
    return f"/{language}/organisations/{organisation.pk}/edit/"


def test_correcting_a_rejected_organisation_sends_it_back_to_verification(
        client, applicant, staff, committed):
    organisation = OrganisationFactory(status=Organisation.Status.REJECTED, status_reason="名称与登记证书不符",
                                       admins=[applicant])
    client.force_login(applicant)
    assert "名称与登记证书不符" in client.get(edit_path(organisation)).content.decode()
    with committed():
        response = client.post(edit_path(organisation), record(organisation, name_zh="南岸区益心社工服务中心"))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.name_zh == "南岸区益心社工服务中心"
    assert [m.to for m in mail.outbox] == [["staff@example.com"]]
    entry = logged(organisation, "seedbed.organisation.edited").get()
    assert entry.user == applicant


@pytest.mark.parametrize("change", [
    {"uscc": valid_uscc("52500108")},
    {"name_zh": "南岸区改名后的社工中心"},
])
def test_changing_the_identity_of_a_verified_organisation_sends_it_back_to_verification(
        client, applicant, staff, committed, change):
    organisation = OrganisationFactory(status=Organisation.Status.VERIFIED, verified_at=timezone.now(),
                                       admins=[applicant])
    client.force_login(applicant)
    with committed():
        response = client.post(edit_path(organisation), record(organisation, **change))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.verified_at is None
    field, value = next(iter(change.items()))
    assert getattr(organisation, field) == value
    assert len([m for m in mail.outbox if m.to == ["staff@example.com"]]) == 1


def test_changing_only_the_phone_keeps_the_organisation_verified(client, applicant, staff, committed):
    verified_at = timezone.now()
    organisation = OrganisationFactory(status=Organisation.Status.VERIFIED, verified_at=verified_at,
                                       admins=[applicant])
    client.force_login(applicant)
    with committed():
        response = client.post(edit_path(organisation), record(organisation, contact_phone="13800000000"))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.contact_phone == "13800000000"
    assert organisation.status == Organisation.Status.VERIFIED
    assert organisation.verified_at == verified_at
    assert mail.outbox == []


def test_an_edit_cannot_take_another_organisations_code(client, applicant):
    taken = OrganisationFactory(name_zh="已有代码的机构")
    organisation = OrganisationFactory(admins=[applicant])
    client.force_login(applicant)
    response = client.post(edit_path(organisation), record(organisation, uscc=taken.uscc))
    assert response.status_code == 200
    [error] = field_errors(response, "uscc")
    assert "已有代码的机构" in error
    organisation.refresh_from_db()
    assert organisation.uscc != taken.uscc


def test_saving_an_organisation_unchanged_does_not_call_its_own_code_a_duplicate(client, applicant):
    organisation = OrganisationFactory(admins=[applicant])
    client.force_login(applicant)
    assert client.post(edit_path(organisation), record(organisation)).status_code == 302


def test_a_plain_member_cannot_edit_the_record(client, applicant, other_applicant):
    organisation = OrganisationFactory(admins=[other_applicant], members=[applicant])
    client.force_login(applicant)
    assert client.get(edit_path(organisation)).status_code == 404
    response = client.post(edit_path(organisation), record(organisation, name_zh="被篡改"))
    assert response.status_code == 404
    organisation.refresh_from_db()
    assert organisation.name_zh != "被篡改"


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
