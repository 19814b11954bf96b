"""What waits for staff in funding: one definition, shared by the award list's `waiting`
filter and the staff work queue on the dashboards, so a count and the list it links to agree."""

from django.db.models import Exists, OuterRef, Q

from grants.funding.models import Award, MatchingRun, MetCondition, Tranche
from grants.funding.services.awards import WAITING_FOR


def payable_tranches():
    """Tranches staff may pay today: the queryset form of services.awards.condition_problem
    (active award, its report condition met, no earlier tranche left unpaid)."""
    earlier_unpaid = Tranche.objects.filter(award=OuterRef("award"), number__lt=OuterRef("number"),
                                            status=Tranche.Status.PLANNED).exclude(amount=0)
    condition_met = MetCondition.objects.filter(award=OuterRef("award"), condition=OuterRef("condition"))
    return (Tranche.objects.filter(status=Tranche.Status.PLANNED, award__status=Award.Status.ACTIVE)
            .exclude(amount=0)
            .filter(~Q(condition__in=list(WAITING_FOR)) | Exists(condition_met))
            .exclude(Exists(earlier_unpaid)))


def with_payable_tranches(awards):
    return awards.filter(Exists(payable_tranches().filter(award=OuterRef("pk"))))


def with_submitted_reports(awards):
    # Reports belong to grants.impact, above this app: named by their relation, not imported.
    return awards.filter(reports__status="submitted").distinct()


def runs_to_confirm():
    return MatchingRun.objects.filter(status=MatchingRun.Status.DONE)
