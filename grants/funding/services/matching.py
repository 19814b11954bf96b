"""Matching runs: which approved proposals each fund pays for.

A run is created by staff, computed by a background task (`compute_run`, which reports its
progress on the run row as it goes), looked at, re-run with proposals pinned or excluded,
and finally confirmed: confirming creates every award and commitment in one transaction,
after checking again that each fund still has the money the run counted on.

A worker can die in the middle of a run. The task moves the run's heartbeat at every step;
the longest silence of a living run is the integer program, which stops at TIME_LIMIT, so a
run silent for STALE_AFTER has lost its worker: `mark_lost_runs` (run when a matching page
is opened, and by `manage.py sweep_tasks`) marks it failed, and staff may `retry` it. Each
attempt is known by its `started_at`: a worker thought lost that wakes up finds its attempt
gone and stops, saving nothing, so a retry never races it.
"""

import logging
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from wagtail.log_actions import log

from core import tasks
from core.money import yuan
from grants.calls.models import CallPage
from grants.funding import matching as solver
from grants.funding import rules
from grants.funding.models import Award, MatchingLine, MatchingRun
from grants.funding.services import awards
from grants.proposals.models import Proposal
from grants.review import services as review
from incubator.accounts import permissions as people

logger = logging.getLogger(__name__)
ZERO = Decimal("0")
TIME_LIMIT = 60  # seconds the solver may take in a run
STALE_AFTER = timedelta(seconds=3 * TIME_LIMIT)


class Abandoned(Exception):
    """This attempt at a run was marked lost (and maybe retried) while it worked."""


def _require_staff(user):
    if not people.is_staff_member(user):
        raise ValidationError(_("Only staff can do this."))


def eligible_proposals(calls, include_waitlisted):
    statuses = [Proposal.Status.APPROVED] + ([Proposal.Status.WAITLISTED] if include_waitlisted else [])
    return (Proposal.objects.filter(call__in=[call.source for call in calls], status__in=statuses,
                                    award__isnull=True, requested_amount__gt=0)
            .select_related("call").prefetch_related("themes"))


@transaction.atomic
def start_run(user, calls, funds, include_waitlisted=False, cutoff=None, pinned=(), excluded=(), parent=None):
    _require_staff(user)
    errors = {}
    if not calls:
        errors["calls"] = _("Choose at least one call.")
    if not funds:
        errors["funds"] = _("Choose at least one fund.")
    if set(pinned) & set(excluded):
        errors[None] = _("A proposal cannot be both always funded and never funded.")
    if errors:
        raise ValidationError(errors)
    run = MatchingRun.objects.create(created_by=user, include_waitlisted=include_waitlisted, cutoff=cutoff,
                                     parent=parent)
    run.calls.set([call.source for call in calls])
    run.funds.set(funds)
    run.pinned.set(pinned)
    run.excluded.set(excluded)
    log(run, "seedbed.matching.started", user=user, data={
        "calls": [call.pk for call in calls], "funds": [fund.pk for fund in funds],
        "include_waitlisted": include_waitlisted, "cutoff": str(cutoff) if cutoff is not None else None,
        "pinned": [p.reference for p in pinned], "excluded": [p.reference for p in excluded],
        "parent": parent.pk if parent else None})
    tasks.enqueue_on_commit(compute_run, run.pk)
    return run


def rerun(run, user, pinned, excluded):
    """The same run again, with staff's pins and exclusions."""

    return start_run(user, list(run.calls.all()), list(run.funds.all()), run.include_waitlisted, run.cutoff,
                     pinned, excluded, parent=run)


@task(backend="background")
def compute_run(run_pk):
    """The background task: solve, explain each proposal, store it all on the run."""

    started = timezone.now()
    # Claimed by one conditional update: a task delivered twice computes once.
    if not MatchingRun.objects.filter(pk=run_pk, status=MatchingRun.Status.QUEUED).update(
            status=MatchingRun.Status.RUNNING, started_at=started, heartbeat_at=started, progress=1,
            stage="loading", error=""):
        return
    run = MatchingRun.objects.get(pk=run_pk)
    try:
        _compute(run)
    except Abandoned:
        logger.warning("matching run %s: this attempt was given up while it worked", run.pk)
    except Exception as error:  # the run must say it failed rather than spin forever
        logger.exception("matching run %s failed", run.pk)
        _fail(run, str(error)[:2000])
        raise


def _attempt(run):
    """The run, while it is still this attempt's to compute."""
    return MatchingRun.objects.filter(pk=run.pk, status=MatchingRun.Status.RUNNING, started_at=run.started_at)


