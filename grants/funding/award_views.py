"""Awards and funds, for everyone allowed to see them: staff manage, supervisors read, funders
read what their funds pay for, holders read their own award and act on it.

Each list is a reconciliation: every fund (budget, committed, paid, donations, matched,
remaining) and every award (granted, matched, donations, awarded, paid, remaining), filtered
by what the reader may see, with CSV and XLSX exports of exactly those rows.
"""

from decimal import Decimal

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.models import ModelLogEntry

from core import exports
from core.fields import IdChoiceFilter
from core.form_errors import add_service_error
from core.money import yuan
from grants.calls.models import CallPage
from grants.funding import permissions, queues
from grants.funding.agreement import agreement_pdf
from grants.funding.forms import (
    BudgetChangeForm,
    PaymentForm,
    SignForm,
    TerminateForm,
    TrancheFormSet,
    schedule_initial,
)
from grants.funding.models import Award, Fund
from grants.funding.services import awards as service
from grants.funding.services import ledger
from grants.funding.services.ledger import check_award, check_fund

PAGE_SIZE = 50
ZERO = Decimal("0")


def _apply(request, action, success, back):
    """Run a service call; report a refusal as messages (field by field) and go back."""

    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(back)


# -- awards --------------------------------------------------------------------------------
class AwardFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=Award.Status.choices,
                                         empty_label=gettext_lazy("Any status"))
    fund = IdChoiceFilter(label=gettext_lazy("Fund"), field_name="funding__fund",
                          queryset=Fund.objects.none(), empty_label=gettext_lazy("Any fund"))
    call = IdChoiceFilter(label=gettext_lazy("Call"), field_name="call",
                          queryset=CallPage.objects.none(), empty_label=gettext_lazy("Any call"))
    # The staff work queue's links (portal/work_queue.py) land on these.
    waiting = django_filters.ChoiceFilter(
        label=gettext_lazy("Waiting for staff"), method="filter_waiting", empty_label=gettext_lazy("Any"),
        choices=[("tranche_due", gettext_lazy("A payment is due")),
                 ("report_submitted", gettext_lazy("A report to approve"))])

    class Meta:
        model = Award
        fields = []
        form = forms.Form

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["fund"].queryset = permissions.visible_funds(request.user)
        self.filters["call"].queryset = CallPage.objects.filter(
            pk__in=Award.objects.values("call")).order_by("-closes_at")
        self.filters["call"].field.label_from_instance = lambda call: call.title

    def filter_waiting(self, queryset, name, value):
        if value == "tranche_due":
            return queues.with_payable_tranches(queryset)
        return queues.with_submitted_reports(queryset)


def _award_rows(request):
    awards = permissions.visible_awards(request.user).select_related("proposal__organisation").order_by(
        "-created_at", "-pk")
    return AwardFilter(request.GET, queryset=awards, request=request)


