"""What anyone may see of funded projects and the organisations behind them. Only what the
open data publishes is read here (portal/public.py): no budget lines, attachments, reviews,
report texts or contact people."""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from core.public_cache import cacheable
from grants.donations.models import Donation
from grants.funding.models import AwardBudgetLine, Tranche
from grants.impact.models import IndicatorResult, Report
from grants.proposals.models import budget_total
from incubator.organisations.models import Organisation
from portal.public import donations_raised, public_awards

ZERO = Decimal("0")


def _budget_by_category(award):
    """The budget as category totals: the shape of the spending, without anyone's pay."""

    by_category = {}
    for line in AwardBudgetLine.objects.filter(award=award).only("category", "quantity", "unit_price"):
        by_category.setdefault(line.category, []).append(line)
    return [(lines[0].get_category_display(), budget_total(lines)) for lines in by_category.values()]


def _results(award):
    """Each indicator's target and what the latest approved report says was achieved."""

    indicators = list(award.proposal.indicators.all())
    approved = award.reports.filter(status=Report.Status.APPROVED).order_by("-due_on").first()
    achieved = {}
    if approved:
        achieved = dict(IndicatorResult.objects.filter(report=approved).values_list("indicator_id", "actual"))
    return [(indicator, achieved.get(indicator.pk)) for indicator in indicators], approved


@cacheable
def project_detail(request, pk):
    award = get_object_or_404(public_awards().select_related("proposal__call", "proposal__organisation__street"), pk=pk)
    raised, gifts = donations_raised(award)
    tranches = list(award.tranches.exclude(status=Tranche.Status.CANCELLED))
    results, latest_report = _results(award)
    today = timezone.localdate()
    reports = list(award.reports.all())
    for report in reports:
        report.overdue = report.is_overdue(today)
    return render(request, "portal/project.html", {
        "award": award,
        "proposal": award.proposal,
        "organisation": award.proposal.organisation,
        "funders": award.funding.select_related("fund").order_by("-granted"),
        "raised": raised,
        "gifts": gifts,
        "recent_gifts": Donation.objects.filter(award=award, status=Donation.Status.PAID, redirected_from=None).order_by("-paid_at")[:10],
        "tranches": tranches,
        "tranches_paid": sum(1 for t in tranches if t.status == Tranche.Status.PAID),
        "reports": reports,
        "report_status": Report.Status,
        "results": results,
        "latest_report": latest_report,
        "budget": _budget_by_category(award),
    })


@cacheable
def organisation_profile(request, pk):
    """A verified organisation's public profile and the projects it was funded for."""
    organisation = get_object_or_404(Organisation.objects.select_related("street", "community"), pk=pk)
    awards = public_awards().filter(organisation=organisation).order_by("-starts_on", "-pk")
    if not organisation.is_verified and not awards.exists():
        raise Http404  # nothing public yet: an unverified organisation is not published
    totals = awards.aggregate(count=Count("pk"), granted=Coalesce(Sum("granted"), ZERO),
                              matched=Coalesce(Sum("matched"), ZERO), paid=Coalesce(Sum("paid"), ZERO),
                              active=Count("pk", filter=Q(status="active")))
    return render(request, "portal/organisation.html", {
        "organisation": organisation, "awards": awards.prefetch_related("proposal__themes"), "totals": totals,
    })
