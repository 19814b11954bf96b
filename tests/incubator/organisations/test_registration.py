"""Organisations on the public site: registering, and correcting the record."""

from html import escape
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from incubator.organisations import services
from incubator.organisations.forms import OrganisationForm
from incubator.organisations.models import Membership, Organisation
from incubator.places.models import Community, Street
from tests.factories import OrganisationFactory, valid_uscc
from tests.incubator.organisations.helpers import edit_path, field_errors, logged, record

REGISTER = "/zh-hans/organisations/register/"


# -- helpers -------------------------------------------------------------------------------

@pytest.fixture
def nanping(db):
    return Street.objects.get(code="500108003")  # 南坪街道


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


def wrong_check_character(code):
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return code[:17] + next(c for c in alphabet if c != code[17])


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


def test_a_logo_whose_name_is_too_long_for_the_file_system_is_saved_with_the_rest(client, applicant):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    image = BytesIO()
    Image.new("RGB", (1, 1)).save(image, "PNG")
    png = image.getvalue()
    organisation = OrganisationFactory(admins=[applicant])
    client.force_login(applicant)
    # 90 characters pass the field's limit of 100, but are 270 bytes: the file system allows 255
    logo = SimpleUploadedFile("标" * 90 + ".png", png, content_type="image/png")
    response = client.post(edit_path(organisation), {**record(organisation, address="新地址1号"), "logo": logo})
    assert response.status_code == 302, response.context["form"].errors
    organisation.refresh_from_db()
    assert organisation.address == "新地址1号"
    stored = organisation.logo.name.rsplit("/", 1)[-1]
    assert stored.endswith(".png") and len(stored.encode()) < 255
