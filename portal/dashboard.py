"""A signed-in person's dashboard: one part per role they hold, each showing only the work
that role's permissions open to them. A person with several roles sees each part."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from grants.calls.models import CallPage
from grants.funding import permissions as funding_permissions
from grants.funding.models import Award, Fund, Tranche
from grants.impact.models import Report
from grants.proposals import permissions as proposals_permissions
from grants.proposals.models import Proposal
from grants.review import permissions as review_permissions
from grants.review import redaction
from grants.review.models import ReviewAssignment
from incubator.accounts import permissions as roles
from incubator.organisations import permissions as people
from portal.work_queue import staff_queue

RECENT = 10


def _applicant_part(request):
    user = request.user
    memberships = people.memberships_of(user).select_related("organisation__street")
    proposals = (
        proposals_permissions.visible_proposals(user)
        .filter(organisation__memberships__user=user)
        .select_related("call", "organisation", "award")
        .order_by("-updated_at")
    )
    awards = list(funding_permissions.visible_awards(user).filter(proposal__organisation__memberships__user=user)
                  .select_related("proposal").order_by("-created_at"))
    due = {}
    for report in Report.objects.filter(award__in=awards).exclude(status=Report.Status.APPROVED).order_by("due_on"):
        due.setdefault(report.award_id, report)
    for award in awards:
        award.next_report = due.get(award.pk)
    return {
        "memberships": memberships, "proposals": proposals, "awards": awards,
        "open_calls": CallPage.objects.live().filter(
            locale__language_code=request.LANGUAGE_CODE, opens_at__lte=timezone.now(),
            closes_at__gt=timezone.now()).order_by("closes_at")[:5],
    }


def _reviewer_part(user, today):
    assignments = list(
        review_permissions.assignments_of(user)
        .filter(status=ReviewAssignment.Status.ASSIGNED, proposal__status=Proposal.Status.IN_REVIEW)
        .select_related("proposal__call", "proposal__organisation__street__district",
                        "proposal__organisation__community", "proposal__created_by")
        .prefetch_related("proposal__organisation__memberships__user")
        .order_by("due_on", "pk"))
    for assignment in assignments:
        assignment.title = redaction.reviewer_title(assignment.proposal)
        assignment.overdue = assignment.is_overdue(today)
    return {"assignments": assignments}


def _supervisor_part():
    return {
        "decisions": Proposal.objects.filter(decided_at__isnull=False).select_related("organisation")
                     .order_by("-decided_at", "-pk")[:RECENT],
        "payments": Tranche.objects.filter(status=Tranche.Status.PAID).select_related("award__proposal")
                    .order_by("-paid_on", "-pk")[:RECENT],
    }


def _funder_part(user):
    funds = Fund.objects.filter(managers=user).order_by("-year", "name_zh")
    awards = Award.objects.filter(funding__fund__managers=user).distinct()
    return {
        "funds": funds,
        "funded_awards": awards.select_related("proposal").order_by("-created_at")[:RECENT],
        "reports": Report.objects.filter(award__in=awards.values("pk"))
                   .filter(status__in=[Report.Status.SUBMITTED, Report.Status.APPROVED])
                   .select_related("award__proposal").order_by("-submitted_at", "-pk")[:RECENT],
    }


@login_required
def dashboard(request):
    user, today = request.user, timezone.localdate()
    parts = {
        "staff": proposals_permissions.can_decide(user),
        "reviewer": roles.is_reviewer(user),
        "supervisor": roles.is_supervisor(user) and funding_permissions.can_read_funding(user),
        "funder": roles.is_funder(user),
    }
    # The applicant's part is for members of an organisation, and for anyone with no other
    # role: it is where a newcomer learns to register one.
    parts["applicant"] = people.memberships_of(user).exists() or not any(parts.values())
    context = {"parts": parts}
    if parts["staff"]:
        context["work_queue"] = staff_queue(today)
    if parts["reviewer"]:
        context.update(_reviewer_part(user, today))
    if parts["supervisor"]:
        context.update(_supervisor_part())
    if parts["funder"]:
        context.update(_funder_part(user))
    if parts["applicant"]:
        context.update(_applicant_part(request))
    return render(request, "portal/dashboard.html", context)
