"""Drafting a proposal: start, save whatever is typed, never lose it, never overwrite silently."""

from decimal import Decimal

import pytest
from django.urls import reverse

from grants.proposals.models import BudgetLine, Proposal
from tests.factories import OrganisationFactory, UserFactory, make_call, translated
from tests.grants.proposals.editor import add_rows, editor_data

pytestmark = pytest.mark.django_db


def edit_url(proposal, language="zh-hans"):
    return f"/{language}/proposals/{proposal.pk}/edit/"


def test_a_member_of_a_verified_organisation_starts_a_draft_on_an_open_call(client, applicant, organisation, call):
    client.force_login(applicant)
    response = client.post(f"/zh-hans/calls/{call.pk}/apply/", {"organisation": organisation.pk})
    proposal = Proposal.objects.get()
    assert response["Location"] == reverse("proposals:edit", args=[proposal.pk])
    assert (proposal.status, proposal.organisation, proposal.call) == ("draft", organisation, call)
    assert proposal.street == organisation.street


def test_applying_through_the_english_call_page_files_the_proposal_under_the_chinese_call(
        client, applicant, organisation, call):
    english = translated(call)
    client.force_login(applicant)
    client.post(f"/en/calls/{english.pk}/apply/", {"organisation": organisation.pk})
    assert Proposal.objects.get().call_id == call.pk


@pytest.mark.parametrize("status", ["closed", "upcoming"])
def test_no_draft_can_be_started_outside_the_application_window(client, applicant, organisation, status):
    call = make_call(status)
    client.force_login(applicant)
    client.post(f"/zh-hans/calls/{call.pk}/apply/", {"organisation": organisation.pk}, follow=True)
    assert not Proposal.objects.exists()


def test_an_unverified_organisation_cannot_start_a_draft_when_the_call_requires_verification(client, applicant, call):
    pending = OrganisationFactory(admins=[applicant], status="pending")
    client.force_login(applicant)
    response = client.post(f"/zh-hans/calls/{call.pk}/apply/", {"organisation": pending.pk}, follow=True)
    assert not Proposal.objects.exists()
    assert f"{pending.name_zh}正在等待工作人员认证" in response.content.decode()


def test_nobody_can_apply_for_an_organisation_they_do_not_belong_to(client, other_applicant, organisation, call):
    client.force_login(other_applicant)
    response = client.post(f"/zh-hans/calls/{call.pk}/apply/", {"organisation": organisation.pk})
    assert response.status_code == 404
    assert not Proposal.objects.exists()


def test_an_incomplete_draft_is_saved_as_typed(client, applicant, organisation, call):
    proposal = Proposal.objects.create(call=call, organisation=organisation)
    client.force_login(applicant)
    data = editor_data(proposal, **{"p-title": "半成品标题", "p-requested_amount": ""})
    add_rows(data, "budget", [{"item": "只写了名称"}])
    response = client.post(edit_url(proposal), data)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "半成品标题"
    line = proposal.budget_lines.get()
    assert (line.item, line.quantity, line.unit_price) == ("只写了名称", None, None)


def test_a_malformed_entry_saves_nothing_and_keeps_everything_typed(client, applicant, draft):
    client.force_login(applicant)
    data = editor_data(draft, **{"p-title": "新的标题", "p-requested_amount": "九万元"})
    response = client.post(edit_url(draft), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "新的标题" in page and "九万元" in page  # both still in the form
    assert "p-requested_amount" in response.context["editor"].details.errors or \
        response.context["editor"].details.errors["requested_amount"]
    draft.refresh_from_db()
    assert draft.title != "新的标题"


def test_budget_lines_keep_their_order_and_can_be_removed(client, applicant, draft):
    client.force_login(applicant)
    data = editor_data(draft)
    data["budget-0-DELETE"] = "on"
    add_rows(data, "budget", [{"category": "venue", "item": "场地租赁", "quantity": "2", "unit": "次",
                               "unit_price": "3000"}])
    client.post(edit_url(draft), data)
    assert [line.item for line in draft.budget_lines.all()] == ["活动物资", "场地租赁"]


def test_a_second_editor_does_not_silently_overwrite_the_first(client, applicant, organisation, draft):
    colleague = UserFactory()
    organisation.memberships.create(user=colleague)
    first = editor_data(draft, **{"p-title": "甲的修改"})
    second = editor_data(draft, **{"p-title": "乙的修改", "p-summary": "乙写了很长的一段说明"})

    client.force_login(applicant)
    assert client.post(edit_url(draft), first).status_code == 302
    client.force_login(colleague)
    response = client.post(edit_url(draft), second)

    assert response.status_code == 200
    page = response.content.decode()
    assert "乙写了很长的一段说明" in page and "乙的修改" in page  # the second editor keeps their text
    assert "没有保存" in page or "NOT saved" in page
    draft.refresh_from_db()
    assert draft.title == "甲的修改"


def test_after_a_conflict_saving_again_is_a_deliberate_choice_that_goes_through(client, applicant, draft):
    stale = editor_data(draft, **{"p-title": "旧版本上的修改"})
    draft.version += 1
    draft.save()
    client.force_login(applicant)
    response = client.post(edit_url(draft), stale)
    assert response.status_code == 200
    retry = dict(stale, version=str(response.context["version"]))
    assert client.post(edit_url(draft), retry).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "旧版本上的修改"


def test_the_editor_shows_money_limits_from_the_call(client, applicant, draft):
    client.force_login(applicant)
    page = client.get(f"/en{edit_url(draft)[8:]}").content.decode()
    assert "Between ¥50,000.00 and ¥150,000.00." in page
    assert "At least 10% of the project" in page


def test_staff_read_but_never_edit_a_proposal(client, staff, draft):
    client.force_login(staff)
    assert client.get(f"/zh-hans/proposals/{draft.pk}/").status_code == 200
    assert client.get(edit_url(draft)).status_code == 404
    assert client.post(edit_url(draft), editor_data(draft, **{"p-title": "员工改的"})).status_code == 404
    draft.refresh_from_db()
    assert draft.title != "员工改的"


def test_subtotals_are_exact_decimals(draft):
    line = BudgetLine(proposal=draft, quantity=Decimal("3"), unit_price=Decimal("33.335"))
    assert line.subtotal == Decimal("100.01")
    assert draft.budget_total == Decimal("100000.00")


def test_mangled_ids_in_a_post_are_a_404_or_ignored_never_a_500(client, applicant, draft, call):
    client.force_login(applicant)
    assert client.post(f"/zh-hans/calls/{call.pk}/apply/", {"organisation": "abc"}).status_code == 404
    response = client.post(edit_url(draft), editor_data(draft, remove_attachment="x1"))
    assert response.status_code == 302
