"""Who may see and change funds, matching runs and awards."""

from django.db.models import Q

from grants.proposals.permissions import can_read_all_proposals
from incubator.accounts import permissions as people
from incubator.organisations import permissions as organisations_permissions


# -- funds and awards ----------------------------------------------------------------------
def can_manage_funding(user):
    """Run matchings, confirm them, record payments, decide variations and reports: staff."""

    return people.is_staff_member(user)


def can_retry_run(user, run):
    """Compute a failed matching run again: staff, once it has failed."""
    return can_manage_funding(user) and run.status == run.Status.FAILED


def can_change_budget(user):
    """Raise or lower a fund's budget (through the ledger, with a reason): staff."""
    return people.is_staff_member(user)


def can_read_funding(user):
    """Every fund, run, award and ledger: staff, and supervisors (who change nothing)."""
    return can_read_all_proposals(user)


def can_list_funds(user):
    """The Funds page: those who read every fund, and funders who follow at least one."""
    return can_read_funding(user) or (user.is_authenticated and people.is_funder(user)
                                      and user.managed_funds.exists())


def visible_funds(user):
    from grants.funding.models import Fund

    if can_read_funding(user):
        return Fund.objects.all()
    if user.is_authenticated and people.is_funder(user):
        return Fund.objects.filter(managers=user)
    return Fund.objects.none()


def visible_awards(user):
    """Awards with their full record (budget, reports, payments): staff and supervisors see
    all, a funder those its funds pay for, the holder's members their own."""
    from grants.funding.models import Award

    if can_read_funding(user):
        return Award.objects.all()
    if not user.is_authenticated:
        return Award.objects.none()
    funded = Award.objects.filter(funding__fund__managers=user).values("pk") if people.is_funder(user) else []
    return Award.objects.filter(Q(proposal__organisation__memberships__user=user) | Q(pk__in=funded)).distinct()


def is_award_holder(user, award):
    """Members of the organisation the award was made to: they report and ask for variations."""
    return organisations_permissions.membership(user, award.proposal.organisation) is not None
