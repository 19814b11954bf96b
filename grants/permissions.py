"""Who may see and change calls' proposals: predicates for views, templates and querysets.

A proposal and its files belong to its organisation's members and to staff. Anyone else gets
a 404 for it, so a URL never confirms that a proposal exists.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from incubator import permissions as people
from incubator.models import Organisation

from .models import Proposal


def visible_proposals(user):
    if people.is_staff_member(user):
        return Proposal.objects.all()
    if not user.is_authenticated:
        return Proposal.objects.none()
    return Proposal.objects.filter(organisation__memberships__user=user)


def can_view_proposal(user, proposal):
    return people.is_staff_member(user) or people.membership(user, proposal.organisation) is not None


def can_edit_proposal(user, proposal):
    """Members change their organisation's proposal only while it is a draft."""
    return proposal.is_draft and people.membership(user, proposal.organisation) is not None


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
