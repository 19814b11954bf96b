"""Demo funding data: a year of funded projects, so the public portal and the staff pages look
alive.

It runs after this year's grants and their review (demo.seed) and adds, through the same
services the site uses (every audit entry, reference number and ledger line is real; the
emails they would send are not, as seed_demo runs quiet):

- 20 more social organisations spread over Nan'an's 15 streets and towns (two of them filed
  community groups with a 备案号), each with a demo administrator, registered and verified;
- last year's call, 「<year>年南岸区社区治理创新项目」 (closed, translated), with 40 proposals
  submitted while it was open, screened, reviewed by three experts each and decided;
- the funds of last year and of this year: government purchase of services, the welfare
  lottery (elderly and disability projects only, at most half an award), the charity
  federation's “幸福社区” fund (which matches public donations 1:1 up to a cap; the demo funder
  manages it), a company's fund for the riverside streets, and the public-donation pool;
- last year's matching run, computed by the real solver and confirmed, and the awards' life
  since: agreements signed, tranches paid with voucher references, mid-term and final reports
  approved (most projects completed, some still active, one reported and waiting for staff, one
  returned), one award terminated, one budget variation approved and one waiting, donations
  and the matches they earned, a partial refund, gifts to the pool; then a supplementary run
  that funds waitlisted proposals with the money the terminated award gave back (their
  awards are still being contracted);
- this year's run over the closed “五社联动” call, computed and left for staff to confirm at
  /zh-hans/staff/matching/.

The pieces: demo/organisations.py (the organisations), demo/calls.py (last year's call),
demo/past_proposals.py and demo/review.py (its proposals and their reviews), demo/funds.py,
demo/awards.py (the awards' life) and demo/donations.py (gifts, which stand for donations made
through Stripe Checkout); this module runs the matching and puts it all on one timeline.

Every step is dated back to when it "happened" (relative to today) once the service has run.
Safe to run again: each step is taken only when its object has not got there yet.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone, translation
from wagtail.models import Locale

from core.money import yuan
from demo.awards import AwardLife, assign_lives, life_schedule, payment_references
from demo.calls import LINKAGE, ensure_past_call
from demo.donations import POOL_GIFTS_LAST, POOL_GIFTS_THIS, Gifts
from demo.funds import ensure_funds
from demo.history import Timeline, at, before_now
from demo.organisations import MORE_ORGANISATIONS, ensure_more_organisations
from demo.past_proposals import ensure_past_proposals
from demo.people import STAFF_EMAIL, ensure_applicants
from demo.review import review_plans, take_steps
from grants.calls.models import CallPage
from grants.donations.models import Donation
from grants.funding.models import Award, BudgetVariation, Fund, MatchingRun, Tranche
from grants.funding.services import matching
from grants.impact.models import Report
from grants.proposals.models import Proposal
from incubator.accounts.models import User

ZERO = Decimal("0")


class Funding:
    """The matching runs and what follows them, on one timeline: the awards' life and the gifts."""

    def __init__(self, staff, past_call, linkage_call, funds_last, funds_this):
        self.staff, self.past_call, self.linkage_call = staff, past_call, linkage_call
        self.funds_last, self.funds_this = funds_last, funds_this
        self.timeline = Timeline()
        self.life = AwardLife(staff, self.timeline)
        self.gifts = Gifts(self.timeline, self.life.touch)

    # -- matching runs ---------------------------------------------------------------------
    def runs_over(self, call):
        return MatchingRun.objects.filter(calls=call).order_by("pk")

    def start_run(self, moment, calls, funds, include_waitlisted=False):
        run = matching.start_run(self.staff, calls, funds, include_waitlisted=include_waitlisted)
        # Computed now, inside the demo's transaction, so that it can be confirmed; the task
        # start_run asked for runs on commit (seed_demo runs tasks now) and finds it done.
        matching.compute_run.call(run.pk)
        run.refresh_from_db()
        seconds = timedelta(seconds=max(1, round(run.seconds or 1)))
        MatchingRun.objects.filter(pk=run.pk).update(created_at=moment, started_at=moment + timedelta(seconds=2),
                                                     finished_at=moment + timedelta(seconds=2) + seconds)
        return run

    def confirm(self, moment, run):
        run = MatchingRun.objects.get(pk=run.pk)
        if run.status != MatchingRun.Status.DONE:
            return False
        made = matching.confirm(run, self.staff)
        MatchingRun.objects.filter(pk=run.pk).update(confirmed_at=moment)
        Award.objects.filter(pk__in=[award.pk for award in made]).update(created_at=moment, updated_at=moment)
        # Proposals funded from the waiting list were approved at that moment.
        Proposal.objects.filter(award__in=made, decided_at__gt=moment).update(decided_at=moment, updated_at=moment)
        return True

    def plan(self):
        self.timeline.at(before_now(-399, 9, 30), self.main_run)
        self.gifts.plan_pool(self.funds_last["pool"], POOL_GIFTS_LAST, 13)
        self.gifts.plan_pool(self.funds_this["pool"], POOL_GIFTS_THIS, 17)
        self.timeline.at(before_now(-12, 10, 0), self.supplementary_run)
        self.timeline.at(before_now(-1, 9, 30), self.linkage_run)

    def main_run(self, moment):
        """Last year's matching: approved proposals only, every fund of last year."""
        did = False
        run = self.runs_over(self.past_call).first()
        if run is None:
            run = self.start_run(moment, [self.past_call], list(self.funds_last.values()))
            did = True
        self.timeline.at(moment + timedelta(days=1, hours=1), self.confirm_main, run.pk)
        return did

    def confirm_main(self, moment, run_pk):
        did = self.confirm(moment, MatchingRun(pk=run_pk))
        self.plan_lives(MatchingRun.objects.get(pk=run_pk), moment)
        return did

    def supplementary_run(self, moment):
        """After the termination gave money back: a run with the waiting list, confirmed next day."""
        runs = list(self.runs_over(self.past_call))
        did = False
        if len(runs) < 2:
            run = self.start_run(moment, [self.past_call], list(self.funds_last.values()), include_waitlisted=True)
            did = True
        else:
            run = runs[1]
        self.timeline.at(moment + timedelta(hours=23), self.confirm_supplementary, run.pk)
        return did

    def confirm_supplementary(self, moment, run_pk):
        did = self.confirm(moment, MatchingRun(pk=run_pk))
        for award in Award.objects.filter(run_id=run_pk).order_by("proposal__reference"):
            self.gifts.plan(award, moment + timedelta(hours=2), timezone.now() - timedelta(hours=3), 2)
        return did

    def linkage_run(self, moment):
        """This year's run over the closed “五社联动” call, left for staff to confirm."""
        if self.runs_over(self.linkage_call).exists():
            return False
        self.start_run(moment, [self.linkage_call], list(self.funds_this.values()), include_waitlisted=True)
        return True

    # -- what follows the main run ---------------------------------------------------------
    def plan_lives(self, run, confirmed):
        awards = list(run.awards.select_related("proposal__organisation").order_by("proposal__reference"))
        shares = {award.pk: {} for award in awards}
        by_proposal = {award.proposal_id: award.pk for award in awards}
        for proposal_id, split in run.lines.filter(proposal__in=by_proposal).values_list("proposal", "shares"):
            shares[by_proposal[proposal_id]] = {int(key): Decimal(amount) for key, amount in split.items()}
        lives = assign_lives(awards, shares, self.funds_last["government"])
        payments = []
        schedules = {}
        for award in awards:
            schedule = life_schedule(award, lives[award.pk], confirmed)
            schedules[award.pk] = schedule
            payments += [(moment, award.reference, number) for number, moment in schedule["pay"].items()]
        references = payment_references(payments)
        foundation = self.funds_last["foundation"]
        # A dozen projects receive gifts: eight the foundation co-funds (their gifts earn its
        # match), the terminated one (its unspent gifts go to the pool) and three still running.
        gifted = [award for award in awards if lives[award.pk] in ("completed", "completed_variation")
                  and shares[award.pk].get(foundation.pk)][:8]
        gifted += [award for award in awards if lives[award.pk] == "terminated"]
        gifted += [award for award in awards if lives[award.pk] in ("final_due", "final_submitted")][:3]
        for award in awards:
            life, schedule = lives[award.pk], schedules[award.pk]
            self.life.plan(award, life, schedule, references)
            if award in gifted:
                self.gifts.plan(award, schedule["sign"] + timedelta(days=5), schedule["gifts_until"],
                                3 + sum(map(ord, award.reference)) % 3)
        refunded = next((a for a in gifted if lives[a.pk] == "final_submitted"), None)
        if refunded is not None:
            self.timeline.at(schedules[refunded.pk]["gifts_until"] + timedelta(hours=2), self.gifts.refund, refunded.pk)


