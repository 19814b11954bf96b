"""Stateful, property-based: Stripe's webhook events (a checkout paid for an award or for the
pool, refunds) interleaved with staff's actions (sign, pay a tranche, vary, end an award) and
stale admin saves of a fund, with reconciliation (`check_fund`, `check_award`) and the
donations' own sums checked after every step. The events go through the real webhook handler
against the fake Stripe; nothing reaches the network.

LEDGER_EXAMPLES raises the number of runs (default 12) for a longer search."""

import os
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from grants.donations import services as donations
from grants.donations import stripe_gateway as gateway
from grants.donations.models import Donation
from grants.funding.models import Award, Fund, Tranche
from grants.funding.services import awards, ledger
from tests.factories import FundFactory, OrganisationFactory, approved, make_proposal
from tests.grants.donations.donation_fixtures import completed, refunded, start
from tests.stripe_fake import fake_stripe  # noqa: F401 (fixture)

D = Decimal
ZERO = D("0")
gifts = st.integers(min_value=100, max_value=2_000_000).map(lambda fen: D(fen) / 100)


def admin_form_data(fund):
    """What the Funds admin's edit form posts for `fund` as it stands now."""
    form = Fund.snippet_viewset.get_form_class(for_update=True)(instance=fund)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, list | tuple):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif isinstance(value, bool):
            data[name] = "on" if value else ""
        else:
            data[name] = "" if value is None else str(value)
    return data


