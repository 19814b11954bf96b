"""What a fund may pay for, stated once: the solver's `Offer.admits` (grants/funding/matching.py,
no database) decides for the matching runs, and the same offer, built here from the models,
decides when staff choose a fund to pay a budget increase. And whether an award still takes
gifts (`accepts_gifts`), which the Donate page, starting a checkout and the ledger receiving
the money all ask."""

from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _

from grants.funding import matching as solver

ZERO = Decimal("0")


def offer_for(fund, remaining=ZERO):
    """The fund as the solver sees it. Reads `calls`, `themes` and `streets` through `.all()`, so a
    caller that prefetched them pays no query per fund."""
    return solver.Offer(
        key=fund.pk, remaining=remaining,
        calls=frozenset(call.pk for call in fund.calls.all()),
        themes=frozenset(theme.pk for theme in fund.themes.all()),
        streets=frozenset(street.pk for street in fund.streets.all()),
        max_per_award=fund.max_per_award, max_share=fund.max_share)


def candidate_for(proposal, score=ZERO, pinned=False):
    return solver.Candidate(
        key=proposal.pk, score=score, amount=proposal.requested_amount, call=proposal.call_id,
        themes=frozenset(theme.pk for theme in proposal.themes.all()), street=proposal.street_id,
        pinned=pinned)


def pay_problem(fund, proposal):
    """Why the fund's rules do not let it pay for this proposal (a sentence), or None."""
    if offer_for(fund).admits(candidate_for(proposal)):
        return None
    return _("%(fund)s may not pay for this project (its call, themes or street).") % {"fund": fund.name}


class Answer(NamedTuple):
    answer: bool
    reason: str = ""  # why not, for the donor


def accepts_gifts(award):
    """Whether gifts to `award` still go to it: while it is being contracted or runs. Money for
    an award that no longer accepts gifts goes to the public-donation pool (ledger.receive_donation)."""
    from grants.funding.models import Award

    if award.status in (Award.Status.CONTRACTING, Award.Status.ACTIVE):
        return Answer(True)
    if award.status == Award.Status.COMPLETED:
        return Answer(False, _("This project is completed and no longer accepts donations."))
    if award.status == Award.Status.TERMINATED:
        return Answer(False, _("This project was ended early and no longer accepts donations."))
    return Answer(False, _("This project no longer accepts donations."))
