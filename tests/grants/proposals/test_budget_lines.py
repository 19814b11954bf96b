"""One budget line: a proposal's lines, an award's lines and a variation's stored lines are the
same shape, turn into one another without losing a fen, and add up the same way."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from grants.funding.models import AwardBudgetLine
from grants.funding.services import awards
from grants.proposals.models import BudgetLine, budget_total
from tests.factories import FundFactory, approved, make_award, make_proposal

pytestmark = pytest.mark.django_db
D = Decimal


def test_lines_go_to_json_as_decimal_strings_and_come_back_exactly():
    lines = [BudgetLine(category="venue", item="场地", quantity=D("2.50"), unit="天", unit_price=D("0.01")),
             BudgetLine(category="other", item="保险", quantity=D("3"), unit="人", unit_price=D("33.33"))]
    stored = BudgetLine.to_json(lines)
    assert stored == [
        {"category": "venue", "item": "场地", "quantity": "2.50", "unit": "天", "unit_price": "0.01"},
        {"category": "other", "item": "保险", "quantity": "3", "unit": "人", "unit_price": "33.33"}]
    back = AwardBudgetLine.from_json(stored)
    assert [(line.quantity, line.unit_price, line.position) for line in back] == [
        (D("2.50"), D("0.01"), 0), (D("3"), D("33.33"), 1)]
    assert AwardBudgetLine.to_json(back) == stored


def test_a_line_is_rounded_half_up_and_a_total_adds_the_rounded_lines():
    # 2.5 × 0.01 = 0.025 → 0.03; 3 × 33.33 = 99.99
    lines = AwardBudgetLine.from_json([
        {"category": "venue", "item": "场地", "quantity": "2.5", "unit": "天", "unit_price": "0.01"},
        {"category": "other", "item": "保险", "quantity": "3", "unit": "人", "unit_price": "33.33"}])
    assert [line.subtotal for line in lines] == [D("0.03"), D("99.99")]
    assert budget_total(lines) == D("100.02")


def test_an_award_copies_its_proposals_budget_and_counts_it_the_same(call, organisation, applicant, staff):
    proposal = approved(make_proposal(call, organisation, applicant), applicant, staff)
    award = make_award(proposal, {FundFactory(): D("90000")}, staff)
    award_lines, proposal_lines = list(award.budget_lines.all()), list(proposal.budget_lines.all())
    assert AwardBudgetLine.to_json(award_lines) == BudgetLine.to_json(proposal_lines)
    assert budget_total(award_lines) == proposal.budget_total == award.granted + award.cofunding
    assert [line.get_category_display() for line in award_lines] == [
        line.get_category_display() for line in proposal_lines]


def test_an_award_budget_line_must_be_complete_in_the_database(call, organisation, applicant, staff):
    proposal = approved(make_proposal(call, organisation, applicant), applicant, staff)
    award = make_award(proposal, {FundFactory(): D("90000")}, staff)
    for missing in ({"quantity": None}, {"unit_price": None}, {"item": ""}, {"category": ""}, {"unit": ""}):
        line = {"category": "venue", "item": "场地", "quantity": D("1"), "unit": "年", "unit_price": D("1"), **missing}
        with pytest.raises(IntegrityError), transaction.atomic():
            AwardBudgetLine.objects.create(award=award, **line)


def test_a_draft_proposal_line_may_be_half_written(draft):
    line = BudgetLine.objects.create(proposal=draft, item="还没想好")
    assert not line.is_complete and line.subtotal == D("0.00")


def test_a_variations_posted_lines_are_cleaned_into_the_same_lines():
    lines = awards.clean_lines([{"category": "venue", "item": "场地", "quantity": "2.5", "unit": "天",
                                 "unit_price": "0.01"}])
    assert AwardBudgetLine.to_json(lines) == [
        {"category": "venue", "item": "场地", "quantity": "2.5", "unit": "天", "unit_price": "0.01"}]
    assert budget_total(lines) == D("0.03")