class Ledger(RuleBasedStateMachine):
    fake = proposals = staff = applicant = None  # set by the test before each run

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.funds = [FundFactory(budget=D("200000"), match_ratio=D("1"), match_cap=D("30000")),
                      FundFactory(budget=D("150000"), match_ratio=D("0.5"))]
        self.pool = FundFactory(kind=Fund.Kind.DONATIONS, budget=D("0"))
        self.awards = [awards.create_award(proposal, {fund: proposal.requested_amount}, self.staff)
                       for proposal, fund in zip(self.proposals, self.funds)]
        self.pending, self.paid, self.open_forms = [], [], []

    def teardown(self):
        transaction.set_rollback(True)  # the next run starts from the same proposals
        self._atomic.__exit__(None, None, None)

    def _step(self, action):
        try:
            with transaction.atomic():
                action()
        except ValidationError:
            pass  # a refused step leaves everything as it was; the invariants prove it

    def _award(self, index):
        return Award.objects.get(pk=self.awards[index % len(self.awards)].pk)

    # -- donors and Stripe's webhook -------------------------------------------------------
    @rule(index=st.integers(0, 1), amount=gifts)
    def start_award_checkout(self, index, amount):
        award = self._award(index)
        if award.accepts_donations:
            self.pending.append(start(award, amount=amount))

    @rule(amount=gifts)
    def start_pool_checkout(self, amount):
        self.pending.append(start(pool=self.pool, amount=amount))

    @rule(data=st.data())
    def checkout_completed(self, data):
        if not self.pending:
            return
        donation = self.pending.pop(data.draw(st.integers(0, len(self.pending) - 1)))
        assert donations.handle_event(completed(self.fake, donation)) == donations.Result.PROCESSED
        self.paid.append(donation.pk)

    @rule(data=st.data(), percent=st.integers(1, 100))
    def refund(self, data, percent):
        if not self.paid:
            return
        donation = Donation.objects.get(pk=self.paid[data.draw(st.integers(0, len(self.paid) - 1))])
        left = donation.amount - donation.refunded
        if left <= 0:
            return
        amount = max(D("0.01"), (left * percent / 100).quantize(D("0.01")))
        gateway.refund(donation.payment_intent_id, amount, f"refund-{donation.pk}-{donation.refunded}")
        donations.handle_event(refunded(self.fake, donation))

    # -- staff -----------------------------------------------------------------------------
    @rule(index=st.integers(0, 1))
    def sign(self, index):
        self._step(lambda: awards.sign(self._award(index), self.staff,
                                       SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n")))

    @rule(index=st.integers(0, 1))
    def pay_tranche(self, index):
        award = self._award(index)
        tranche = award.tranches.filter(status=Tranche.Status.PLANNED, amount__gt=0).first()
        if tranche and award.status == Award.Status.ACTIVE:
            self._step(lambda: ledger.pay(tranche, self.staff, timezone.localdate(), "BANK-1"))

    @rule(index=st.integers(0, 1), change=st.integers(-30_000, 30_000))
    def vary(self, index, change):
        award = self._award(index)

        def vary():
            lines = [{"category": "activities", "item": "活动", "quantity": "1", "unit": "项",
                      "unit_price": str(award.granted + change + award.cofunding)}]
            variation = awards.request_variation(award, self.applicant, lines, "调整预算", D(change))
            awards.decide_variation(variation, self.staff, approve=True, fund=self.funds[1])

        self._step(vary)

    @rule(index=st.integers(0, 1))
    def end_award(self, index):
        self._step(lambda: awards.terminate(self._award(index), self.staff, "项目终止"))

    @rule(which=st.integers(0, 2), raise_it=st.booleans())
    def change_budget(self, which, raise_it):
        fund = [*self.funds, self.pool][which]
        self._step(lambda: ledger.change_budget(fund, D("1000") if raise_it else D("-1000"), "调整", self.staff))

    # -- admins with a form open -----------------------------------------------------------
    @rule(which=st.integers(0, 2))
    def open_fund_form(self, which):
        fund = Fund.objects.get(pk=[*self.funds, self.pool][which].pk)
        self.open_forms.append((fund, admin_form_data(fund)))

    @rule(data=st.data())
    def save_stale_form(self, data):
        if not self.open_forms:
            return
        fund, posted = self.open_forms.pop(data.draw(st.integers(0, len(self.open_forms) - 1)))
        posted = {**posted, "description": "管理员编辑", "budget": str(fund.budget + 5000)}
        form = Fund.snippet_viewset.get_form_class(for_update=True)(
            posted, instance=Fund.objects.get(pk=fund.pk), for_user=self.staff)
        assert form.is_valid(), form.errors
        form.save()

    # -- after every step ------------------------------------------------------------------
    @invariant()
    def reconciliation_finds_nothing(self):
        for fund in [*self.funds, self.pool]:
            assert ledger.check_fund(fund) == [], fund
            gifts = Donation.objects.filter(match_fund=fund).aggregate(m=Sum("matched"), w=Sum("match_withdrawn"))
            assert fund.matched == (gifts["m"] or ZERO) - (gifts["w"] or ZERO)
        assert donations.check_pool(self.pool) == []
        for award in Award.objects.all():
            assert ledger.check_award(award) == [], award
            assert award.paid <= award.amount
            gifts = Donation.objects.filter(award=award, redirected_from=None, status__in=["paid", "refunded"])
            if award.status != Award.Status.TERMINATED:
                assert award.donations_applied - award.refund_shortfall == sum(
                    (d.amount - d.refunded for d in gifts), ZERO)
        for donation in Donation.objects.filter(redirected_from__isnull=False):
            assert donation.fund_id == self.pool.pk and donation.matched == 0


@pytest.mark.django_db
def test_webhooks_staff_and_stale_admin_forms_never_make_the_ledger_disagree(
        fake_stripe, call, applicant, staff):
    organisations = [OrganisationFactory(admins=[applicant]) for _ in range(2)]
    Ledger.fake, Ledger.staff, Ledger.applicant = fake_stripe, staff, applicant
    Ledger.proposals = [approved(make_proposal(call, organisation, applicant), applicant, staff)
                        for organisation in organisations]
    run_state_machine_as_test(Ledger, settings=settings(
        max_examples=int(os.environ.get("LEDGER_EXAMPLES", 12)), stateful_step_count=12, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
