"""What the public may know about the money: the one definition shared by the project
browser, the project pages, the figures and the open data.

Every award is public once made — contracting, active, completed or ended early — with its
project's title, summary, place, organisation, funders, dates, amounts, payments, reports'
progress and donations. Budget lines, attachments, reviews, reports' texts and evidence,
contact people and internal notes are not, and no query here reads them.
"""

from django.db.models import Count, F, Q, Sum

from grants.donations.models import Donation
from grants.funding.models import Award

COUNTED = [Donation.Status.PAID, Donation.Status.REFUNDED]


def public_awards():
    """Every award, with what a card of the project list shows (title, organisation, street)."""

    return Award.objects.select_related("proposal__organisation", "proposal__street")


def donations_raised(award):
    """Net of refunds, from the donations themselves: (total, number of gifts not refunded)."""

    # A gift held because the award had ended (redirected_from set) never counted for it.
    counted = Donation.objects.filter(award=award, status__in=COUNTED, redirected_from=None)
    totals = counted.aggregate(total=Sum(F("amount") - F("refunded")),
                               gifts=Count("pk", filter=Q(refunded__lt=F("amount"))))
    return totals["total"] or 0, totals["gifts"]
