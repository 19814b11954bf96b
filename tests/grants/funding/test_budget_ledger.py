"""A fund's budget is a ledger: no form writes it after the fund is created, staff change it
on the fund's page with a reason, and reconciliation finds a budget (or an ended award's money)
changed by hand."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.snippets.models import get_snippet_models

from grants.donations.models import Donation
from grants.funding.models import Award, BudgetEntry, Fund, Tranche
from grants.funding.services import awards, ledger
from incubator.accounts import permissions as people
from tests.factories import FundFactory, UserFactory, approved, make_award, make_proposal

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def admin(db):
    """Funds are edited in the admin by its administrators."""
    return UserFactory(is_superuser=True, is_staff=True, roles=[people.STAFF])


@pytest.fixture
def pool(db):
    return FundFactory(kind=Fund.Kind.DONATIONS, name_zh="公众募捐资金池", budget=D("0"))


def edit_url(fund):
    return f"/admin/snippets/funding/fund/edit/{fund.pk}/"


def form_data(fund, **changes):
    """What the admin's edit form posts for `fund` as it stood when the form was opened."""
    data = {"name_zh": fund.name_zh, "name_en": fund.name_en, "kind": fund.kind, "year": fund.year,
            "owner_zh": fund.owner_zh, "owner_en": fund.owner_en, "owner_uscc": fund.owner_uscc,
            "description": fund.description, "is_active": "on" if fund.is_active else "",
            "budget": str(fund.budget), "max_per_award": "", "max_share": "",
            "match_ratio": str(fund.match_ratio), "match_cap": ""}
    data.update(changes)
    return data


def pool_gift(pool, amount):
    with transaction.atomic():
        donation = Donation.objects.create(fund=pool, amount=amount)
        donation.mark_paid(timezone.now())
        donation.save()
        ledger.receive_donation(donation)
    return donation


def refund(donation, total):
    with transaction.atomic():
        ledger.refund_donation(Donation.objects.select_for_update().get(pk=donation.pk), total)


# -- no form writes the budget -------------------------------------------------------------
def test_a_stale_admin_save_keeps_a_pool_gift_paid_meanwhile(client, admin, pool):
    client.force_login(admin)
    assert client.get(edit_url(pool)).status_code == 200
    stale = form_data(pool, description="更新说明")  # the form as opened: budget ¥0
    pool_gift(pool, D("500.00"))
    response = client.post(edit_url(pool), stale)
    assert response.status_code == 302, response.content.decode()[:2000]
    pool.refresh_from_db()
    assert (pool.description, pool.budget, pool.donations_received) == ("更新说明", D("500.00"), D("500.00"))
    assert ledger.check_fund(pool) == []


def test_a_stale_admin_save_does_not_undo_a_refunded_pool_gift(client, admin, pool):
    donation = pool_gift(pool, D("500.00"))
    client.force_login(admin)
    stale = form_data(Fund.objects.get(pk=pool.pk), description="更新说明")  # budget ¥500
    refund(donation, D("500.00"))
    assert client.post(edit_url(pool), stale).status_code == 302
    pool.refresh_from_db()
    assert (pool.budget, pool.donations_received) == (D("0"), D("0"))
    assert ledger.check_fund(pool) == []


def test_the_admin_shows_the_budget_read_only_once_the_fund_exists(client, admin, pool):
    client.force_login(admin)
    page = client.get(edit_url(pool)).content.decode()
    assert 'name="budget"' in page and "disabled" in page.split('name="budget"')[1].split(">")[0]
    assert client.post(edit_url(pool), form_data(pool, budget="999999")).status_code == 302
    pool.refresh_from_db()
    assert pool.budget == D("0")


