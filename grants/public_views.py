"""What anyone may see of a funded project: its public page. Nothing private is read here:
no budget lines, attachments, reviews or contact people, only what the open data publishes."""

from django.db.models import Count, F, Q, Sum
from django.shortcuts import get_object_or_404, render
from django.urls import path

from .models import Award, Donation, Report, Tranche

PUBLIC_FIELDS = [
    "pk", "status", "starts_on", "ends_on", "granted", "matched", "donations_applied", "paid",
    "proposal__reference", "proposal__title", "proposal__summary", "proposal__organisation",
    "proposal__organisation__name_zh", "proposal__organisation__name_en", "proposal__organisation__status",
    "proposal__street", "proposal__street__name_zh", "proposal__street__name_en", "proposal__call",
]


def public_awards():
    return Award.objects.select_related("proposal__organisation", "proposal__street", "proposal__call")


def donations_raised(award):
    """Net of refunds, from the donations themselves: (total, number of gifts)."""
    counted = Donation.objects.filter(award=award, status__in=[Donation.Status.PAID, Donation.Status.REFUNDED])
    totals = counted.aggregate(total=Sum(F("amount") - F("refunded")), gifts=Count("pk", filter=Q(refunded__lt=F("amount"))))
    return totals["total"] or 0, totals["gifts"]


def project_detail(request, pk):
    award = get_object_or_404(public_awards(), pk=pk)
    raised, gifts = donations_raised(award)
    tranches = list(award.tranches.exclude(status=Tranche.Status.CANCELLED))
    return render(request, "grants/public/project.html", {
        "award": award,
        "proposal": award.proposal,
        "funders": award.funding.select_related("fund").order_by("-granted"),
        "raised": raised,
        "gifts": gifts,
        "recent_gifts": Donation.objects.filter(award=award, status=Donation.Status.PAID).order_by("-paid_at")[:10],
        "tranches": tranches,
        "tranches_paid": sum(1 for t in tranches if t.status == Tranche.Status.PAID),
        "reports": award.reports.all(),
        "report_status": Report.Status,
    })


urlpatterns = [
    path("projects/<int:pk>/", project_detail, name="project_detail"),
]
