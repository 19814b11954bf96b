"""Staff work on one proposal: screening, reviewers, scores, decisions, what changed, history.
Supervisors read every page here and can change nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import ModelLogEntry

from core.form_errors import add_service_error
from core.http import posted_ids
from grants.calls.models import CallPage
from grants.proposals import permissions
from grants.proposals.display import answered_questions
from grants.proposals.models import Proposal
from grants.review import redaction
from grants.review import services as service
from grants.review.diff import changes
from grants.review.staff_forms import AssignmentForm, DeterminationForm, ScreeningForm


def _readable(request, pk):
    if not permissions.can_read_all_proposals(request.user):
        raise PermissionDenied
    return get_object_or_404(Proposal.objects.exclude(status=Proposal.Status.DRAFT).select_related(
        "call", "organisation__street__district", "organisation__community", "street", "created_by"), pk=pk)


# Where staff ask for more information, by status: the screening form or the decision form.
ASK_FORM = {
    Proposal.Status.SUBMITTED: "screening", Proposal.Status.SCREENING: "screening",
    Proposal.Status.IN_REVIEW: "determination", Proposal.Status.WAITLISTED: "determination",
}


def _redaction_request():
    return _("This call is reviewed blind: reviewers must not learn who applied. Please remove from the "
             "proposal's text (the title included) your organisation's name and short names, people's names "
             "and contact details, then submit it again.")


def _actionable(request, pk):
    proposal = _readable(request, pk)
    if not permissions.can_decide(request.user):
        raise PermissionDenied
    return proposal


@login_required
def staff_proposal(request, pk, forms=None):
    proposal = _readable(request, pk)
    # Read once for both the budget total and the budget table.
    prefetch_related_objects([proposal], "budget_lines")
    forms = forms or {}
    mentions = redaction.applicant_mentions(proposal) if proposal.call.blind_review else []
    ask_form = ASK_FORM.get(proposal.status) if permissions.can_decide(request.user) else None
    if mentions and ask_form and "ask_redaction" in request.GET:
        # The "more information" answer, filled in for staff to read over and send.
        forms.setdefault("screening", ScreeningForm(initial={"decision": "more_info", "message": _redaction_request()}))
        forms.setdefault("determination", DeterminationForm(initial={"outcome": "more_info",
                                                                     "note": _redaction_request()}))
    snapshots = list(proposal.snapshots.order_by("-number")[:2])
    return render(request, "review/staff/proposal.html", {
        "proposal": proposal,
        "mentions": mentions,
        "ask_form": ask_form if mentions else None,
        "answers": answered_questions(proposal),
        "can_decide": permissions.can_decide(request.user),
        "checklist": service.eligibility_checklist(proposal),
        "assignments": proposal.assignments.select_related("reviewer", "review").order_by("pk"),
        "summary": service.aggregate(proposal),
        "changes": changes(snapshots[1].data, snapshots[0].data) if len(snapshots) == 2 else None,
        "history": ModelLogEntry.objects.for_instance(proposal).select_related("user").order_by("timestamp"),
        "screening_form": forms.get("screening", ScreeningForm()),
        "assignment_form": forms.get("assignment", AssignmentForm()),
        "determination_form": forms.get("determination", DeterminationForm()),
    })


def _apply(request, proposal, form_name, form, action):
    """Run a staff action from a posted form; on a refusal re-show the page with the form."""

    if form.is_valid():
        try:
            result = action(form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, result)
            return redirect("review:staff_proposal", proposal.pk)
    return staff_proposal(request, proposal.pk, forms={form_name: form})


@login_required
@require_POST
def screen(request, pk):
    proposal = _actionable(request, pk)

    def action(data):
        message = data["message"]
        if data["decision"] == "pass":
            service.pass_screening(proposal, request.user, message)
            return _("Passed to review. Assign reviewers below.")
        if data["decision"] == "out":
            service.screen_out(proposal, request.user, message)
            return _("Screened out; the applicant has been told why.")
        service.determine(proposal, request.user, "more_info", message)
        return _("Returned to the applicant for more information.")

    return _apply(request, proposal, "screening", ScreeningForm(request.POST), action)


@login_required
@require_POST
def assign(request, pk):
    proposal = _actionable(request, pk)

    def action(data):
        if "auto" in request.POST:
            made, short = service.auto_assign([proposal], request.user, data["due_on"])
            if short:
                messages.warning(request, _("Not enough eligible reviewers for this proposal."))
            return _("%(count)s reviewers assigned.") % {"count": len(made)}
        if data["reviewer"] is None:
            raise ValidationError({"reviewer": _("Choose a reviewer.")})
        service.assign_reviewer(proposal, data["reviewer"], request.user, data["due_on"])
        return _("%(person)s has been asked to review.") % {"person": data["reviewer"]}

    return _apply(request, proposal, "assignment", AssignmentForm(request.POST), action)


@login_required
@require_POST
def determine(request, pk):
    proposal = _actionable(request, pk)

    def action(data):
        decided = service.determine(proposal, request.user, data["outcome"], data["note"])
        return _("Recorded: %(status)s. The applicant has been emailed.") % {"status": decided.get_status_display()}

    return _apply(request, proposal, "determination", DeterminationForm(request.POST), action)


@login_required
def call_ranking(request, call_pk):
    """The call's proposals by weighted review score, with batch decisions and auto-assignment."""

    if not permissions.can_read_all_proposals(request.user):
        raise PermissionDenied
    call = get_object_or_404(CallPage, pk=call_pk)
    form = DeterminationForm(request.POST or None)
    if request.method == "POST":
        if not permissions.can_decide(request.user):
            raise PermissionDenied
        if "auto_assign" in request.POST:
            proposals = call.proposals.filter(status=Proposal.Status.IN_REVIEW).select_related("call", "organisation")
            made, short = service.auto_assign(proposals, request.user)
            messages.success(request, _("%(count)s reviewers assigned.") % {"count": len(made)})
            if short:
                messages.warning(request, _("Not enough eligible reviewers for: %(references)s") % {
                    "references": ", ".join(p.reference for p in short)})
            return redirect("review:call_ranking", call.pk)
        chosen = call.proposals.filter(pk__in=posted_ids(request, "proposals"))
        if not chosen:
            form.add_error(None, _("Tick the proposals to decide on."))
        elif form.is_valid():
            done, refused = service.determine_many(chosen, request.user, form.cleaned_data["outcome"],
                                                   form.cleaned_data["note"])
            messages.success(request, _("%(count)s decisions recorded; applicants have been emailed.") % {
                "count": len(done)})
            for proposal, reason in refused:
                messages.error(request, f"{proposal.reference}: {reason}")
            return redirect("review:call_ranking", call.pk)
    in_review = call.proposals.filter(status=Proposal.Status.IN_REVIEW).select_related("organisation")
    return render(request, "review/staff/ranking.html", {
        "call": call, "ranked": service.ranking(call), "form": form,
        "unscored": in_review.filter(score__isnull=True),
        "can_decide": permissions.can_decide(request.user),
    })
