"""What a proposal's pages show of its answers and its reviewers' feedback."""

from grants.proposals.models import Proposal
from grants.review.models import Review

# After these decisions the applicant may read what reviewers chose to share with them.
FEEDBACK_AFTER = (Proposal.Status.APPROVED, Proposal.Status.REJECTED, Proposal.Status.WAITLISTED,
                  Proposal.Status.MORE_INFO)


def shared_feedback(proposal):
    """Comments reviewers marked as shared, without names or scores: [(reviewer number, [text])]."""

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


def answered_questions(proposal):
    files = {}
    for attachment in proposal.attachments.all():
        files.setdefault(attachment.question, []).append(attachment)
    rows = []
    for block in proposal.call.question_blocks():
        answer = files.get(block.id) if block.block_type == "file" else proposal.answers.get(block.id)
        rows.append({"question": block.value["label"], "kind": block.block_type, "answer": answer})
    return rows