@transaction.atomic
def _fail(run, error):
    if locked := _attempt(run).select_for_update().first():
        _mark_failed(locked, error)


def _mark_failed(run, error):
    run.status, run.error, run.finished_at = MatchingRun.Status.FAILED, error, timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    log(run, "seedbed.matching.failed", data={
        "error": error, "stage": run.stage, "progress": run.progress,
        "heartbeat": run.heartbeat_at.isoformat() if run.heartbeat_at else None})


def mark_lost_runs(**kwargs):
    """Mark failed every run whose heartbeat stopped STALE_AFTER ago; returns them. Also a
    receiver of core.tasks.sweeping."""

    limit = timezone.now() - STALE_AFTER
    stale = MatchingRun.objects.filter(Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, started_at__lt=limit),
                                       status=MatchingRun.Status.RUNNING)
    lost = []
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            # Re-checked under the lock: the worker may have beaten or finished meanwhile.
            if run := stale.select_for_update().filter(pk=pk).first():
                _mark_failed(run, MatchingRun.WORKER_LOST)
                lost.append(run)
    return lost


@transaction.atomic
def retry(run, user):
    """Compute a failed run again, with the same parameters, as the same run. Asking twice
    queues it once: the second time finds it already queued and says so."""
    _require_staff(user)
    run = MatchingRun.objects.select_for_update().get(pk=run.pk)
    if run.is_working:
        raise ValidationError(_("This run is already being computed."))
    if run.status != MatchingRun.Status.FAILED:
        raise ValidationError(_("Only a failed run can be tried again."))
    previous = run.error
    run.lines.all().delete()  # none are saved by a failed attempt; a leftover must not count twice
    run.status, run.progress, run.stage, run.error = MatchingRun.Status.QUEUED, 0, "", ""
    run.started_at = run.heartbeat_at = run.finished_at = None
    run.save(update_fields=["status", "progress", "stage", "error", "started_at", "heartbeat_at", "finished_at"])
    log(run, "seedbed.matching.retried", user=user, data={"previous_error": previous})
    tasks.enqueue_on_commit(compute_run, run.pk)
    return run


def available(fund):
    """What a fund may give in grants: its remaining budget, less what it has promised to
    match but not yet matched (otherwise a run could spend the money donors were told would
    double their gifts)."""
    if fund.matches_donations and fund.match_cap is not None:
        return max(ZERO, fund.remaining - max(ZERO, fund.match_cap - fund.matched))
    return fund.remaining


def _progress(run, fraction, stage):
    """Report progress, which is also the heartbeat; stop if this attempt was given up."""
    if not _attempt(run).update(progress=max(1, min(99, int(fraction * 100))), stage=stage,
                                heartbeat_at=timezone.now()):
        raise Abandoned


def _compute(run):
    funds = list(run.funds.prefetch_related("calls", "themes", "streets"))
    pinned = set(run.pinned.values_list("pk", flat=True))
    excluded = set(run.excluded.values_list("pk", flat=True))
    proposals = list(eligible_proposals(run.calls.all(), run.include_waitlisted))
    offers = [rules.offer_for(fund, available(fund)) for fund in funds]
    ranked = sorted(proposals, key=lambda p: (-(p.score or ZERO), p.reference))
    lines, candidates = [], []
    for rank, proposal in enumerate(ranked, start=1):
        score = proposal.score or ZERO
        line = MatchingLine(run=run, proposal=proposal, rank=rank, score=score, amount=proposal.requested_amount,
                            pinned=proposal.pk in pinned)
        lines.append(line)
        if proposal.pk in excluded:
            line.reason = MatchingLine.Reason.EXCLUDED
        elif run.cutoff is not None and score < run.cutoff and proposal.pk not in pinned:
            line.reason = MatchingLine.Reason.BELOW_CUTOFF
        else:
            candidates.append(rules.candidate_for(proposal, score, pinned=proposal.pk in pinned))
    solution = solver.solve(candidates, offers, time_limit=TIME_LIMIT,
                            progress=lambda fraction, stage: _progress(run, 0.05 + 0.85 * fraction, stage))
    if solution.status == "infeasible":
        raise ValidationError(_("The proposals pinned cannot all be funded from these funds' budgets."))
    _progress(run, 0.92, "explaining")
    by_key = {c.key: c for c in candidates}
    for line in lines:
        candidate = by_key.get(line.proposal_id)
        if candidate is None:
            continue
        line.reason, line.details = solver.explain(candidate, solution.allocation, offers)
        line.shares = {str(k): str(v) for k, v in solution.allocation.shares.get(candidate.key, {}).items()}
        line.greedy_shares = {str(k): str(v) for k, v in solution.greedy.shares.get(candidate.key, {}).items()}
    with transaction.atomic():
        if not _attempt(run).select_for_update().exists():
            raise Abandoned
        MatchingLine.objects.bulk_create(lines, batch_size=2000)
        MatchingRun.objects.filter(pk=run.pk).update(
            status=MatchingRun.Status.DONE, progress=100, stage="done", finished_at=timezone.now(),
            solver_status=solution.status, objective=solution.objective, greedy_objective=solution.greedy_objective,
            lp_bound=_bound(solution.lp_bound), bound=_bound(solution.bound), seconds=solution.seconds,
            allocated=sum(solution.allocation.used().values(), ZERO),
            greedy_allocated=sum(solution.greedy.used().values(), ZERO),
            budgets={str(offer.key): str(offer.remaining) for offer in offers})  # after the match reserve
    log(run, "seedbed.matching.computed", data={
        "status": solution.status, "objective": str(solution.objective),
        "greedy_objective": str(solution.greedy_objective), "funded": len(solution.allocation.shares)})