def test_creating_a_fund_in_the_admin_sets_its_opening_budget(client, admin):
    client.force_login(admin)
    response = client.post("/admin/snippets/funding/fund/add/", form_data(
        Fund(name_zh="2027年福彩公益金", kind=Fund.Kind.WELFARE_LOTTERY, year=2027, owner_zh="南岸区民政局",
             budget=D("300000.00"), match_ratio=D("0"))))
    assert response.status_code == 302, response.content.decode()[:2000]
    fund = Fund.objects.get(name_zh="2027年福彩公益金")
    assert fund.budget == D("300000.00")
    assert list(fund.budget_entries.values_list("kind", "amount")) == [(BudgetEntry.Kind.OPENING, D("300000.00"))]
    assert ledger.check_fund(fund) == []


def test_no_admin_form_can_edit_money_a_ledger_moves(pool):
    """Every snippet's edit form, for every model keeping a ledger (a `LEDGER` of columns, or
    columns no form may edit): none of them is an enabled field."""
    checked = 0
    for model in get_snippet_models():
        ledger_columns = set(getattr(model, "LEDGER", ())) | {
            field.name for field in model._meta.concrete_fields if not field.editable}
        instance = model.objects.first()
        if instance is None:
            continue
        form = model.snippet_viewset.get_form_class(for_update=True)(instance=instance)
        editable = {name for name, field in form.fields.items() if not field.disabled}
        assert not editable & ledger_columns, model
        checked += 1
    assert checked


def test_fund_save_never_writes_the_budget_back(pool):
    stale = Fund.objects.get(pk=pool.pk)
    pool_gift(pool, D("80.00"))
    stale.budget = D("0")
    stale.save()
    pool.refresh_from_db()
    assert pool.budget == D("80.00")


# -- staff change the budget through the ledger ---------------------------------------------
def test_staff_raise_and_lower_a_budget_with_a_reason(staff):
    fund = FundFactory(budget=D("100000"))
    ledger.change_budget(fund, D("25000.50"), "追加预算（区财政〔2026〕12号）", staff)
    ledger.change_budget(fund, D("-5000"), "年中调减", staff)
    fund.refresh_from_db()
    assert fund.budget == D("120000.50")
    assert [(e.kind, e.amount, e.reason) for e in fund.budget_entries.order_by("pk")][1:] == [
        (BudgetEntry.Kind.CHANGE, D("25000.50"), "追加预算（区财政〔2026〕12号）"),
        (BudgetEntry.Kind.CHANGE, D("-5000.00"), "年中调减")]
    logged = ModelLogEntry.objects.for_instance(fund).filter(action="seedbed.fund.budget_changed")
    assert logged.count() == 2 and logged.first().user == staff
    assert ledger.check_fund(fund) == []


@pytest.mark.parametrize(("change", "reason", "field"), [
    (D("10"), "  ", "reason"), (D("0"), "调整", "amount"), (D("0.001"), "调整", "amount")])
def test_a_budget_change_needs_a_reason_and_an_amount(staff, change, reason, field):
    fund = FundFactory()
    with pytest.raises(Exception) as refused:
        ledger.change_budget(fund, change, reason, staff)
    assert field in refused.value.message_dict


def test_a_budget_cannot_fall_below_what_is_committed(call, organisation, applicant, staff):
    fund = FundFactory(budget=D("100000"))
    make_award(approved(make_proposal(call, organisation, applicant), applicant, staff), {fund: D("90000")}, staff)
    with pytest.raises(Exception, match="已承诺"):
        ledger.change_budget(fund, D("-10000.01"), "调减", staff)
    fund.refresh_from_db()
    assert fund.budget == D("100000")


def test_only_staff_change_a_budget(supervisor, funder):
    fund = FundFactory()
    for user in (supervisor, funder):
        with pytest.raises(Exception, match="仅工作人员"):
            ledger.change_budget(fund, D("1"), "调整", user)


