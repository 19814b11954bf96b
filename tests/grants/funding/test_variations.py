"""Budget variations: the holder proposes a new budget (and perhaps a change to the grant),
staff approve or reject it; an approval replaces the budget lines, keeps the previous ones,
moves the money through the ledger, and the ledger still balances."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from grants.funding.models import BudgetVariation, Tranche
from grants.funding.services import awards, ledger
from tests.factories import FundFactory, approved, make_award, make_proposal

pytestmark = pytest.mark.django_db

# The award's budget as made (¥90,000 granted + ¥10,000 co-funding = ¥100,000).
CURRENT = [
    {"category": "personnel", "item": "社工补贴", "quantity": "10.00", "unit": "月", "unit_price": "6000.00"},
    {"category": "activities", "item": "活动物资", "quantity": "40.00", "unit": "场", "unit_price": "1000.00"},
]


@pytest.fixture(autouse=True)
def _in_english():
    """Services speak the active language: these tests read their English messages."""

    with translation.override("en"):
        yield


def budget(personnel="6000", activities="1000", venue=None):
    """The budget with other prices: ¥100,000 as it stands; a venue line adds what it costs."""
    lines = [{**CURRENT[0], "unit_price": personnel}, {**CURRENT[1], "unit_price": activities}]
    if venue is not None:
        lines.append({"category": "venue", "item": "场地租金", "quantity": "1", "unit": "年", "unit_price": venue})
    return lines


@pytest.fixture
def fund(funder):
    fund = FundFactory()
    fund.managers.add(funder)
    return fund


@pytest.fixture
def other_fund(db):
    return FundFactory(name_zh="南岸区福彩公益金", kind="welfare_lottery", budget=Decimal("50000"))


@pytest.fixture
def contracting(call, organisation, applicant, staff, fund):
    proposal = approved(make_proposal(call, organisation, applicant), applicant, staff)
    return make_award(proposal, {fund: Decimal("90000")}, staff)


@pytest.fixture
def award(contracting, staff):
    copy = SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    return awards.sign(contracting, staff, copy)


def lines_of(award):
    return [{"category": l.category, "item": l.item, "quantity": str(l.quantity), "unit": l.unit,
             "unit_price": str(l.unit_price)} for l in award.budget_lines.all()]


def balanced(award, *funds):
    return ledger.check_award(award) == [] and all(ledger.check_fund(fund) == [] for fund in funds)


def pay_first(award, staff):
    first = award.tranches.get(number=1)
    return awards.pay_tranche(first, staff, timezone.localdate(), "PAY-1")


# -- asking ------------------------------------------------------------------------------------
def test_moving_money_between_lines_replaces_the_budget_and_keeps_the_old_one(award, applicant, staff, fund):
    new = budget(personnel="5000", activities="1000", venue="10000")
    variation = awards.request_variation(award, applicant, new, "场地费用上涨，减少社工补贴。")
    assert (variation.status, variation.amount_change) == (BudgetVariation.Status.REQUESTED, Decimal("0"))
    assert lines_of(award) == CURRENT  # nothing changes before staff decide
    variation = awards.decide_variation(variation, staff, approve=True)
    assert variation.status == BudgetVariation.Status.APPROVED
    assert variation.previous_lines == CURRENT
    assert [(l["item"], l["unit_price"]) for l in lines_of(award)] == [
        ("社工补贴", "5000.00"), ("活动物资", "1000.00"), ("场地租金", "10000.00")]
    award.refresh_from_db()
    assert award.granted == Decimal("90000")
    assert balanced(award, fund)
    logged = ModelLogEntry.objects.for_instance(award).values_list("action", flat=True)
    assert {"seedbed.award.variation_requested", "seedbed.award.variation_approved"} <= set(logged)


def test_the_new_budget_must_add_up_to_the_grant_the_change_and_the_cofunding(award, applicant):
    with pytest.raises(ValidationError) as refused:
        awards.request_variation(award, applicant, budget(personnel="5000"), "少报了", Decimal("0"))
    assert "¥90,000.00" in refused.value.message_dict["lines"][0]  # what they add up to
    assert "¥100,000.00" in refused.value.message_dict["lines"][0]  # what they must
    assert not BudgetVariation.objects.exists()


def test_every_problem_is_reported_at_once(award, applicant):
    with pytest.raises(ValidationError) as refused:
        awards.request_variation(award, applicant, budget(personnel="5000"), "  ")
    assert set(refused.value.message_dict) == {"reason", "lines"}


@pytest.mark.parametrize("line, problem", [
    ({"category": "snacks", "item": "零食", "quantity": "1", "unit": "批", "unit_price": "1"}, "category"),
    ({"category": "venue", "item": "", "quantity": "1", "unit": "批", "unit_price": "1"}, "category"),
    ({"category": "venue", "item": "场地", "quantity": "0", "unit": "年", "unit_price": "1"}, "above 0"),
    ({"category": "venue", "item": "场地", "quantity": "1", "unit": "年", "unit_price": "1.005"}, "yuan and fen"),
    ({"category": "venue", "item": "场地", "quantity": "一", "unit": "年", "unit_price": "1"}, "quantity"),
])
def test_a_malformed_line_is_refused(line, problem):
    with pytest.raises(ValidationError) as refused:
        awards.clean_lines([line])
    assert problem in refused.value.message_dict["lines"][0]


def test_a_budget_needs_a_line():
    with pytest.raises(ValidationError, match="at least one line"):
        awards.clean_lines([])


def test_a_second_request_while_one_is_pending_is_refused(award, applicant, staff):
    awards.request_variation(award, applicant, budget(personnel="5000", venue="10000"), "场地")
    with pytest.raises(ValidationError, match="already waiting"):
        awards.request_variation(award, applicant, budget(personnel="4000", venue="20000"), "再改")
    assert BudgetVariation.objects.count() == 1


def test_after_a_decision_a_new_request_may_follow(award, applicant, staff):
    first = awards.request_variation(award, applicant, budget(personnel="5000", venue="10000"), "场地")
    awards.decide_variation(first, staff, approve=False, note="场地可由街道免费提供。")
    assert awards.request_variation(award, applicant, budget(personnel="4000", venue="20000"), "再改").pk


@pytest.mark.parametrize("who", ["other_applicant", "staff", "supervisor", "funder"])
def test_only_holders_ask_for_a_variation(award, request, who):
    with pytest.raises(ValidationError, match="Only the award holder"):
        awards.request_variation(award, request.getfixturevalue(who), budget(), "我来改")


@pytest.mark.parametrize("who", ["applicant", "supervisor", "funder"])
def test_only_staff_decide_a_variation(award, applicant, request, who):
    variation = awards.request_variation(award, applicant, budget(personnel="5000", venue="10000"), "场地")
    with pytest.raises(ValidationError, match="Only staff"):
        awards.decide_variation(variation, request.getfixturevalue(who), approve=True)
    variation.refresh_from_db()
    assert variation.status == BudgetVariation.Status.REQUESTED


def test_rejecting_needs_a_note_and_leaves_the_budget_alone(award, applicant, staff, mailoutbox,
                                                          django_capture_on_commit_callbacks):
    variation = awards.request_variation(award, applicant, budget(personnel="5000", venue="10000"), "场地")
    with pytest.raises(ValidationError) as refused:
        awards.decide_variation(variation, staff, approve=False, note=" ")
    assert "note" in refused.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        variation = awards.decide_variation(variation, staff, approve=False, note="场地可由街道免费提供。")
    assert variation.status == BudgetVariation.Status.REJECTED
    assert variation.decision_note == "场地可由街道免费提供。"
    assert variation.previous_lines == CURRENT  # what it would have replaced stays on record
    assert lines_of(award) == CURRENT
    assert [message.to for message in mailoutbox] == [[applicant.email]]
    assert "场地可由街道免费提供。" in mailoutbox[0].body


def test_a_decided_variation_cannot_be_decided_again(award, applicant, staff):
    variation = awards.request_variation(award, applicant, budget(personnel="5000", venue="10000"), "场地")
    awards.decide_variation(variation, staff, approve=True)
    with pytest.raises(ValidationError, match="already been decided"):
        awards.decide_variation(variation, staff, approve=False, note="改主意了")


def test_staff_are_emailed_a_request_and_the_holder_its_decision(award, applicant, staff, mailoutbox,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        variation = awards.request_variation(award, applicant, budget(personnel="5000", venue="10000"), "场地")
    assert [message.to for message in mailoutbox] == [[staff.email]]
    assert f"/awards/{award.pk}/#variations" in mailoutbox[0].body and "场地" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        awards.decide_variation(variation, staff, approve=True)
    assert mailoutbox[1].to == [applicant.email]


# -- more money, or less -------------------------------------------------------------------------
def test_an_increase_needs_a_fund(award, applicant, staff):
    variation = awards.request_variation(award, applicant, budget(venue="5000"), "新增场地", Decimal("5000"))
    with pytest.raises(ValidationError) as refused:
        awards.decide_variation(variation, staff, approve=True)
    assert "fund" in refused.value.message_dict


def test_an_increase_is_committed_from_the_chosen_fund_and_the_ledger_balances(award, applicant, staff, fund,
                                                                             other_fund):
    variation = awards.request_variation(award, applicant, budget(venue="5000"), "新增场地", Decimal("5000"))
    variation = awards.decide_variation(variation, staff, approve=True, fund=other_fund)
    assert variation.fund == other_fund
    award.refresh_from_db()
    other_fund.refresh_from_db()
    assert award.granted == Decimal("95000") and other_fund.committed == Decimal("5000")
    assert award.funding.get(fund=other_fund).granted == Decimal("5000")
    assert award.tranches.get(number=3).amount == Decimal("14000.00")  # the last unpaid tranche takes it
    assert len(lines_of(award)) == 3
    assert balanced(award, fund, other_fund)


def test_an_increase_needs_money_left_in_the_fund(award, applicant, staff, fund):
    poor = FundFactory(budget=Decimal("1000"))
    variation = awards.request_variation(award, applicant, budget(venue="5000"), "新增场地", Decimal("5000"))
    with pytest.raises(ValidationError) as refused:
        awards.decide_variation(variation, staff, approve=True, fund=poor)
    assert "has only ¥1,000.00 left" in refused.value.message_dict["fund"][0]
    award.refresh_from_db()
    assert award.granted == Decimal("90000") and balanced(award, fund, poor)


@pytest.mark.parametrize("caps, message", [
    ({"max_per_award": Decimal("3000")}, "gives at most ¥3,000.00"),
    ({"max_share": Decimal("5")}, "at most 5"),  # ¥5,000 of ¥95,000 is 5.3 %
    ({"is_active": False}, "is closed"),
])
def test_an_increase_respects_the_funds_rules(award, applicant, staff, caps, message):
    capped = FundFactory(**caps)
    variation = awards.request_variation(award, applicant, budget(venue="5000"), "新增场地", Decimal("5000"))
    with pytest.raises(ValidationError) as refused:
        awards.decide_variation(variation, staff, approve=True, fund=capped)
    assert message in refused.value.message_dict["fund"][0]
    variation.refresh_from_db()
    assert variation.status == BudgetVariation.Status.REQUESTED


def test_an_increase_respects_the_funds_calls(award, applicant, staff):
    from tests.factories import make_call

    elsewhere = FundFactory()
    elsewhere.calls.add(make_call())
    variation = awards.request_variation(award, applicant, budget(venue="5000"), "新增场地", Decimal("5000"))
    with pytest.raises(ValidationError) as refused:
        awards.decide_variation(variation, staff, approve=True, fund=elsewhere)
    assert "may not pay for this project" in refused.value.message_dict["fund"][0]


def test_a_funds_streets_and_themes_bind_a_variation_as_they_bind_the_matching(award):
    """One rule (grants/funding/rules.py): the variation check is the solver's Offer.admits."""
    from grants.funding import rules
    from incubator.places.models import Street

    proposal = award.proposal
    other_street = Street.objects.exclude(pk=proposal.street_id).first()
    elsewhere = FundFactory()
    elsewhere.streets.add(other_street)
    here = FundFactory()
    here.streets.add(proposal.street)
    here.themes.add(*proposal.themes.all())
    for fund, allowed in ((elsewhere, False), (here, True)):
        admitted = rules.offer_for(fund).admits(rules.candidate_for(proposal))
        assert admitted is allowed
        assert (rules.pay_problem(fund, proposal) is None) is allowed


