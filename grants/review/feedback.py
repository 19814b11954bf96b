"""What reviewers chose to share with the applicant, shown on the applicant's proposal page.

Review owns this rule; the proposal page reads it through the `review_feedback` template tag
library, so the proposals app never imports review (review sits above proposals)."""

from grants.proposals.models import Proposal
from grants.review.models import Review

# After these decisions the applicant may read what reviewers chose to share with them.
FEEDBACK_AFTER = (Proposal.Status.APPROVED, Proposal.Status.REJECTED, Proposal.Status.WAITLISTED,
                  Proposal.Status.MORE_INFO)


def shared_feedback(proposal):
    """Comments reviewers marked as shared, without names or scores: [[text, …] per reviewer]."""

    if proposal.status not in FEEDBACK_AFTER:
        return []
    reviews = Review.objects.filter(assignment__proposal=proposal, submitted_at__isnull=False).order_by("pk")
    feedback = []
    for review in reviews:
        comments = [entry["comment"] for entry in review.scores.values() if entry.get("shared") and entry.get("comment")]
        if review.comment_shared and review.comment:
            comments.append(review.comment)
        if comments:
            feedback.append(comments)
    return feedback