# -- all of it -------------------------------------------------------------------------------

def ensure_demo_funding():
    """Organisations, last year's call and proposals, funds, matching runs, awards, payments,
    reports, variations and donations; returns what was created and what there is.

    Needs this year's grants and their review to exist (their calls, people and reviews).
    """
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        staff = User.objects.get(email=STAFF_EMAIL)
        applicants = ensure_applicants(
            [(spec["admin"], spec["admin_name"]) for spec in MORE_ORGANISATIONS.values()])
        call, pages = ensure_past_call()
        organisations, registered = ensure_more_organisations(staff, call)
        proposals = ensure_past_proposals(call, organisations)
        steps = take_steps(review_plans(call.slug))
        year = timezone.localtime(call.opens_at).year
        funds_last, created_last = ensure_funds(year, call, staff, call.opens_at - timedelta(days=20))
        funds_this, created_this = ensure_funds(year + 1, None, staff, at(-330, 9))
        linkage = CallPage.objects.get(slug=LINKAGE, locale=Locale.get_default())
        funding = Funding(staff, call, linkage, funds_last, funds_this)
        funding.plan()
        steps += funding.timeline.run()
        funding.life.finish()
    return {
        "applicants": len(applicants), "organisations": registered, "pages": pages, "proposals": proposals,
        "funds": created_last + created_this, "steps": steps, **funding_figures(),
    }


