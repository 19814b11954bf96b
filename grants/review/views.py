"""The reviewer's side: dashboard, conflict declaration, scoring, blind reading.

A reviewer reaches a proposal only through one of their own assignments
(`permissions.assignments_of`); any other assignment, and one they ended by declaring a
conflict, is a 404 that confirms nothing. Staff and applicants have their own pages.

What the reviewer reads goes through `redaction.mask_for` (titles on the dashboard,
`redaction.reviewer_copy` for the pages and the PDF): never the organisation's contacts,
members or codes, and on a blind call not even its name; files under neutral names and, on a
blind call, without their author details (`scrub`).
The full proposal, its PDF and its files open only once the reviewer has declared they have
no conflict of interest.
"""

import io
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.pdf import render_pdf
from grants.proposals.models import Attachment, Proposal
from grants.review import permissions, redaction, scrub
from grants.review import services as service
from grants.review.forms import ConflictForm, ReviewForm
from grants.review.models import Review, ReviewAssignment
from incubator.accounts import permissions as people

DUE_SOON_DAYS = 3


def _assignment(request, pk):
    """The user's own open or finished assignment; a 404 for anything else."""

    return get_object_or_404(
        permissions.assignments_of(request.user).select_related(
            "proposal__call", "proposal__organisation__street__district", "proposal__organisation__community",
            "proposal__street", "proposal__created_by"),
        pk=pk)


def _needs_declaration(assignment):
    return assignment.status == ReviewAssignment.Status.ASSIGNED and assignment.no_conflict_declared_at is None


def _review_of(assignment):
    try:
        return assignment.review
    except ReviewAssignment.review.RelatedObjectDoesNotExist:
        return None


# -- dashboard -----------------------------------------------------------------------------
def buckets(assignments, today):
    """Sort a reviewer's assignments into what they have to do, by urgency."""

    groups = {"overdue": [], "due_soon": [], "assigned": [], "on_hold": [], "done": []}
    soon = today + timedelta(days=DUE_SOON_DAYS)
    for assignment in assignments:
        if assignment.status == ReviewAssignment.Status.DONE:
            groups["done"].append(assignment)
        elif assignment.proposal.status != Proposal.Status.IN_REVIEW:
            groups["on_hold"].append(assignment)  # returned for information or decided meanwhile
        elif assignment.due_on < today:
            groups["overdue"].append(assignment)
        elif assignment.due_on <= soon:
            groups["due_soon"].append(assignment)
        else:
            groups["assigned"].append(assignment)
    return groups


@login_required
def dashboard(request):
    if not people.is_reviewer(request.user):
        raise PermissionDenied  # not an object: nothing to hide by a 404
    assignments = list(
        permissions.assignments_of(request.user)
        .select_related("proposal__call", "proposal__organisation__street__district",
                        "proposal__organisation__community", "proposal__created_by", "review")
        .prefetch_related("proposal__organisation__memberships__user")
        .order_by("due_on", "pk"))
    for assignment in assignments:
        assignment.title = redaction.reviewer_title(assignment.proposal)
        assignment.draft = _review_of(assignment)
    groups = buckets(assignments, timezone.localdate())
    sections = [
        ("overdue", _("Overdue"), _("Past their due date and not submitted yet.")),
        ("due_soon", _("Due within %(days)s days") % {"days": DUE_SOON_DAYS}, ""),
        ("assigned", _("Assigned"), _("Open, due later.")),
        ("on_hold", _("On hold"), _("Not in review at the moment (returned to the applicant or already "
                                    "decided): nothing to do unless it comes back.")),
        ("done", _("Done"), _("Reviews you have submitted.")),
    ]
    return render(request, "review/reviews/dashboard.html", {
        "sections": [{"key": key, "title": title, "help": help_text, "assignments": groups[key]}
                     for key, title, help_text in sections],
        "open_count": len(groups["overdue"]) + len(groups["due_soon"]) + len(groups["assigned"]),
        "counts": {key: len(value) for key, value in groups.items()},
        "today": timezone.localdate(),
    })


# -- one assignment ------------------------------------------------------------------------
@login_required
def detail(request, pk):
    assignment = _assignment(request, pk)
    late_conflict = request.method == "POST" and request.POST.get("action") == "conflict"
    if _needs_declaration(assignment) or (late_conflict and assignment.status == ReviewAssignment.Status.ASSIGNED):
        # Before reading; or later, when reading shows the reviewer who applied after all.
        return _declare(request, assignment)
    proposal = assignment.proposal
    review = _review_of(assignment)
    can_score = (assignment.status == ReviewAssignment.Status.ASSIGNED
                 and proposal.status == Proposal.Status.IN_REVIEW)
    form = None
    if can_score:
        if request.method == "POST":
            form = ReviewForm(proposal.call.rubric, request.POST)
            if _save(request, assignment, form):
                return redirect("review:detail", assignment.pk)
        else:
            form = ReviewForm(proposal.call.rubric, review=review)
    elif request.method == "POST":
        messages.error(request, _("This review can no longer be changed."))
        return redirect("review:detail", assignment.pk)
    return render(request, "review/reviews/detail.html", {
        "assignment": assignment, "copy": redaction.reviewer_copy(proposal), "form": form,
        "review": review if not can_score else None, "criteria": _criteria_with_scores(proposal, review),
        "saved_total": _saved_total(assignment) if can_score else None,
        "today": timezone.localdate(),
    })


