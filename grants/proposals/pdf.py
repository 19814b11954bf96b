"""The proposal as a PDF."""

from core.pdf import render_pdf


def proposal_pdf(proposal, answers):
    return render_pdf("proposals/pdf/proposal.html", {"proposal": proposal, "answers": answers})
