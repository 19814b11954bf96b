"""Forms of the funding pages: matching runs, agreements, tranches and payments."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import IdChoiceField, IdMultipleChoiceField
from core.money import yuan
from core.uploads import SCAN_TYPES, check_upload
from grants.calls.models import CallPage
from grants.funding.models import Fund, Tranche
from grants.funding.services.awards import condition_problem
from grants.funding.services.matching import available


class MatchingRunForm(forms.Form):
    calls = IdMultipleChoiceField(
        label=_("Calls"), queryset=CallPage.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Their approved proposals not yet funded are matched."))
    funds = IdMultipleChoiceField(
        label=_("Funds"), queryset=Fund.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Open funds with money left; each keeps its own rules."))
    include_waitlisted = forms.BooleanField(label=_("Include waitlisted proposals"), required=False)
    cutoff = forms.DecimalField(
        label=_("Lowest score to fund"), required=False, max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("0–100. Leave empty to consider every approved proposal."))

    def __init__(self, *args, calls, funds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["calls"].queryset = calls
        self.fields["funds"].queryset = funds
        self.fields["calls"].label_from_instance = lambda call: call.title
        self.fields["funds"].label_from_instance = lambda fund: _("%(name)s (%(year)s): %(available)s available") % {
            "name": fund.name, "year": fund.year, "available": yuan(available(fund))}


class SignForm(forms.Form):
    signed_copy = forms.FileField(label=_("Signed agreement (PDF or scan)"))

    def clean_signed_copy(self):
        upload = self.cleaned_data["signed_copy"]
        check_upload(upload, SCAN_TYPES)
        return upload


class PaymentForm(forms.Form):
    tranche = IdChoiceField(label=_("Tranche"), queryset=Tranche.objects.none(), empty_label=None)
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}),
                              initial=timezone.localdate)
    reference = forms.CharField(label=_("Payment reference"), max_length=60,
                                help_text=_("The bank transfer or voucher number."))

    def __init__(self, *args, award, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what may be paid now: a tranche waiting for a report or the signature is no choice.
        planned = award.tranches.filter(status=Tranche.Status.PLANNED, amount__gt=0)
        self.fields["tranche"].queryset = planned.filter(
            pk__in=[tranche.pk for tranche in planned if condition_problem(tranche) is None])
        self.fields["tranche"].label_from_instance = lambda t: _("Tranche %(number)s: %(amount)s") % {
            "number": t.number, "amount": yuan(t.amount)}


class TerminateForm(forms.Form):
    reason = forms.CharField(label=_("Reason for ending the award"), widget=forms.Textarea(attrs={"rows": 3}))
    # Ending cannot be undone; the tick is checked here so it holds without JavaScript.
    confirm = forms.BooleanField(
        label=_("I understand that ending the award cannot be undone."),
        error_messages={"required": _("Tick the box to confirm that the award ends for good.")})


class TrancheForm(forms.Form):
    percent = forms.DecimalField(label=_("Share of the grant (%)"), max_digits=5, decimal_places=2,
                                 min_value=Decimal("0.01"), max_value=Decimal("100"))
    condition = forms.ChoiceField(label=_("Condition"), choices=Tranche.Condition.choices)


TrancheFormSet = forms.formset_factory(TrancheForm, extra=1, can_delete=True)


def schedule_initial(award):
    return [{"percent": t.percent, "condition": t.condition}
            for t in award.tranches.exclude(status=Tranche.Status.CANCELLED) if t.percent]


class BudgetChangeForm(forms.Form):
    """Raise or lower a fund's budget by an amount (never "set it to": a pool gift arriving
    while the form is open would be undone)."""

    direction = forms.ChoiceField(label=_("Change"), widget=forms.RadioSelect, initial="raise", choices=[
        ("raise", _("Raise the budget")), ("lower", _("Lower the budget"))])
    amount = forms.DecimalField(label=_("By (yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Kept in the fund's history, e.g. the decision that changed it."))

    @property
    def change(self):
        amount = self.cleaned_data["amount"]
        return -amount if self.cleaned_data["direction"] == "lower" else amount
