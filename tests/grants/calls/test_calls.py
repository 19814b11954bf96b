"""Calls are Wagtail pages: validated when staff save them, listed and filtered for the public,
and each explains to its visitor what stands between them and applying."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from grants.calls.models import CallPage, Theme
from incubator.places.models import Street
from tests.factories import RUBRIC, OrganisationFactory, make_call, translated

pytestmark = pytest.mark.django_db


def call_errors(**fields):
    call = make_call()
    for name, value in fields.items():
        setattr(call, name, value)
    with pytest.raises(ValidationError) as raised:
        call.clean()
    return set(raised.value.message_dict)


def test_a_valid_call_passes_its_own_checks():
    make_call().clean()


def test_grant_limits_must_be_ordered_and_within_the_budget():
    assert call_errors(min_grant=Decimal("200000")) == {"max_grant"}
    assert call_errors(max_grant=Decimal("3000000")) == {"max_grant"}


def test_applications_must_close_after_they_open():
    call = make_call()
    assert call_errors(closes_at=call.opens_at) == {"closes_at"}


def test_rubric_weights_must_add_up_to_100():
    rubric = [RUBRIC[0], ("criterion", {**RUBRIC[1][1], "weight": Decimal("50")})]
    assert call_errors(rubric=rubric) == {"rubric"}


@pytest.mark.parametrize("status", ["open", "upcoming", "closed"])
def test_a_calls_status_follows_its_dates(status):
    assert make_call(status).status == status


@pytest.fixture
def calls():
    elderly = Theme.objects.create(code="elderly", name_zh="为老服务", name_en="Elderly care")
    youth = Theme.objects.create(code="youth", name_zh="儿童青少年", name_en="Children and youth")
    nanping = Street.objects.get(code="500108003")
    open_call = make_call("open", title="社区治理创新项目")
    open_call.themes.add(elderly)
    small = make_call("open", title="小事微项目")
    small.themes.add(youth)
    small.streets.add(Street.objects.get(code="500108001"))
    small.save_revision().publish()
    open_call.save_revision().publish()
    upcoming = make_call("upcoming", title="德育创投项目")
    closed = make_call("closed", title="上半年社区项目")
    return {"open": open_call, "small": small, "upcoming": upcoming, "closed": closed,
            "elderly": elderly, "nanping": nanping}


def titles(client, query=""):
    response = client.get("/zh-hans/calls/" + query)
    assert response.status_code == 200
    return {call.title for call in response.context["calls"]}


def test_the_call_index_lists_every_call_with_its_status_and_deadline(client, calls):
    for call in ("open", "upcoming", "closed"):
        translated(calls[call])
    response = client.get("/en/calls/")
    page = response.content.decode()
    assert titles(client) == {"社区治理创新项目", "小事微项目", "德育创投项目", "上半年社区项目"}
    assert "Open" in page and "Upcoming" in page and "Closed" in page and "Deadline" in page


def test_the_call_index_filters_by_status_theme_and_street(client, calls):
    assert titles(client, "?status=open") == {"社区治理创新项目", "小事微项目"}
    assert titles(client, "?status=upcoming") == {"德育创投项目"}
    assert titles(client, "?status=closed") == {"上半年社区项目"}
    assert titles(client, f"?theme={calls['elderly'].pk}") == {"社区治理创新项目"}
    # 小事微项目 serves only 铜元局街道; the others serve the whole district, 南坪 included.
    assert titles(client, f"?street={calls['nanping'].pk}") == {"社区治理创新项目", "德育创投项目", "上半年社区项目"}
    assert titles(client, f"?status=open&street={calls['nanping'].pk}") == {"社区治理创新项目"}


def test_a_bad_filter_value_is_ignored_with_a_message_not_a_500(client, calls):
    response = client.get("/zh-hans/calls/?status=nonsense&street=abc")
    assert response.status_code == 200


def apply_box(client, call):
    response = client.get(translated(call).url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_visitor_is_told_to_sign_in_and_the_countdown_is_shown(client, calls):
    page = apply_box(client, calls["open"])
    assert "Sign in to apply" in page
    assert "days" in page and "hours left" in page


def test_a_user_without_an_organisation_is_told_to_register_or_join_one(client, applicant, calls):
    client.force_login(applicant)
    assert "Register an organisation" in apply_box(client, calls["open"])


def test_a_member_of_an_unverified_organisation_is_told_to_wait(client, applicant, calls):
    OrganisationFactory(admins=[applicant], status="pending", name_zh="新注册的机构")
    client.force_login(applicant)
    page = apply_box(client, calls["open"])
    assert "新注册的机构 is waiting for staff to verify it." in page
    assert "Start a proposal" not in page


def test_a_rejected_organisation_is_told_to_correct_its_record(client, applicant, calls):
    OrganisationFactory(admins=[applicant], status="rejected", name_zh="被退回的机构")
    client.force_login(applicant)
    assert "被退回的机构 was not verified" in apply_box(client, calls["open"])


def test_an_organisation_outside_the_streets_served_is_told_which_streets_qualify(client, applicant, calls):
    OrganisationFactory(admins=[applicant])  # based in 南坪街道
    client.force_login(applicant)
    page = apply_box(client, calls["small"])
    assert "This call only serves Tongyuanju Subdistrict." in page
    assert "Start a proposal" not in page


def test_an_organisation_of_an_ineligible_type_is_told_so(client, applicant):
    call = make_call(eligible_kinds=["social_group"])
    OrganisationFactory(admins=[applicant], kind="foundation")
    client.force_login(applicant)
    assert "not open to organisations of the type" in apply_box(client, call)


def test_closed_and_upcoming_calls_say_so_instead_of_offering_to_apply(client, applicant, calls):
    OrganisationFactory(admins=[applicant])
    client.force_login(applicant)
    assert "This call is closed" in apply_box(client, calls["closed"])
    assert "Applications open on" in apply_box(client, calls["upcoming"])


def test_an_eligible_member_gets_the_apply_button(client, applicant, calls):
    OrganisationFactory(admins=[applicant])
    client.force_login(applicant)
    assert "Start a proposal" in apply_box(client, calls["open"])


def test_staff_edit_calls_in_the_wagtail_admin(client, staff, calls):
    client.force_login(staff)
    assert client.get(f"/admin/pages/{calls['open'].pk}/edit/").status_code == 200
    index = calls["open"].get_parent()
    assert client.get(f"/admin/pages/add/calls/callpage/{index.pk}/").status_code == 200
    assert CallPage.parent_page_types == ["calls.CallIndexPage"]


def test_the_apply_button_and_the_screening_checklist_read_the_same_rules(applicant):
    """Eligibility is stated once (CallPage.eligibility): the reason an organisation may not
    apply is the first rule it fails on the screening checklist."""
    from grants.review.services import eligibility_checklist
    from tests.factories import make_proposal

    call = make_call(eligible_kinds=["social_group"])
    organisation = OrganisationFactory(kind="foundation", admins=[applicant])
    proposal = make_proposal(call, organisation, applicant)
    rules = call.eligibility(organisation)
    failed = [rule for rule, passed, _detail, _why in rules if not passed]
    with translation.override("en"):
        assert [str(rule) for rule in failed] == ["Organisation type eligible"]
    assert call.eligibility_problem(organisation) == rules[1][3]
    checklist = eligibility_checklist(proposal)
    assert [check.label for check in checklist[:len(rules)]] == [rule for rule, *_rest in rules]
    assert [check.passed for check in checklist[:len(rules)]] == [passed for _rule, passed, *_rest in rules]
