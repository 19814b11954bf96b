from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import ModelLogEntry

from incubator import permissions as people
from incubator.models import Organisation

from . import permissions
from .forms import ProposalEditor
from .models import Attachment, CallPage, Proposal, Report, Review
from .pdf import proposal_pdf
from .services import proposals as service


def posted_id(request, name):
    """A posted object id, or None for anything that is not one (never a 500)."""
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else None


def _get_proposal(request, pk):
    """The proposal if this user may see it; otherwise a 404 that confirms nothing."""
    return get_object_or_404(
        permissions.visible_proposals(request.user).select_related("call", "organisation", "street"), pk=pk)


@login_required
def dashboard(request):
    memberships = people.memberships_of(request.user).select_related("organisation__street")
    proposals = (
        permissions.visible_proposals(request.user)
        .filter(organisation__memberships__user=request.user)
        .select_related("call", "organisation")
        .order_by("-updated_at")
    )
    awards = list(permissions.visible_awards(request.user).filter(proposal__organisation__memberships__user=request.user)
                  .select_related("proposal").order_by("-created_at"))
    due = {}
    for report in Report.objects.filter(award__in=awards).exclude(status=Report.Status.APPROVED).order_by("due_on"):
        due.setdefault(report.award_id, report)
    for award in awards:
        award.next_report = due.get(award.pk)
    return render(request, "grants/dashboard.html", {
        "memberships": memberships, "proposals": proposals, "awards": awards,
        "funds": permissions.visible_funds(request.user).filter(managers=request.user),
        "open_calls": CallPage.objects.live().filter(
            locale__language_code=request.LANGUAGE_CODE, opens_at__lte=timezone.now(),
            closes_at__gt=timezone.now()).order_by("closes_at")[:5],
    })


@login_required
@require_POST
def apply(request, call_pk):
    call = get_object_or_404(CallPage.objects.live(), pk=call_pk)
    organisation = get_object_or_404(
        Organisation.objects.filter(memberships__user=request.user), pk=posted_id(request, "organisation"))
    existing = Proposal.objects.filter(call=call.source, organisation=organisation, status=Proposal.Status.DRAFT).first()
    if existing:
        messages.info(request, _("%(organisation)s already has a draft for this call: here it is.") % {
            "organisation": organisation.name})
        return redirect("proposal_edit", existing.pk)
    try:
        proposal = service.start_proposal(call, organisation, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(call.url)
    messages.success(request, _("Your draft is started. Save it at any time and come back later."))
    return redirect("proposal_edit", proposal.pk)


@login_required
def proposal_detail(request, pk):
    proposal = _get_proposal(request, pk)
    return render(request, "grants/proposal_detail.html", {
        "proposal": proposal,
        "answers": answered_questions(proposal),
        "can_edit": permissions.can_edit_proposal(request.user, proposal),
        "history": ModelLogEntry.objects.for_instance(proposal).select_related("user").order_by("timestamp")
        if permissions.can_read_all_proposals(request.user) else None,
        "feedback": shared_feedback(proposal),
    })


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


@login_required
def proposal_edit(request, pk):
    proposal = _get_proposal(request, pk)
    if not permissions.can_edit_proposal(request.user, proposal):
        if people.membership(request.user, proposal.organisation) is None:
            raise Http404  # staff read proposals; only members write them
        messages.info(request, _("This proposal has been submitted and is read-only."))
        return redirect("proposal_detail", proposal.pk)
    version = proposal.version
    if request.method == "POST":
        editor = ProposalEditor(proposal, request.POST, request.FILES)
        version = _posted_version(request)
        if editor.is_valid():
            try:
                service.save_draft(proposal, request.user, version, lambda: _write(editor, request.user))
            except service.VersionConflict as conflict:
                version = conflict.current.version
                messages.error(request, _(
                    "Someone else saved this proposal after you opened it, so your changes were NOT "
                    "saved. They are still in the form below: compare with the latest version "
                    "(open it in a new tab), then save again — saving again replaces the other "
                    "version with yours."))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("proposal_detail", proposal.pk)
            else:
                return _after_save(request, proposal)
        else:
            messages.error(request, _("Some entries need correcting (marked below). Nothing has been "
                                      "saved yet; what you typed is kept."))
    else:
        editor = ProposalEditor(proposal)
        if "check" in request.GET:
            editor.show_problems(service.submission_problems(proposal, timezone.now()))
    return render(request, "grants/proposal_edit.html", {
        "proposal": proposal, "editor": editor, "version": version,
        "attachments": proposal.attachments.filter(question=""),
        "question_files": {a.question: a for a in proposal.attachments.exclude(question="")},
    })


def _posted_version(request):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1  # a missing or mangled version can never match: treated as a conflict


def _write(editor, user):
    editor.save()
    for question, uploaded in editor.uploads():
        service.add_attachment(editor.proposal, user, uploaded, question)


def _after_save(request, proposal):
    if "remove_attachment" in request.POST:
        attachment = proposal.attachments.filter(pk=posted_id(request, "remove_attachment")).first()
        if attachment:
            service.remove_attachment(attachment, request.user)
            messages.success(request, _("“%(name)s” was removed.") % {"name": attachment.name})
        return redirect("proposal_edit", proposal.pk)
    if request.POST.get("action") == "submit":
        try:
            proposal = service.submit_proposal(proposal, request.user)
        except service.SubmissionRefused as refused:
            messages.error(request, _(
                "Your draft is saved, but it cannot be submitted yet: %(count)s items need attention "
                "(listed below).") % {"count": len(refused.problems)})
            return redirect(f"{request.path}?check=1")
        messages.success(request, _(
            "Submitted. Your reference number is %(reference)s; a confirmation has been emailed to you.")
            % {"reference": proposal.reference})
        return redirect("proposal_detail", proposal.pk)
    messages.success(request, _("Draft saved."))
    return redirect("proposal_edit", proposal.pk)


@login_required
def proposal_pdf_download(request, pk):
    proposal = _get_proposal(request, pk)
    response = HttpResponse(proposal_pdf(proposal, answered_questions(proposal)), content_type="application/pdf")
    filename = f"{proposal.reference or 'draft-%d' % proposal.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def attachment_download(request, pk, attachment_pk):
    proposal = _get_proposal(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, proposal=proposal)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name,
                            content_type=attachment.content_type)
    response["Cache-Control"] = "private, no-store"
    return response