def _saved_total(assignment):
    # Read afresh: a refused submission has just saved the draft this request began without.
    saved = Review.objects.filter(assignment=assignment).first()
    return service.running_total(assignment.proposal, saved.scores) if saved else None


def _save(request, assignment, form):
    """Save a draft, then submit it if asked. Returns True when the page may redirect."""
    submit = request.POST.get("action") == "submit"
    if not form.is_valid():
        messages.error(request, _("Some entries need correcting (marked below). Nothing has been saved yet; "
                                  "what you typed is kept."))
        return False
    try:
        service.save_review(assignment, request.user, submit=False, **form.service_kwargs())
    except ValidationError as error:
        form.add_service_error(error)
        messages.error(request, _("Some entries need correcting (marked below). Nothing has been saved yet; "
                                  "what you typed is kept."))
        return False
    if not submit:
        messages.success(request, _("Draft saved. Only you can see it until you submit it."))
        return True
    if not form.cleaned_data.get("confirm_final"):
        form.refuse_unconfirmed()
        messages.error(request, _("Your draft is saved, but it was not submitted: tick the box to confirm that "
                                  "you want to submit it."))
        return False
    try:
        service.save_review(assignment, request.user, submit=True, **form.service_kwargs())
    except ValidationError as error:
        form.add_submission_errors(error)
        messages.error(request, _("Your draft is saved, but the review cannot be submitted yet: complete "
                                  "the entries marked below."))
        return False
    messages.success(request, _("Review submitted. Thank you."))
    return True


def _declare(request, assignment):
    form = ConflictForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            service.declare_conflict(assignment, request.user, form.has_conflict_value, form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("review:dashboard")
        if form.has_conflict_value:
            messages.success(request, _("Thank you for declaring the conflict of interest. This assignment has "
                                        "ended and staff have been told, so they can ask another reviewer."))
            return redirect("review:dashboard")
        messages.success(request, _("Thank you. You can now read the full proposal and score it."))
        return redirect("review:detail", assignment.pk)
    return render(request, "review/reviews/declare.html", {
        "assignment": assignment, "copy": redaction.reviewer_copy(assignment.proposal), "form": form,
        "today": timezone.localdate(),
    })


def _criteria_with_scores(proposal, review):
    """The rubric, with this reviewer's scores beside it (for the read-only view)."""
    scores = review.scores if review else {}
    return [{"id": block.id, **block.value, "entry": scores.get(block.id, {})} for block in proposal.call.rubric]


@login_required
def proposal_pdf(request, pk):
    assignment = _assignment(request, pk)
    if _needs_declaration(assignment):
        messages.info(request, _("Declare first whether you have a conflict of interest."))
        return redirect("review:detail", assignment.pk)
    proposal = assignment.proposal
    pdf = render_pdf("review/pdf/review_proposal.html", {
        "copy": redaction.reviewer_copy(proposal), "criteria": _criteria_with_scores(proposal, None)})
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = proposal.reference or f"review-{assignment.pk}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def attachment_download(request, pk, attachment_pk):
    assignment = _assignment(request, pk)
    proposal = assignment.proposal
    files = {item.pk: item for item in redaction.reviewer_attachments(proposal, proposal.call.blind_review)}
    if attachment_pk not in files:
        raise Http404
    if _needs_declaration(assignment):
        messages.info(request, _("Declare first whether you have a conflict of interest."))
        return redirect("review:detail", assignment.pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, proposal=proposal)
    shown = files[attachment_pk]
    if shown.scrubbed:
        with attachment.file.open("rb") as stored:
            content = scrub.scrub(stored.read(), attachment.content_type)
        if content is None:
            # Sending it as uploaded could name the applicant in its properties.
            messages.error(request, _("%(file)s could not be cleaned of its author details (it may be damaged or "
                                      "protected by a password), so it is not sent. Ask staff for a copy.") % {
                "file": shown.name})
            return redirect("review:detail", assignment.pk)
        body = io.BytesIO(content)
    else:
        body = attachment.file.open("rb")
    # The name the reviewer sees; the uploader is never sent.
    response = FileResponse(body, as_attachment=True, filename=shown.name, content_type=attachment.content_type)
    response["Cache-Control"] = "private, no-store"
    return response