def test_a_decrease_gives_the_money_back_to_the_fund(award, applicant, staff, fund):
    variation = awards.request_variation(award, applicant, budget(personnel="5000"), "社工减少一名",
                                         Decimal("-10000"))
    awards.decide_variation(variation, staff, approve=True)
    award.refresh_from_db()
    fund.refresh_from_db()
    assert award.granted == Decimal("80000") and fund.committed == Decimal("80000")
    planned = award.tranches.filter(status=Tranche.Status.PLANNED)
    assert sum(t.amount for t in planned) == Decimal("80000")
    assert balanced(award, fund)


def test_a_decrease_cannot_go_below_what_has_been_paid(award, applicant, staff, fund):
    pay_first(award, staff)  # ¥45,000 paid on signing
    with pytest.raises(ValidationError) as refused:
        awards.request_variation(award, applicant, budget(personnel="1000", activities="375"), "大幅缩减",
                                 Decimal("-50000"))
    assert "cannot fall below what has been paid" in refused.value.message_dict["amount_change"][0]
    # Down to exactly what was paid is allowed, and leaves nothing more to pay.
    variation = awards.request_variation(award, applicant, budget(personnel="2500", activities="750"),
                                         "项目提前收尾", Decimal("-45000"))
    awards.decide_variation(variation, staff, approve=True)
    award.refresh_from_db()
    assert (award.granted, award.paid, award.remaining) == (Decimal("45000"), Decimal("45000"), Decimal("0"))
    assert balanced(award, fund)


