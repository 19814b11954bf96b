"""Staff pages of the matching: start a run, watch it compute, compare the optimum with the
allocation by hand, pin or exclude proposals and run again, confirm. Supervisors read."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import ModelLogEntry

from core.form_errors import add_service_error
from core.http import posted_ids
from grants.funding import permissions
from grants.funding.forms import MatchingRunForm
from grants.funding.models import Fund, MatchingLine, MatchingRun
from grants.funding.services import matching as service
from grants.proposals.models import Proposal

ZERO = Decimal("0")
LINES_PER_PAGE = 100


def _readable(request):
    if not permissions.can_read_funding(request.user):
        raise PermissionDenied


def _run_form(data=None):
    return MatchingRunForm(data, calls=service.open_calls_for_matching(),
                           funds=Fund.objects.filter(is_active=True).order_by("-year", "name_zh"))


@login_required
def matching_list(request):
    _readable(request)
    form = _run_form(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not permissions.can_manage_funding(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                run = service.start_run(request.user, list(form.cleaned_data["calls"]), list(form.cleaned_data["funds"]),
                                        form.cleaned_data["include_waitlisted"], form.cleaned_data["cutoff"])
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The matching is computing; this page follows its progress."))
                return redirect("funding:matching_detail", run.pk)
    service.mark_lost_runs()  # a run whose worker died shows as failed, not "running" for ever
    runs = MatchingRun.objects.all()
    # ?status=done is where the staff work queue's "to confirm" link lands; anything else lists all.
    if request.GET.get("status") in MatchingRun.Status.values:
        runs = runs.filter(status=request.GET["status"])
    return render(request, "funding/matching/list.html", {
        "form": form, "can_manage": permissions.can_manage_funding(request.user),
        "runs": runs.select_related("created_by", "confirmed_by").prefetch_related("calls")[:50],
    })


def _fund_totals(run, funds):
    """Per fund: remaining when the run was computed, what the optimum and greedy use of it."""

    totals = {fund.pk: {"fund": fund, "remaining": Decimal(run.budgets.get(str(fund.pk), "0")),
                        "optimal": ZERO, "greedy": ZERO} for fund in funds}
    for shares, greedy in run.lines.values_list("shares", "greedy_shares"):
        for key, amount in shares.items():
            totals[int(key)]["optimal"] += Decimal(amount)
        for key, amount in greedy.items():
            totals[int(key)]["greedy"] += Decimal(amount)
    return list(totals.values())


@login_required
def matching_detail(request, pk):
    _readable(request)
    runs = MatchingRun.objects.select_related("created_by", "confirmed_by", "parent")
    run = get_object_or_404(runs, pk=pk)
    if run.status == MatchingRun.Status.RUNNING and service.mark_lost_runs():
        run = runs.get(pk=pk)  # its worker died: the page stops refreshing and offers a retry
    funds = list(run.funds.all())
    names = {str(fund.pk): fund.name for fund in funds}
    context = {"run": run, "can_manage": permissions.can_manage_funding(request.user), "funds": funds,
               "can_retry": permissions.can_retry_run(request.user, run),
               "history": ModelLogEntry.objects.for_instance(run).select_related("user").order_by("timestamp")}
    if run.status in (MatchingRun.Status.DONE, MatchingRun.Status.CONFIRMED, MatchingRun.Status.SUPERSEDED):
        show = request.GET.get("show", "all")
        lines = run.lines.select_related("proposal__organisation").order_by("rank")
        if show == "different":
            lines = lines.filter((Q(shares={}) & ~Q(greedy_shares={})) | (~Q(shares={}) & Q(greedy_shares={})))
        page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page"))
        for line in page.object_list:
            line.share_list = [(names.get(key, key), Decimal(amount)) for key, amount in line.shares.items()]
            line.greedy_list = [(names.get(key, key), Decimal(amount)) for key, amount in line.greedy_shares.items()]
            line.reason_text = explanation(line, names)
        funded = run.lines.exclude(shares={})
        by_hand = run.lines.exclude(greedy_shares={})
        context.update({
            "page_obj": page, "lines": page.object_list, "show": show,
            "fund_totals": _fund_totals(run, funds),
            "funded_count": funded.count(), "greedy_count": by_hand.count(),
            "only_optimal": funded.filter(greedy_shares={}).count(),
            "only_greedy": by_hand.filter(shares={}).count(),
            "difference": (run.objective or ZERO) - (run.greedy_objective or ZERO),
            "pinned": set(run.pinned.values_list("pk", flat=True)),
            "excluded": set(run.excluded.values_list("pk", flat=True)),
        })
    return render(request, "funding/matching/detail.html", context)


def explanation(line, names):
    """Why a proposal was or was not funded, in the reader's language."""

    Reason = MatchingLine.Reason
    details = line.details or {}
    funds = "、".join(names.get(str(key), str(key)) for key in details.get("funds", []))
    if line.reason == Reason.FUNDED:
        parts = "、".join(f"{name} ¥{amount:,.2f}" for name, amount in line.share_list)
        text = _("Funded at rank %(rank)s by %(parts)s.") % {"rank": line.rank, "parts": parts}
        return text + (" " + _("Pinned by staff.") if line.pinned else "")
    if line.reason == Reason.EXCLUDED:
        return _("Excluded by staff from this run.")
    if line.reason == Reason.BELOW_CUTOFF:
        return _("Its score %(score)s is below the cut-off.") % {"score": line.score}
    if line.reason == Reason.NO_ELIGIBLE_FUND:
        return _("No fund in this run may pay for it (call, theme or street rules).")
    if line.reason == Reason.RULES_CANNOT_COVER:
        return _("The funds that may pay for it (%(funds)s) can give at most ¥%(most)s under their caps, "
                 "less than it asks.") % {"funds": funds, "most": f"{Decimal(details.get('most', '0')):,.2f}"}
    if line.reason == Reason.BUDGETS_EXHAUSTED:
        return _("Budgets exhausted at its rank: its eligible funds (%(funds)s) had only ¥%(left)s left for it "
                 "after the proposals funded.") % {"funds": funds, "left": f"{Decimal(details.get('left', '0')):,.2f}"}
    return _("Left out within the solver's tolerance: its funds (%(funds)s) still had room.") % {"funds": funds}