@login_required
def award_list(request):
    filterset = _award_rows(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    totals = filterset.qs.order_by().aggregate(
        granted=Coalesce(Sum("granted"), ZERO), matched=Coalesce(Sum("matched"), ZERO),
        donations=Coalesce(Sum("donations_applied"), ZERO), paid=Coalesce(Sum("paid"), ZERO))
    totals["amount"] = totals["granted"] + totals["matched"] + totals["donations"]
    totals["remaining"] = totals["amount"] - totals["paid"]
    return render(request, "funding/awards/list.html", {
        "filter": filterset, "page_obj": page, "awards": page.object_list, "totals": totals,
        "query": request.GET.urlencode()})


def _money(key, label):
    return exports.Column(key, label, exports.MONEY, width=14)


AWARD_EXPORT = exports.Export([
    exports.Column("reference", gettext_lazy("Reference"), width=16),
    exports.Column("proposal.title", gettext_lazy("Project title"), width=40),
    exports.Column("proposal.organisation.name", gettext_lazy("Organisation"), width=30),
    exports.Column("status_label", gettext_lazy("Status"), width=12),
    _money("granted", gettext_lazy("Granted")),
    _money("matched", gettext_lazy("Matched donations")),
    _money("donations_applied", gettext_lazy("Donations")),
    _money("amount", gettext_lazy("Awarded")),
    _money("paid", gettext_lazy("Paid")),
    _money("remaining", gettext_lazy("Still to pay")),
    _money("refund_shortfall", gettext_lazy("Refunds not covered")),
], sheet=gettext_lazy("Awards"))


def _export(export, format, rows, name):
    if format not in exports.FORMATS:
        raise Http404
    return export.response(format, rows, f"{name}-{timezone.localdate():%Y%m%d}")


@login_required
def award_export(request, format):
    statuses = {value: str(label) for value, label in Award.Status.choices}

    def rows():
        for award in _award_rows(request).qs.iterator(chunk_size=1000):
            award.status_label = statuses[award.status]
            yield award

    return _export(AWARD_EXPORT, format, rows(), "awards")


def _award(request, pk):
    return get_object_or_404(permissions.visible_awards(request.user).select_related(
        "proposal__organisation", "proposal__call", "proposal__street"), pk=pk)


@login_required
def award_detail(request, pk, forms=None):
    award = _award(request, pk)
    forms = forms or {}
    manage = permissions.can_manage_funding(request.user)
    tranches = list(award.tranches.all())
    for tranche in tranches:
        tranche.problem = service.condition_problem(tranche) if tranche.is_open else None
    reads_all = permissions.can_read_funding(request.user)
    return render(request, "funding/awards/detail.html", {
        "award": award,
        "proposal": award.proposal,
        "funding": award.funding.select_related("fund"),
        "tranches": tranches,
        "variations": award.variations.select_related("requested_by", "decided_by", "fund"),
        "budget_lines": award.budget_lines.all(),
        "can_manage": manage,
        "reads_all": reads_all,
        "is_holder": permissions.is_award_holder(request.user, award),
        "problems": check_award(award) if reads_all else [],
        "history": ModelLogEntry.objects.for_instance(award).select_related("user").order_by("timestamp")
        if reads_all else None,
        "sign_form": forms.get("sign", SignForm()),
        "payment_form": forms.get("payment", PaymentForm(award=award)),
        "terminate_form": forms.get("terminate", TerminateForm()),
        "schedule_formset": forms.get("schedule", TrancheFormSet(initial=schedule_initial(award), prefix="t")),
    })


def _manageable(request, pk):
    award = _award(request, pk)
    if not permissions.can_manage_funding(request.user):
        raise PermissionDenied
    return award


@login_required
@require_POST
def award_sign(request, pk):
    award = _manageable(request, pk)
    form = SignForm(request.POST, request.FILES)
    if not form.is_valid():
        return award_detail(request, pk, forms={"sign": form})
    return _apply(request, lambda: service.sign(award, request.user, form.cleaned_data["signed_copy"]),
                  _("The signed agreement is recorded; the award is active."), award.get_absolute_url())


@login_required
@require_POST
def award_schedule(request, pk):
    award = _manageable(request, pk)
    formset = TrancheFormSet(request.POST, prefix="t")
    if not formset.is_valid():
        return award_detail(request, pk, forms={"schedule": formset})
    schedule = [(form.cleaned_data["percent"], form.cleaned_data["condition"]) for form in formset.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]
    return _apply(request, lambda: service.set_schedule(award, schedule, request.user),
                  _("The tranches are changed."), award.get_absolute_url())


@login_required
@require_POST
def tranche_pay(request, pk):
    award = _manageable(request, pk)
    form = PaymentForm(request.POST, award=award)
    if not form.is_valid():
        return award_detail(request, pk, forms={"payment": form})
    tranche = form.cleaned_data["tranche"]
    return _apply(request, lambda: service.pay_tranche(tranche, request.user, form.cleaned_data["paid_on"],
                                                       form.cleaned_data["reference"]),
                  _("Tranche %(number)s is recorded as paid.") % {"number": tranche.number}, award.get_absolute_url())


@login_required
@require_POST
def award_terminate(request, pk):
    award = _manageable(request, pk)
    form = TerminateForm(request.POST)
    if not form.is_valid():
        return award_detail(request, pk, forms={"terminate": form})
    return _apply(request, lambda: service.terminate(award, request.user, form.cleaned_data["reason"]),
                  _("The award is ended; unpaid money went back to its funds."), award.get_absolute_url())


@login_required
def award_agreement(request, pk):
    award = _award(request, pk)
    response = HttpResponse(agreement_pdf(award), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="agreement-{award.reference}.pdf"'
    return response


@login_required
def award_signed_copy(request, pk):
    award = _award(request, pk)
    if not (permissions.can_read_funding(request.user) or permissions.is_award_holder(request.user, award)):
        raise Http404
    if not award.signed_copy:
        raise Http404
    response = FileResponse(award.signed_copy.open("rb"), as_attachment=True,
                            filename=f"agreement-{award.reference}-signed{award.signed_copy.name[-4:]}")
    response["Cache-Control"] = "private, no-store"
    return response


# -- funds ---------------------------------------------------------------------------------
def _funds(request):
    return permissions.visible_funds(request.user)


@login_required
def fund_list(request):
    if not permissions.can_list_funds(request.user):
        raise PermissionDenied
    funds = list(_funds(request))
    totals = {name: sum((getattr(f, name) for f in funds), ZERO)
              for name in ("budget", "committed", "paid", "matched", "donations_received", "remaining",
                           "shortfall")}
    return render(request, "funding/funds/list.html", {"funds": funds, "totals": totals})


FUND_EXPORT = exports.Export([
    exports.Column("name", gettext_lazy("Fund"), width=36),
    exports.Column("kind_label", gettext_lazy("Source type"), width=24),
    exports.Column("year", gettext_lazy("Year"), exports.NUMBER, width=6),
    exports.Column("owner", gettext_lazy("Owner"), width=24),
    _money("budget", gettext_lazy("Budget")),
    _money("committed", gettext_lazy("Committed")),
    _money("paid", gettext_lazy("Paid")),
    _money("donations_received", gettext_lazy("Donations received")),
    _money("matched", gettext_lazy("Matched donations")),
    _money("remaining", gettext_lazy("Remaining")),
    _money("shortfall", gettext_lazy("Refunds not covered")),
], sheet=gettext_lazy("Funds"))


@login_required
def fund_export(request, format):
    if format not in exports.FORMATS:
        raise Http404
    if not permissions.can_list_funds(request.user):
        raise PermissionDenied
    kinds = {value: str(label) for value, label in Fund.Kind.choices}

    def rows():
        for fund in _funds(request):
            fund.kind_label = kinds[fund.kind]
            yield fund

    return _export(FUND_EXPORT, format, rows(), "funds")


@login_required
def fund_detail(request, pk):
    fund = get_object_or_404(_funds(request), pk=pk)
    reads_all = permissions.can_read_funding(request.user)
    return render(request, "funding/funds/detail.html", {
        "fund": fund,
        "lines": fund.funding.select_related("award__proposal__organisation").order_by("-granted"),
        "disbursements": fund.disbursements.select_related("tranche__award__proposal").order_by(
            "-tranche__paid_on", "-pk")[:200],
        "problems": check_fund(fund) if reads_all else [],
        "entries": fund.budget_entries.select_related("created_by").order_by("-created_at", "-pk")[:200],
        "can_change_budget": permissions.can_change_budget(request.user),
        "history": ModelLogEntry.objects.for_instance(fund).select_related("user").order_by("-timestamp")[:200]
        if reads_all else None,
    })


@login_required
def fund_budget(request, pk):
    """Staff raise or lower a fund's budget, with a reason: the only way it changes by hand."""
    fund = get_object_or_404(_funds(request), pk=pk)
    if not permissions.can_change_budget(request.user):
        raise PermissionDenied
    form = BudgetChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ledger.change_budget(fund, form.change, form.cleaned_data["reason"], request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            fund.refresh_from_db()
            messages.success(request, _("The budget of %(fund)s is now %(budget)s.") % {
                "fund": fund.name, "budget": yuan(fund.budget)})
            return redirect("funding:fund_detail", pk=fund.pk)
    return render(request, "funding/funds/budget.html", {"fund": fund, "form": form})