def test_the_change_is_in_yuan_and_fen(award, applicant):
    with pytest.raises(ValidationError) as refused:
        awards.request_variation(award, applicant, budget(), "精确", Decimal("0.001"))
    assert "amount_change" in refused.value.message_dict


def test_a_finished_award_cannot_change_its_budget(award, applicant, staff):
    pending = awards.request_variation(award, applicant, budget(personnel="5000", venue="10000"), "场地")
    awards.terminate(award, staff, "项目终止")
    with pytest.raises(ValidationError, match="finished award"):
        awards.decide_variation(pending, staff, approve=True)
    awards.decide_variation(pending, staff, approve=False, note="项目已终止。")  # rejecting still closes it
    with pytest.raises(ValidationError, match="finished award"):
        awards.request_variation(award, applicant, budget(), "还想改")


def test_an_award_being_contracted_may_change_its_budget(contracting, applicant, staff, fund):
    variation = awards.request_variation(contracting, applicant, budget(personnel="5000", venue="10000"), "场地")
    awards.decide_variation(variation, staff, approve=True)
    assert len(lines_of(contracting)) == 3 and balanced(contracting, fund)


# -- the pages ---------------------------------------------------------------------------------
def new_url(award):
    return f"/en/awards/{award.pk}/variations/new/"


