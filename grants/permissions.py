"""Who may see and change calls' proposals: predicates for views, templates and querysets.

A proposal and its files belong to its organisation's members and to staff. Anyone else gets
a 404 for it, so a URL never confirms that a proposal exists.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incubator import permissions as people
from incubator.models import Organisation

from .models import Proposal


def can_read_all_proposals(user):
    """Staff work on every proposal; supervisors read every one and change nothing."""
    return people.is_staff_member(user) or (user.is_authenticated and people.is_supervisor(user))


def can_decide(user):
    """Screen, assign reviewers, record determinations: staff only."""
    return people.is_staff_member(user)


def visible_proposals(user):
    """Proposals with their full record (organisation, contacts). Reviewers are not here: they
    read their assigned proposals through their review pages, redacted when the call is blind."""
    if can_read_all_proposals(user):
        return Proposal.objects.all()
    if not user.is_authenticated:
        return Proposal.objects.none()
    return Proposal.objects.filter(organisation__memberships__user=user)


def can_view_proposal(user, proposal):
    return can_read_all_proposals(user) or people.membership(user, proposal.organisation) is not None


def assignments_of(user):
    """The review assignments a reviewer may open: their own, and never one ended by a conflict."""
    from .models import ReviewAssignment

    if not (user.is_authenticated and people.is_reviewer(user)):
        return ReviewAssignment.objects.none()
    return ReviewAssignment.objects.filter(reviewer=user).exclude(status=ReviewAssignment.Status.CONFLICT)


def sees_identity(user, proposal):
    """Whether this reader may see who is behind a proposal: not a reviewer of a blind call."""
    return can_view_proposal(user, proposal) or not proposal.call.blind_review


def can_edit_proposal(user, proposal):
    """Members change their organisation's proposal while it is a draft, or when staff asked
    for more information."""
    return proposal.is_editable and people.membership(user, proposal.organisation) is not None


@dataclass
class ApplyOptions:
    """What the call page's Apply button offers this visitor, or why it cannot."""

    organisations: list = field(default_factory=list)  # those the user may apply for
    reasons: list = field(default_factory=list)  # why not (each a sentence)
    needs_login: bool = False
    needs_organisation: bool = False

    @property
    def can_apply(self):
        return bool(self.organisations)


def apply_options(user, call):
    options = ApplyOptions()
    status = call.status
    if status == call.Status.UPCOMING:
        options.reasons.append(_("Applications open on %(date)s.") % {"date": call.opens_at})
        return options
    if status == call.Status.CLOSED:
        options.reasons.append(_("This call is closed: applications are no longer accepted."))
        return options
    if not user.is_authenticated:
        options.needs_login = True
        return options
    organisations = Organisation.objects.filter(memberships__user=user).select_related("street")
    if not organisations:
        options.needs_organisation = True
        return options
    for organisation in organisations:
        problem = call.eligibility_problem(organisation)
        if problem:
            options.reasons.append(problem)
        else:
            options.organisations.append(organisation)
    return options


# -- funds and awards ----------------------------------------------------------------------
def can_manage_funding(user):
    """Run matchings, confirm them, record payments, decide variations and reports: staff."""
    return people.is_staff_member(user)


def can_read_funding(user):
    """Every fund, run, award and ledger: staff, and supervisors (who change nothing)."""
    return can_read_all_proposals(user)


def can_list_funds(user):
    """The Funds page: those who read every fund, and funders who follow at least one."""
    return can_read_funding(user) or (user.is_authenticated and people.is_funder(user)
                                      and user.managed_funds.exists())


def visible_funds(user):
    from .models import Fund

    if can_read_funding(user):
        return Fund.objects.all()
    if user.is_authenticated and people.is_funder(user):
        return Fund.objects.filter(managers=user)
    return Fund.objects.none()


def visible_awards(user):
    """Awards with their full record (budget, reports, payments): staff and supervisors see
    all, a funder those its funds pay for, the holder's members their own."""
    from .models import Award

    if can_read_funding(user):
        return Award.objects.all()
    if not user.is_authenticated:
        return Award.objects.none()
    funded = Award.objects.filter(funding__fund__managers=user).values("pk") if people.is_funder(user) else []
    return Award.objects.filter(Q(proposal__organisation__memberships__user=user) | Q(pk__in=funded)).distinct()


def is_award_holder(user, award):
    """Members of the organisation the award was made to: they report and ask for variations."""
    return people.membership(user, award.proposal.organisation) is not None
