"""Forms of the budget-variation pages: the holder's proposed budget and change to the grant,
and staff's decision. They check that entries are well-formed; the rules (what the budget must
add up to, which fund may pay an increase) are services.awards'."""

from decimal import Decimal

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core.fields import IdChoiceField
from core.form_errors import refusal_items
from core.money import CENT, yuan
from grants.funding.models import AwardBudgetLine, Fund
from grants.proposals.models import BudgetLine

ZERO = Decimal("0")


class BudgetLineForm(forms.Form):
    """One line of the proposed budget; a row left wholly blank is ignored."""

    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", "---------")] + list(BudgetLine.Category.choices))
    item = forms.CharField(label=_("Item"), required=False, max_length=200)
    quantity = forms.DecimalField(label=_("Quantity"), required=False, max_digits=10, decimal_places=2,
                                  min_value=CENT)
    unit = forms.CharField(label=_("Unit"), required=False, max_length=20)
    unit_price = forms.DecimalField(label=_("Unit price (yuan)"), required=False, max_digits=14, decimal_places=2,
                                    min_value=ZERO)

    FIELDS = ("category", "item", "quantity", "unit", "unit_price")

    def clean(self):
        cleaned = super().clean()
        if self.is_blank() or cleaned.get("DELETE"):
            return cleaned
        for name in self.FIELDS:
            if cleaned.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, _("Needed for this line."))
        return cleaned

    def is_blank(self):
        return all(self.data.get(self.add_prefix(name), "").strip() == "" for name in self.FIELDS) \
            if self.is_bound else False

    def line(self):
        return {name: self.cleaned_data[name] for name in self.FIELDS}


BudgetLineFormSet = forms.formset_factory(BudgetLineForm, extra=2, can_delete=True, max_num=200)


def budget_initial(award):
    return AwardBudgetLine.to_json(award.budget_lines.all())


def posted_lines(formset):
    """The lines of a valid formset, in order: rows neither blank nor ticked for removal."""
    return [form.line() for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.is_blank()]


class VariationForm(forms.Form):
    reason = forms.CharField(label=_("Why the budget should change"), required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))
    amount_change = forms.DecimalField(
        label=_("Change to the grant (yuan)"), required=False, max_digits=14, decimal_places=2,
        help_text=_("0 to move money between lines only; negative to give money back. An increase is paid by a "
                    "fund staff choose when they approve it."))

    def clean_amount_change(self):
        return self.cleaned_data.get("amount_change") or ZERO

    def show_refusal(self, error):
        """The service's reasons beside their fields; those about the lines are returned."""
        about_lines = []
        for field, messages in refusal_items(error):
            if field == "lines":
                about_lines.extend(messages)
            elif field in self.fields:
                self.add_error(field, messages)
            else:
                self.add_error(None, messages)
        return about_lines


def funds_for_increase(amount):
    """Open funds with enough left to pay an increase of `amount`."""
    return (Fund.objects.filter(is_active=True).annotate(left=F("budget") - F("committed"))
            .filter(left__gte=amount).order_by("-year", "name_zh"))


class VariationDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Approve the variation")), ("reject", _("Reject it"))])
    fund = IdChoiceField(label=_("Fund paying the increase"), queryset=Fund.objects.none(),
                         required=False, help_text=_("Open funds with enough left; the fund's caps still apply."))
    note = forms.CharField(label=_("Note to the holder"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Required when rejecting the variation."))

    def __init__(self, *args, variation, **kwargs):
        super().__init__(*args, prefix=f"v{variation.pk}", **kwargs)
        self.variation = variation
        if variation.amount_change > 0:
            self.fields["fund"].queryset = funds_for_increase(variation.amount_change)
            self.fields["fund"].label_from_instance = lambda fund: _("%(fund)s (%(year)s): %(left)s left") % {
                "fund": fund.name, "year": fund.year, "left": yuan(fund.remaining)}
        else:
            del self.fields["fund"]

    def show_refusal(self, error):
        for field, messages in refusal_items(error):
            self.add_error(field if field in self.fields else None, messages)