def funding_figures():
    awards = dict(Award.objects.values_list("status").annotate(n=Count("pk")).order_by())
    runs = dict(MatchingRun.objects.values_list("status").annotate(n=Count("pk")).order_by())
    counted = Donation.objects.filter(status__in=[Donation.Status.PAID, Donation.Status.REFUNDED])
    return {
        "awards": {status: awards.get(status, 0) for status in Award.Status.values},
        "runs": {status: runs.get(status, 0) for status in MatchingRun.Status.values if runs.get(status)},
        "streets": Award.objects.values("proposal__street").distinct().count(),
        "tranches_paid": Tranche.objects.filter(status=Tranche.Status.PAID).count(),
        "reports_approved": Report.objects.filter(status=Report.Status.APPROVED).count(),
        "variations": BudgetVariation.objects.count(),
        "donations": counted.count(),
        "donated": counted.aggregate(total=Sum("amount"))["total"] or ZERO,
        "matched": Fund.objects.aggregate(total=Sum("matched"))["total"] or ZERO,
        "all_funds": Fund.objects.count(),
    }


def summary_line(result):
    awards = ", ".join(f"{status} {count}" for status, count in result["awards"].items())
    runs = ", ".join(f"{status} {count}" for status, count in result["runs"].items())
    return ("Funding demo: {organisations} organisations, {proposals} proposals, {funds} funds and {steps} "
            "funding steps added; {all_funds} funds, matching runs: {runs}; awards in {streets} streets: {awards}; "
            "{tranches_paid} tranches paid, {reports_approved} reports approved, {variations} budget variations, "
            "{donations} donations ({donated}), matches {matched}").format(
        **{**result, "runs": runs, "awards": awards, "donated": yuan(result["donated"]),
           "matched": yuan(result["matched"])})
