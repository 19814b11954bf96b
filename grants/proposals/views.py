from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import ModelLogEntry

from core.http import posted_id
from grants.calls.models import CallPage
from grants.proposals import permissions
from grants.proposals import services as service
from grants.proposals.display import answered_questions
from grants.proposals.forms import ProposalEditor
from grants.proposals.models import Attachment, Proposal
from grants.proposals.pdf import proposal_pdf
from grants.proposals.timeline import timeline
from incubator.organisations import permissions as people
from incubator.organisations.models import Organisation


def _get_proposal(request, pk):
    """The proposal if this user may see it; otherwise a 404 that confirms nothing."""
    return get_object_or_404(
        permissions.visible_proposals(request.user).select_related("call", "organisation", "street"), pk=pk)


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
        return redirect("proposals:edit", existing.pk)
    try:
        proposal = service.start_proposal(call, organisation, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(call.url)
    messages.success(request, _("Your draft is started. Save it at any time and come back later."))
    return redirect("proposals:edit", proposal.pk)


@login_required
def proposal_detail(request, pk):
    proposal = _get_proposal(request, pk)
    return render(request, "proposals/proposal_detail.html", {
        "proposal": proposal,
        "answers": answered_questions(proposal),
        "can_edit": permissions.can_edit_proposal(request.user, proposal),
        "timeline": timeline(proposal),
        "history": ModelLogEntry.objects.for_instance(proposal).select_related("user").order_by("timestamp")
        if permissions.can_read_all_proposals(request.user) else None,
    })


@login_required
def proposal_edit(request, pk):
    proposal = _get_proposal(request, pk)
    if not permissions.can_edit_proposal(request.user, proposal):
        if people.membership(request.user, proposal.organisation) is None:
            raise Http404  # staff read proposals; only members write them
        if request.method == "POST" and _submitting(request):
            return _already_submitted(request, proposal)
        messages.info(request, _("This proposal has been submitted and is read-only."))
        return redirect("proposals:detail", proposal.pk)
    version = proposal.version
    if request.method == "POST":
        editor = ProposalEditor(proposal, request.POST, request.FILES)
        version = _posted_version(request)
        if editor.is_valid():
            def write():
                _write(editor, request.user)

            try:
                if _submitting(request):
                    return _submitted(request, service.save_and_submit(proposal, request.user, version, write))
                service.save_draft(proposal, request.user, version, write)
            except service.AlreadySubmitted:
                return _already_submitted(request, proposal)
            except service.SubmissionRefused as refused:
                messages.error(request, _(
                    "Your draft is saved, but it cannot be submitted yet: %(count)s items need attention "
                    "(listed below).") % {"count": len(refused.problems)})
                return redirect(f"{request.path}?check=1")
            except service.VersionConflict as conflict:
                version = conflict.current.version
                messages.error(request, _(
                    "Someone else saved this proposal after you opened it, so your changes were NOT "
                    "saved. They are still in the form below: compare with the latest version "
                    "(open it in a new tab), then save again — saving again replaces the other "
                    "version with yours."))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("proposals:detail", proposal.pk)
            else:
                return _after_save(request, proposal)
        else:
            messages.error(request, _("Some entries need correcting (marked below). Nothing has been "
                                      "saved yet; what you typed is kept."))
    else:
        editor = ProposalEditor(proposal)
        if "check" in request.GET:
            editor.show_problems(service.submission_problems(proposal, timezone.now()))
    return render(request, "proposals/proposal_edit.html", {
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
        return redirect("proposals:edit", proposal.pk)
    messages.success(request, _("Draft saved."))
    return redirect("proposals:edit", proposal.pk)


def _submitting(request):
    return request.POST.get("action") == "submit" and "remove_attachment" not in request.POST


def _submitted(request, proposal):
    messages.success(request, _(
        "Submitted. Your reference number is %(reference)s; a confirmation has been emailed to you.")
        % {"reference": proposal.reference})
    return redirect("proposals:detail", proposal.pk)


def _already_submitted(request, proposal):
    # Usually the second click of a double-click: the first one submitted it.
    messages.info(request, _("Your proposal has been submitted; there is no need to submit it again."))
    return redirect("proposals:detail", proposal.pk)


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
