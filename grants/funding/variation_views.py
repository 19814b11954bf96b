"""An award's budget variations: its holder's members ask for one (a new budget, perhaps a
change to the grant), staff approve or reject it. Anyone who may not see the award gets a
404, so a URL never confirms that it exists; a reader who may not act gets a 403.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.funding import permissions
from grants.funding.models import AwardBudgetLine
from grants.funding.services import awards as service
from grants.funding.variation_forms import (
    BudgetLineFormSet,
    VariationDecisionForm,
    VariationForm,
    budget_initial,
    posted_lines,
)
from grants.proposals.models import budget_total

ZERO = Decimal("0")
MORE_ROWS = 3  # rows "Add rows" appends to the proposed budget


def _award(request, pk):
    """The award if this user may read it; otherwise a 404 that confirms nothing."""

    return get_object_or_404(permissions.visible_awards(request.user).select_related(
        "proposal__organisation", "proposal__call"), pk=pk)


def _render_variation(request, award, form, formset, line_errors=(), typed=None, status=200):
    granted, cofunding = award.granted, award.cofunding
    return render(request, "funding/awards/variation_new.html", {
        "award": award, "proposal": award.proposal, "blocked": service.why_no_variation(award),
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
    if not permissions.is_award_holder(request.user, award):
        raise PermissionDenied
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
    typed = {"total": budget_total(AwardBudgetLine.from_json(lines)), "wanted": award.granted + change + award.cofunding, "change": change}
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
    if not permissions.can_manage_funding(request.user):
        raise PermissionDenied
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