def _bound(value):
    return solver.float_to_money(value) if value is not None else None


@transaction.atomic
def confirm(run, user):
    """Create the run's awards and commitments, all or nothing."""
    _require_staff(user)
    from grants.funding.services import ledger

    # Confirming supersedes every other finished run, so it locks them all (in key order)
    # before any fund: two confirmations at once queue one behind the other instead of each
    # holding what the other waits for.
    list(MatchingRun.objects.select_for_update().filter(
        status__in=[MatchingRun.Status.DONE, MatchingRun.Status.CONFIRMED]).order_by("pk")
         .values_list("pk", flat=True))
    funded = list(run.lines.exclude(shares={}).select_related("proposal").order_by("rank"))
    needed = {}
    for line in funded:
        for key, amount in line.shares.items():
            needed[int(key)] = needed.get(int(key), ZERO) + Decimal(amount)
    locked = ledger.lock_funds(needed)
    run = MatchingRun.objects.get(pk=run.pk)
    if run.status == MatchingRun.Status.CONFIRMED:
        raise ValidationError(_("This run has already been confirmed."))
    if run.status != MatchingRun.Status.DONE:
        raise ValidationError(_("Only a finished run can be confirmed."))
    funds = {fund.pk: fund for fund in locked.values()}
    short = [_("%(fund)s now has %(left)s left, the run needs %(needed)s") % {
        "fund": locked[pk].name, "left": yuan(locked[pk].remaining), "needed": yuan(amount)}
        for pk, amount in sorted(needed.items()) if locked[pk].remaining < amount]
    if short:
        raise ValidationError(_("Budgets changed since this run was computed: %(what)s. Run the matching again.") % {
            "what": "; ".join(short)})
    created = []
    for line in funded:
        proposal = line.proposal
        if Award.objects.filter(proposal=proposal).exists():
            raise ValidationError(_("%(reference)s was funded by another run meanwhile. Run the matching again.") % {
                "reference": proposal.reference})
        if proposal.status == Proposal.Status.WAITLISTED:
            review.determine(proposal, user, "approved", _("Funded from the waiting list by matching run %(run)s.") % {
                "run": run.pk})
            proposal.refresh_from_db()
        shares = {funds[int(key)]: Decimal(amount) for key, amount in line.shares.items()}
        created.append(awards.create_award(proposal, shares, user, run=run))
    run.status, run.confirmed_by, run.confirmed_at = MatchingRun.Status.CONFIRMED, user, timezone.now()
    run.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    # Other finished runs counted on budgets that have just changed.
    MatchingRun.objects.filter(status=MatchingRun.Status.DONE).exclude(pk=run.pk).update(
        status=MatchingRun.Status.SUPERSEDED)
    log(run, "seedbed.matching.confirmed", user=user, data={
        "awards": [award.reference for award in created], "total": str(sum(needed.values(), ZERO))})
    return created


def open_calls_for_matching():
    """Calls (in the default language) with approved or waitlisted proposals not yet funded."""
    return CallPage.objects.filter(
        pk__in=Proposal.objects.filter(status__in=[Proposal.Status.APPROVED, Proposal.Status.WAITLISTED],
                                       award__isnull=True).values("call")).order_by("-closes_at")