def decide_url(variation):
    return f"/en/awards/{variation.award_id}/variations/{variation.pk}/decide/"


def posted(lines, reason="场地费用上涨", change="0", **extra):
    data = {"reason": reason, "amount_change": change, "lines-TOTAL_FORMS": str(len(lines)),
            "lines-INITIAL_FORMS": str(len(lines)), "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "200"}
    for number, line in enumerate(lines):
        data.update({f"lines-{number}-{field}": value for field, value in line.items()})
    data.update(extra)
    return data


def test_the_form_is_prefilled_with_the_current_budget_and_says_what_it_must_add_up_to(client, applicant, award):
    client.force_login(applicant)
    page = client.get(new_url(award)).content.decode()
    assert 'value="社工补贴"' in page and 'value="活动物资"' in page
    assert "¥90,000.00" in page and "¥10,000.00" in page and "¥100,000.00" in page


def test_the_holder_sends_a_variation_through_the_page(client, applicant, award):
    client.force_login(applicant)
    response = client.post(new_url(award), posted(budget(personnel="5000", venue="10000")))
    assert response.status_code == 302 and response["Location"] == f"/en/awards/{award.pk}/#variations"
    variation = award.variations.get()
    assert [line["item"] for line in variation.lines] == ["社工补贴", "活动物资", "场地租金"]
    assert variation.reason == "场地费用上涨"


def test_blank_rows_are_ignored_and_ticked_rows_removed(client, applicant, award):
    client.force_login(applicant)
    lines = budget(personnel="5000", venue="50000") + [dict.fromkeys(CURRENT[0], "")]
    response = client.post(new_url(award), posted(lines, **{"lines-1-DELETE": "on"}))
    assert response.status_code == 302
    assert [line["item"] for line in award.variations.get().lines] == ["社工补贴", "场地租金"]


def test_the_services_refusals_appear_beside_the_fields_and_nothing_typed_is_lost(client, applicant, award):
    client.force_login(applicant)
    response = client.post(new_url(award), posted(budget(personnel="5000", venue="3333"), reason=""))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Say why the budget should change." in page
    assert "The budget adds up to ¥93,333.00" in page and "it must be ¥100,000.00" in page
    assert 'value="3333"' in page and 'value="场地租金"' in page
    assert not BudgetVariation.objects.exists()


def test_a_half_filled_row_is_marked_and_nothing_is_sent(client, applicant, award):
    client.force_login(applicant)
    lines = budget() + [{"category": "venue", "item": "场地租金", "quantity": "", "unit": "", "unit_price": "abc"}]
    response = client.post(new_url(award), posted(lines))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Needed for this line." in page and 'value="abc"' in page
    assert not BudgetVariation.objects.exists()


def test_adding_rows_keeps_what_was_typed(client, applicant, award):
    client.force_login(applicant)
    response = client.post(new_url(award), posted(budget(personnel="5000"), reason="写了一半", add_rows="1"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="lines-TOTAL_FORMS" value="5"' in page and 'name="lines-4-item"' in page
    assert "写了一半" in page and 'value="5000"' in page
    assert "Needed for this line." not in page and not BudgetVariation.objects.exists()


def test_the_page_says_why_no_variation_can_be_asked_for_now(client, applicant, award):
    awards.request_variation(award, applicant, budget(personnel="5000", venue="10000"), "场地")
    client.force_login(applicant)
    page = client.get(new_url(award)).content.decode()
    assert "already waiting for staff" in page and 'name="reason"' not in page


def test_staff_approve_an_increase_choosing_the_fund(client, applicant, staff, award, fund, other_fund):
    variation = awards.request_variation(award, applicant, budget(venue="5000"), "新增场地", Decimal("5000"))
    client.force_login(staff)
    page = client.get(f"/en/awards/{award.pk}/").content.decode()
    assert decide_url(variation) in page and other_fund.name_zh in page
    prefix = f"v{variation.pk}"
    response = client.post(decide_url(variation), {f"{prefix}-decision": "approve", f"{prefix}-fund": other_fund.pk})
    assert response.status_code == 302
    variation.refresh_from_db()
    assert (variation.status, variation.fund) == (BudgetVariation.Status.APPROVED, other_fund)
    assert balanced(award, fund, other_fund)


def test_funds_without_enough_left_are_not_offered(client, applicant, staff, award):
    poor = FundFactory(name_zh="余额不足的资金", budget=Decimal("1000"))
    closed = FundFactory(name_zh="已关闭的资金", is_active=False)
    awards.request_variation(award, applicant, budget(venue="5000"), "新增场地", Decimal("5000"))
    client.force_login(staff)
    page = client.get(f"/en/awards/{award.pk}/").content.decode()
    assert poor.name_zh not in page and closed.name_zh not in page


def test_a_refused_decision_is_shown_again_with_its_error(client, applicant, staff, award):
    variation = awards.request_variation(award, applicant, budget(personnel="5000", venue="10000"), "场地")
    client.force_login(staff)
    prefix = f"v{variation.pk}"
    response = client.post(decide_url(variation), {f"{prefix}-decision": "reject", f"{prefix}-note": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tell the holder why the variation is refused." in page and "场地租金" in page
    variation.refresh_from_db()
    assert variation.status == BudgetVariation.Status.REQUESTED


def test_the_award_page_keeps_the_history_of_variations(client, applicant, staff, award):
    variation = awards.request_variation(award, applicant, budget(personnel="5000", venue="10000"), "场地")
    awards.decide_variation(variation, staff, approve=True, note="同意")
    client.force_login(applicant)
    page = client.get(f"/en/awards/{award.pk}/").content.decode()
    assert "Budget before" in page and "Proposed budget" in page
    assert "¥6,000.00" in page and "¥5,000.00" in page and "场地租金" in page and "同意" in page
    assert decide_url(variation) not in page  # holders never see the decision form


@pytest.mark.parametrize("who", ["staff", "supervisor", "funder"])
def test_readers_who_are_not_the_holder_cannot_ask_for_a_variation(client, request, award, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(new_url(award)).status_code == 403
    assert client.post(new_url(award), posted(budget(personnel="5000", venue="10000"))).status_code == 403
    assert not BudgetVariation.objects.exists()


@pytest.mark.parametrize("who", ["applicant", "supervisor", "funder"])
def test_only_staff_post_a_variation_decision(client, request, applicant, award, who):
    variation = awards.request_variation(award, applicant, budget(personnel="5000", venue="10000"), "场地")
    client.force_login(request.getfixturevalue(who))
    prefix = f"v{variation.pk}"
    assert client.post(decide_url(variation), {f"{prefix}-decision": "approve"}).status_code == 403
    variation.refresh_from_db()
    assert variation.status == BudgetVariation.Status.REQUESTED


@pytest.mark.parametrize("who", ["other_applicant", "reviewer"])
def test_outsiders_learn_nothing_of_variations(client, request, applicant, award, who):
    variation = awards.request_variation(award, applicant, budget(personnel="5000", venue="10000"), "场地")
    client.force_login(request.getfixturevalue(who))
    assert client.get(new_url(award)).status_code == 404
    assert client.post(decide_url(variation), {f"v{variation.pk}-decision": "approve"}).status_code == 404
