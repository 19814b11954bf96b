"""Property-based: random sequences of commitments, payments, donations, refunds, variations
and early endings, with every invariant of the ledger checked after each step.

LEDGER_EXAMPLES=500 runs more sequences than the 40 of a normal test run."""

import os
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grants.donations.models import Donation
from grants.funding.models import Award, Fund, Tranche
from grants.funding.services import awards, ledger
from tests.factories import FundFactory, OrganisationFactory, approved, make_proposal

D = Decimal
ZERO = D("0")

amounts = st.integers(min_value=1, max_value=4_000_000).map(lambda fen: D(fen) / 100)
operations = st.lists(st.one_of(
    st.tuples(st.just("award"), st.integers(0, 3), st.lists(st.integers(1, 9), min_size=1, max_size=3)),
    st.tuples(st.just("sign"), st.integers(0, 3)),
    st.tuples(st.just("pay"), st.integers(0, 3)),
    st.tuples(st.just("donate"), st.integers(0, 3), amounts),
    st.tuples(st.just("donate_pool"), amounts),
    st.tuples(st.just("refund"), st.integers(0, 20), st.integers(1, 100)),
    st.tuples(st.just("vary"), st.integers(0, 3), st.integers(-60_000, 60_000)),
    st.tuples(st.just("terminate"), st.integers(0, 3)),
), min_size=1, max_size=18)


@pytest.fixture
def proposals(call, applicant, staff):
    """Four approved proposals of ¥90,000 each, from two organisations."""

    second = OrganisationFactory(admins=[applicant])
    return [approved(make_proposal(call, organisation, applicant), applicant, staff)
            for organisation in (OrganisationFactory(admins=[applicant]), second, second,
                                 OrganisationFactory(admins=[applicant]))]


class World:
    def __init__(self, proposals, staff, applicant):
        self.proposals, self.staff, self.applicant = proposals, staff, applicant
        self.funds = [FundFactory(budget=D("200000"), match_ratio=D("1"), match_cap=D("30000")),
                      FundFactory(budget=D("150000"), max_share=D("60")),
                      FundFactory(budget=D("120000"), match_ratio=D("0.5"))]
        self.pool = FundFactory(kind=Fund.Kind.DONATIONS, budget=D("0"))
        self.donations = []

    def award(self, index):
        return Award.objects.filter(proposal=self.proposals[index]).first()

    def run(self, operation):
        name, *args = operation
        try:
            with transaction.atomic():
                getattr(self, f"do_{name}")(*args)
        except ValidationError:
            pass  # a refused step must leave everything as it was; the checks below prove it

    def do_award(self, index, weights):
        proposal = self.proposals[index]
        if self.award(index):
            return
        funds = self.funds[:len(weights)]
        shares = ledger.split_pro_rata(proposal.requested_amount, {f: D(w) for f, w in zip(funds, weights)})
        awards.create_award(proposal, shares, self.staff)

    def do_sign(self, index):
        if award := self.award(index):
            awards.sign(award, self.staff, SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n"))

    def do_pay(self, index):
        # The ledger itself, without the workflow's conditions (reports approved and so on).
        award = self.award(index)
        tranche = award and award.tranches.filter(status=Tranche.Status.PLANNED, amount__gt=0).first()
        if tranche:
            ledger.pay(tranche, self.staff, timezone.localdate(), "BANK-1")

    def do_donate(self, index, amount):
        if award := self.award(index):
            self._donate(amount, award=award)

    def do_donate_pool(self, amount):
        self._donate(amount, fund=self.pool)

    def _donate(self, amount, **target):
        donation = Donation.objects.create(amount=amount, **target)
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        donation.mark_paid(timezone.now())
        donation.save()
        ledger.receive_donation(donation)
        self.donations.append(donation.pk)

    def do_refund(self, number, percent):
        if not self.donations:
            return
        donation = Donation.objects.select_for_update().get(pk=self.donations[number % len(self.donations)])
        total = min(donation.amount, donation.refunded + (donation.amount * percent / 100).quantize(D("0.01")))
        ledger.refund_donation(donation, total)

    def do_vary(self, index, change):
        award = self.award(index)
        if award is None:
            return
        change = D(change)
        lines = [{"category": "activities", "item": "活动", "quantity": "1", "unit": "项",
                  "unit_price": str(award.granted + change + award.cofunding)}]
        variation = awards.request_variation(award, self.applicant, lines, "调整预算", change)
        fund = max(self.funds, key=lambda f: Fund.objects.get(pk=f.pk).remaining)
        awards.decide_variation(variation, self.staff, approve=True, fund=fund)

    def do_terminate(self, index):
        if award := self.award(index):
            awards.terminate(award, self.staff, "项目终止")

    def check(self):
        for fund in [*self.funds, self.pool]:
            assert ledger.check_fund(fund) == [], fund
            matched = Donation.objects.filter(match_fund=fund).aggregate(m=Sum("matched"), w=Sum("match_withdrawn"))
            assert fund.matched == (matched["m"] or ZERO) - (matched["w"] or ZERO)
        for award in Award.objects.all():
            assert ledger.check_award(award) == [], award
            assert award.paid <= award.amount
            if award.status != Award.Status.TERMINATED:
                counted = Donation.objects.filter(award=award, status__in=["paid", "refunded"])
                net = sum((d.amount - d.refunded for d in counted), ZERO)
                assert award.donations_applied - award.refund_shortfall == net
        for donation in Donation.objects.all():
            assert ZERO <= donation.refunded <= donation.amount
            assert ZERO <= donation.match_withdrawn <= donation.matched


@pytest.mark.django_db
@settings(max_examples=int(os.environ.get("LEDGER_EXAMPLES", 40)), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_the_ledger_keeps_its_invariants_after_every_step(steps, proposals, staff, applicant):
    with transaction.atomic():
        world = World(proposals, staff, applicant)
        for step in steps:
            world.run(step)
            world.check()
        transaction.set_rollback(True)  # the next example starts from the same proposals
