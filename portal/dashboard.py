"""A signed-in person's dashboard."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from grants.calls.models import CallPage
from grants.funding import permissions as funding_permissions
from grants.impact.models import Report
from grants.proposals import permissions as proposals_permissions
from incubator.organisations import permissions as people


@login_required
def dashboard(request):
    memberships = people.memberships_of(request.user).select_related("organisation__street")
    proposals = (
        proposals_permissions.visible_proposals(request.user)
        .filter(organisation__memberships__user=request.user)
        .select_related("call", "organisation")
        .order_by("-updated_at")
    )
    awards = list(funding_permissions.visible_awards(request.user).filter(proposal__organisation__memberships__user=request.user)
                  .select_related("proposal").order_by("-created_at"))
    due = {}
    for report in Report.objects.filter(award__in=awards).exclude(status=Report.Status.APPROVED).order_by("due_on"):
        due.setdefault(report.award_id, report)
    for award in awards:
        award.next_report = due.get(award.pk)
    return render(request, "portal/dashboard.html", {
        "memberships": memberships, "proposals": proposals, "awards": awards,
        "funds": funding_permissions.visible_funds(request.user).filter(managers=request.user),
        "open_calls": CallPage.objects.live().filter(
            locale__language_code=request.LANGUAGE_CODE, opens_at__lte=timezone.now(),
            closes_at__gt=timezone.now()).order_by("closes_at")[:5],
    })
