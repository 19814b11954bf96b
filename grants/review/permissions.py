"""Who may open a review."""

from incubator.accounts import permissions as people


def assignments_of(user):
    """The review assignments a reviewer may open: their own, and never one ended by a conflict."""

    from grants.review.models import ReviewAssignment

    if not (user.is_authenticated and people.is_reviewer(user)):
        return ReviewAssignment.objects.none()
    return ReviewAssignment.objects.filter(reviewer=user).exclude(status=ReviewAssignment.Status.CONFLICT)
