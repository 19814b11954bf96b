"""What waits for staff in review: one definition, shared by the workbench's `queue` filter
and the staff work queue on the dashboards, so a count and the list it links to agree."""

from django.db.models import Exists, OuterRef

from grants.proposals.models import Proposal
from grants.review.models import ReviewAssignment


def overdue_assignments(today):
    """Reviews still not submitted after their due date, on proposals still in review."""
    return ReviewAssignment.objects.filter(status=ReviewAssignment.Status.ASSIGNED, due_on__lt=today,
                                           proposal__status=Proposal.Status.IN_REVIEW)


def with_overdue_reviews(proposals, today):
    return proposals.filter(Exists(overdue_assignments(today).filter(proposal=OuterRef("pk"))))


def ready_to_decide(proposals):
    """In review, at least one review in, none still outstanding: staff's decision is next."""
    assignments = ReviewAssignment.objects.filter(proposal=OuterRef("pk"))
    return proposals.filter(
        Exists(assignments.filter(status=ReviewAssignment.Status.DONE)),
        ~Exists(assignments.filter(status=ReviewAssignment.Status.ASSIGNED)),
        status=Proposal.Status.IN_REVIEW)