def test_the_budget_page_changes_the_budget(client, staff):
    fund = FundFactory(budget=D("100000"))
    client.force_login(staff)
    assert f"/en/funds/{fund.pk}/budget/" in client.get(f"/en/funds/{fund.pk}/").content.decode()
    response = client.post(f"/en/funds/{fund.pk}/budget/", {
        "direction": "lower", "amount": "2000", "reason": "年中调减"})
    assert response.status_code == 302 and response.url == f"/en/funds/{fund.pk}/"
    fund.refresh_from_db()
    assert fund.budget == D("98000")
    assert "年中调减" in client.get(f"/en/funds/{fund.pk}/").content.decode()


@pytest.mark.parametrize("amount", ["abc", "²", "1" * 30, "-5", "0.001"])
def test_the_budget_page_answers_bad_input_with_a_message(client, staff, amount):
    fund = FundFactory(budget=D("100000"))
    client.force_login(staff)
    response = client.post(f"/en/funds/{fund.pk}/budget/", {"direction": "raise", "amount": amount, "reason": "x"})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    fund.refresh_from_db()
    assert fund.budget == D("100000")


def test_the_budget_page_refuses_going_below_committed_in_chinese(client, staff, call, organisation, applicant):
    fund = FundFactory(budget=D("100000"))
    make_award(approved(make_proposal(call, organisation, applicant), applicant, staff), {fund: D("90000")}, staff)
    client.force_login(staff)
    response = client.post(f"/zh-hans/funds/{fund.pk}/budget/", {
        "direction": "lower", "amount": "20000", "reason": "调减"})
    assert response.status_code == 200
    assert "预算不能低于此金额" in response.content.decode()


# -- reconciliation finds money moved by hand -----------------------------------------------
def test_reconciliation_finds_a_budget_changed_by_hand(pool):
    pool_gift(pool, D("300.00"))
    assert ledger.check_fund(pool) == []
    Fund.objects.filter(pk=pool.pk).update(budget=D("0"))  # what the stale form used to do
    assert any("budget" in problem for problem in ledger.check_fund(pool))


def test_reconciliation_finds_pool_gifts_changed_by_hand(pool):
    donation = pool_gift(pool, D("300.00"))
    Fund.objects.filter(pk=pool.pk).update(donations_received=D("0"))
    assert any("donations received" in problem for problem in ledger.check_fund(pool))
    Fund.objects.filter(pk=pool.pk).update(donations_received=D("300.00"))
    assert ledger.check_fund(pool) == []
    refund(donation, D("100.00"))
    BudgetEntry.objects.filter(kind=BudgetEntry.Kind.GIFT_REFUNDED).delete()  # a refund without its entry
    assert ledger.check_fund(pool)


@pytest.fixture
def ended_award(call, organisation, applicant, staff, pool):
    fund = FundFactory(match_ratio=D("1"))
    award = make_award(approved(make_proposal(call, organisation, applicant), applicant, staff), {fund: D("90000")},
                       staff)
    awards.terminate(award, staff, "项目终止")
    award.refresh_from_db()
    assert ledger.check_award(award) == []
    return award, fund


def test_reconciliation_finds_a_donation_credited_to_an_ended_award_by_hand(ended_award):
    award, _fund = ended_award
    Award.objects.filter(pk=award.pk).update(donations_applied=award.donations_applied + D("100"))
    Tranche.objects.create(award=award, number=9, amount=D("100"), condition=Tranche.Condition.STAFF)
    assert any("stopped accepting gifts" in problem for problem in ledger.check_award(award))


def test_reconciliation_finds_a_match_credited_to_an_ended_award_by_hand(ended_award):
    award, fund = ended_award
    line = award.funding.get(fund=fund)
    type(line).objects.filter(pk=line.pk).update(matched=line.matched + D("50"))
    Award.objects.filter(pk=award.pk).update(matched=award.matched + D("50"))
    Fund.objects.filter(pk=fund.pk).update(committed=fund.committed + D("50"), matched=fund.matched + D("50"))
    problems = ledger.check_award(award)
    assert any("stopped accepting gifts" in problem for problem in problems)
