from django.utils.functional import SimpleLazyObject

from grants.funding import permissions as funding_permissions
from grants.proposals import permissions as proposals_permissions
from incubator.accounts import permissions as people


def user_can(request):
    """What the navigation offers this user (evaluated only when a template asks)."""
    return {"user_can": SimpleLazyObject(lambda: {
        "use_workbench": proposals_permissions.can_read_all_proposals(request.user),
        "review": request.user.is_authenticated and people.is_reviewer(request.user),
        "read_funding": funding_permissions.can_read_funding(request.user),
        "follow_funds": request.user.is_authenticated and people.is_funder(request.user),
        # Staff alone hold wagtailadmin.access_admin (accounts.reference); the role is already
        # loaded, where has_perm would cost two queries on every page.
        "use_admin": people.is_staff_member(request.user),
    })}
