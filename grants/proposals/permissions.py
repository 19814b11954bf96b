"""Who may see and change calls' proposals: predicates for views, templates and querysets.

A proposal and its files belong to its organisation's members and to staff. Anyone else gets
a 404 for it, so a URL never confirms that a proposal exists.
"""

from grants.proposals.models import Proposal
from incubator.accounts import permissions as people
from incubator.organisations import permissions as organisations_permissions


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


def can_edit_proposal(user, proposal):
    """Members change their organisation's proposal while it is a draft, or when staff asked
    for more information."""
    return proposal.is_editable and organisations_permissions.membership(user, proposal.organisation) is not None
