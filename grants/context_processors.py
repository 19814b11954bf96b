from django.utils.functional import SimpleLazyObject

from incubator import permissions as people

from . import permissions


def user_can(request):
    """What the navigation offers this user (evaluated only when a template asks)."""
    return {"user_can": SimpleLazyObject(lambda: {
        "use_workbench": permissions.can_read_all_proposals(request.user),
        "review": request.user.is_authenticated and people.is_reviewer(request.user),
        "read_funding": permissions.can_read_funding(request.user),
        "follow_funds": request.user.is_authenticated and people.is_funder(request.user),
    })}
