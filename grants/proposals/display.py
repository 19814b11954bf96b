"""What a proposal's pages show of its answers (the reviewers' shared feedback is review's:
grants/review/feedback.py, shown through the `review_feedback` template tags)."""


def answered_questions(proposal):
    files = {}
    for attachment in proposal.attachments.all():
        files.setdefault(attachment.question, []).append(attachment)
    rows = []
    for block in proposal.call.question_blocks():
        answer = files.get(block.id) if block.block_type == "file" else proposal.answers.get(block.id)
        rows.append({"question": block.value["label"], "kind": block.block_type, "answer": answer})
    return rows
