"""An award's reports and budget variations.

The holder's members write the mid-term and final reports (with evidence files) and ask for
budget variations; staff approve or return reports and decide variations; supervisors and
the funders of the award's funds read. Anyone who may not see the award gets a 404, so a URL
never confirms that it exists; a reader who may not act gets a 403 for every POST.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http import posted_id
from grants.funding import permissions
from grants.funding.models import Award, AwardBudgetLine, BudgetVariation
from grants.funding.services import awards as service
from grants.impact import services as report_service
from grants.impact.forms import (
    BudgetLineFormSet,
    ReportDecisionForm,
    ReportForm,
    VariationDecisionForm,
    VariationForm,
    budget_initial,
    posted_lines,
    refusal_items,
)
from grants.impact.models import Report
from grants.proposals.models import budget_total

ZERO = Decimal("0")
MORE_ROWS = 3  # rows "Add rows" appends to the proposed budget


# -- who may do what -----------------------------------------------------------------------
def _award(request, pk):
    """The award if this user may read it; otherwise a 404 that confirms nothing."""

    return get_object_or_404(permissions.visible_awards(request.user).select_related(
        "proposal__organisation", "proposal__call"), pk=pk)


def _report(request, pk, report_pk):
    award = _award(request, pk)
    return award, get_object_or_404(award.reports.select_related("submitted_by", "decided_by"), pk=report_pk)


def _require_holder(request, award):
    if not permissions.is_award_holder(request.user, award):
        raise PermissionDenied


def _require_manager(request):
    if not permissions.can_manage_funding(request.user):
        raise PermissionDenied


def why_locked(report, award):
    """Why the holder cannot change this report now (a sentence), or None."""

    if award.status == Award.Status.CONTRACTING:
        return _("Reports are written once the agreement is signed.")
    if award.status != Award.Status.ACTIVE:
        return _("This award has ended: its reports can no longer change.")
    if report.status == Report.Status.SUBMITTED:
        return _("Submitted: staff are reading it. You can change it again only if they return it.")
    if report.status == Report.Status.APPROVED:
        return _("Approved by staff: the report is final.")
    return None


def why_no_variation(award):
    """Why the holder cannot ask for a variation now (a sentence), or None."""
    if award.status not in (Award.Status.CONTRACTING, Award.Status.ACTIVE):
        return _("The budget of a finished award cannot change.")
    if award.variations.filter(status=BudgetVariation.Status.REQUESTED).exists():
        return _("A variation is already waiting for staff: wait for their decision.")
    return None


# -- reports -------------------------------------------------------------------------------
def _render_report(request, award, report, form=None, decision_form=None, status=200):
    is_holder = permissions.is_award_holder(request.user, award)
    locked = why_locked(report, award)
    can_write = is_holder and locked is None
    can_decide = permissions.can_manage_funding(request.user) and report.status == Report.Status.SUBMITTED
    results = {result.indicator_id: result for result in report.results.all()}
    return render(request, "impact/report.html", {
        "award": award, "proposal": award.proposal, "report": report,
        "is_holder": is_holder, "locked": locked, "can_write": can_write,
        "form": (form or ReportForm(report)) if can_write else None,
        "rows": [(indicator, results.get(indicator.pk)) for indicator in award.proposal.indicators.all()],
        "evidence": report.evidence.all(),
        "can_decide": can_decide,
        "decision_form": (decision_form or ReportDecisionForm()) if can_decide else None,
    }, status=status)


@login_required
def report_detail(request, pk, report_pk):
    """Everyone who may see the award reads the report; its holder writes it here."""
    award, report = _report(request, pk, report_pk)
    if request.method != "POST":
        return _render_report(request, award, report)
    _require_holder(request, award)
    if locked := why_locked(report, award):
        messages.error(request, locked)
        return redirect("impact:report", award.pk, report.pk)
    form = ReportForm(report, request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Some entries need correcting (marked below). Nothing has been saved yet; "
                                  "what you typed is kept."))
        return _render_report(request, award, report, form=form)
    remove = report.evidence.filter(pk=posted_id(request, "remove_evidence")).first() \
        if "remove_evidence" in request.POST else None
    submit = request.POST.get("action") == "submit" and remove is None
    try:
        report_service.write_report(report, request.user, form.cleaned_data["narrative"], form.results(),
                                    submit=submit, upload=form.cleaned_data.get("file"), remove=remove)
    except report_service.SubmissionRefused as refused:
        form.show_refusal(refused)
        messages.error(request, _("Your draft is saved, but it cannot be submitted yet: see the notes below."))
        return _render_report(request, award, Report.objects.get(pk=report.pk), form=form)
    except ValidationError as error:
        form.show_refusal(error)
        messages.error(request, _("Nothing was saved: see the notes below."))
        return _render_report(request, award, report, form=form)
    if submit:
        messages.success(request, _("Submitted. Staff have been told and will approve it or return it with a "
                                    "note."))
    elif remove is not None:
        messages.success(request, _("“%(name)s” was removed.") % {"name": remove.name})
    else:
        messages.success(request, _("Draft saved."))
    return redirect("impact:report", award.pk, report.pk)


@login_required
@require_POST
def report_decide(request, pk, report_pk):
    award, report = _report(request, pk, report_pk)
    _require_manager(request)
    form = ReportDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            service.decide_report(report, request.user, approve, form.cleaned_data["note"])
        except ValidationError as error:
            for field, problems in refusal_items(error):
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("The report is approved; the holder has been emailed.") if approve
                             else _("The report is returned to the holder with your note."))
            return redirect("impact:report", award.pk, report.pk)
    report.refresh_from_db()
    if report.status != Report.Status.SUBMITTED:  # decided meanwhile: the form is gone, say why
        messages.error(request, _("Only a submitted report can be approved or returned."))
        return redirect("impact:report", award.pk, report.pk)
    return _render_report(request, award, report, decision_form=form)


@login_required
def evidence_download(request, pk, report_pk, evidence_pk):
    """A private evidence file, for those who may read the award (404 for anyone else)."""
    award, report = _report(request, pk, report_pk)
    evidence = get_object_or_404(report.evidence, pk=evidence_pk)
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name,
                            content_type=evidence.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


# -- budget variations ---------------------------------------------------------------------
def _render_variation(request, award, form, formset, line_errors=(), typed=None, status=200):
    granted, cofunding = award.granted, award.cofunding
    return render(request, "funding/awards/variation_new.html", {
        "award": award, "proposal": award.proposal, "blocked": why_no_variation(award),
        "form": form, "formset": formset, "line_errors": line_errors,
        "current_total": granted + cofunding,
        "paid_from_grant": sum((max(line.paid - line.matched, ZERO) for line in award.funding.all()), ZERO),
        "typed": typed,
    }, status=status)


@login_required
def variation_new(request, pk):
    """The holder asks to change the budget: the new lines (prefilled with the current ones),
    the change to the grant, and why."""
    award = _award(request, pk)
    _require_holder(request, award)
    if request.method != "POST":
        return _render_variation(request, award, VariationForm(),
                                 BudgetLineFormSet(initial=budget_initial(award), prefix="lines"))
    form = VariationForm(request.POST)
    formset = BudgetLineFormSet(request.POST, prefix="lines")
    if "add_rows" in request.POST:
        data = request.POST.copy()
        total = formset.total_form_count() if formset.management_form.is_valid() else 0
        data["lines-TOTAL_FORMS"] = str(min(total + MORE_ROWS, BudgetLineFormSet.max_num))
        return _render_variation(request, award, VariationForm(data), BudgetLineFormSet(data, prefix="lines"))
    if not (form.is_valid() and formset.is_valid()):
        messages.error(request, _("Some entries need correcting (marked below). Nothing has been sent yet; "
                                  "what you typed is kept."))
        return _render_variation(request, award, form, formset)
    lines = posted_lines(formset)
    change = form.cleaned_data["amount_change"]
    typed = {"total": budget_total(AwardBudgetLine.from_json(lines)), "wanted": award.granted + change + award.cofunding,
             "change": change}
    try:
        service.request_variation(award, request.user, lines, form.cleaned_data["reason"], change)
    except ValidationError as error:
        line_errors = form.show_refusal(error)
        messages.error(request, _("The variation was not sent: see the notes below."))
        return _render_variation(request, award, form, formset, line_errors, typed)
    messages.success(request, _("Your request is sent to staff; you will be emailed their decision."))
    return redirect(reverse("funding:award_detail", args=[award.pk]) + "#variations")


@login_required
@require_POST
def variation_decide(request, pk, variation_pk):
    award = _award(request, pk)
    _require_manager(request)
    variation = get_object_or_404(award.variations.select_related("requested_by"), pk=variation_pk)
    form = VariationDecisionForm(request.POST, variation=variation)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            service.decide_variation(variation, request.user, approve, form.cleaned_data["note"],
                                     form.cleaned_data.get("fund"))
        except ValidationError as error:
            form.show_refusal(error)
        else:
            messages.success(request, _("The variation is approved: the new budget applies.") if approve
                             else _("The variation is rejected; the holder has been told why."))
            return redirect(reverse("funding:award_detail", args=[award.pk]) + "#variations")
    variation.refresh_from_db()
    return render(request, "funding/awards/variation_decide.html", {
        "award": award, "proposal": award.proposal, "variation": variation, "form": form,
        "current_lines": budget_initial(award)})