def _manageable_run(request, pk):
    if not permissions.can_manage_funding(request.user):
        raise PermissionDenied
    return get_object_or_404(MatchingRun, pk=pk)


@login_required
@require_POST
def matching_rerun(request, pk):
    run = _manageable_run(request, pk)
    considered = Proposal.objects.filter(matching_lines__run=run)

    def posted(name):
        return set(posted_ids(request, name))

    # The page shows one page of proposals: choices made on other pages stay as they were.
    shown = posted("shown")
    wanted = (set(run.pinned.values_list("pk", flat=True)) - shown) | posted("pin")
    unwanted = (set(run.excluded.values_list("pk", flat=True)) - shown) | posted("exclude")
    try:
        new = service.rerun(run, request.user, list(considered.filter(pk__in=wanted)),
                            list(considered.filter(pk__in=unwanted)))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("funding:matching_detail", run.pk)
    messages.success(request, _("Running the matching again with your changes."))
    return redirect("funding:matching_detail", new.pk)


@login_required
@require_POST
def matching_confirm(request, pk):
    run = _manageable_run(request, pk)
    try:
        created = service.confirm(run, request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Confirmed: %(count)s awards created and their funds committed.") % {
            "count": len(created)})
    return redirect("funding:matching_detail", run.pk)


@login_required
@require_POST
def matching_retry(request, pk):
    run = _manageable_run(request, pk)
    try:
        service.retry(run, request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Computing the run again; this page follows its progress."))
    return redirect("funding:matching_detail", run.pk)
