"""A proposal's story for its applicant: each step it has reached, when, from the audit log
and the dates the award, its tranches and its reports keep.

The award, tranches and reports belong to apps above this one (grants.funding, grants.impact):
they are reached through their reverse relations and compared by their stored values, never
imported (the layers contract in pyproject.toml)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry

from core.money import yuan


@dataclass(frozen=True)
class Step:
    moment: datetime  # aware: when it was recorded, which orders the steps
    label: str
    day: date | None = None  # shown instead of the moment when the step has a date of its own


def _proposal_labels():
    return {
        "seedbed.proposal.submitted": _("Submitted"),
        "seedbed.proposal.resubmitted": _("Submitted again with the information requested"),
        "seedbed.proposal.screening_started": _("Screening started"),
        "seedbed.proposal.screened_in": _("Passed screening: in expert review"),
        "seedbed.proposal.determined.more_info": _("More information requested"),
        "seedbed.proposal.determined.screened_out": _("Screened out"),
        "seedbed.proposal.determined.approved": _("Decision: approved"),
        "seedbed.proposal.determined.rejected": _("Decision: not funded"),
        "seedbed.proposal.determined.waitlisted": _("Decision: on the waiting list"),
    }


def _award_labels():
    return {
        "seedbed.award.completed": _("Project completed and closed"),
        "seedbed.award.terminated": _("Project ended early"),
    }


def timeline(proposal):
    """The steps reached, oldest first, each with its time in Beijing time."""

    labels = _proposal_labels()
    steps = [Step(entry.timestamp, labels[entry.action])
             for entry in ModelLogEntry.objects.for_instance(proposal).filter(action__in=labels)]
    award = getattr(proposal, "award", None)  # reverse one-to-one: absent until the award is made
    if award is not None:
        steps += _award_steps(award)
    return sorted(steps, key=lambda step: step.moment)


def _award_steps(award):
    steps = []
    if award.signed_at:
        steps.append(Step(award.signed_at, _("Funding agreement signed")))
    # A tranche shows the day the bank paid it, in the place its payment was recorded.
    recorded = {entry.data.get("tranche"): entry.timestamp
                for entry in ModelLogEntry.objects.for_instance(award).filter(action="seedbed.award.tranche_paid")}
    for tranche in award.tranches.filter(status="paid"):
        moment = recorded.get(tranche.number) or award.signed_at or award.created_at
        steps.append(Step(moment, _("Tranche %(number)s paid: %(amount)s") % {
            "number": tranche.number, "amount": yuan(tranche.amount)}, day=tranche.paid_on))
    for report in award.reports.all():
        if report.submitted_at:
            steps.append(Step(report.submitted_at, _("%(report)s submitted") % {
                "report": report.get_kind_display()}))
        if report.status == "approved" and report.decided_at:
            steps.append(Step(report.decided_at, _("%(report)s approved") % {
                "report": report.get_kind_display()}))
    labels = _award_labels()
    steps += [Step(entry.timestamp, labels[entry.action])
              for entry in ModelLogEntry.objects.for_instance(award).filter(action__in=labels)]
    return steps

