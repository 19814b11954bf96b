"""Forms of the report and budget-variation pages. They check that entries are well-formed;
the rules (what submitting needs, what the budget must add up to) are the services'."""

from decimal import Decimal

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core.money import CENT, yuan
from core.uploads import SCAN_TYPES, check_upload
from grants.funding.models import AwardBudgetLine, Fund
from grants.impact.models import Report

ZERO = Decimal("0")


def refusal_items(error):
    """(field or None, [messages]) of a service's ValidationError, whatever its shape."""

    if hasattr(error, "error_dict"):
        return error.message_dict.items()
    return [(None, error.messages)]


def scan_field(label):
    return forms.FileField(
        label=label, required=False, widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        help_text=_("A PDF, JPEG or PNG file: photos, sign-in sheets, receipts."))


class ReportForm(forms.Form):
    """The holder's report: what was done, a result for each of the proposal's indicators, and
    a file to add. Every field may be blank in a draft."""

    narrative = forms.CharField(label=_("What was done"), required=False,
                                widget=forms.Textarea(attrs={"rows": 10}),
                                help_text=Report._meta.get_field("narrative").help_text)
    file = scan_field(_("Add a file"))

    def __init__(self, report, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.indicators = list(report.award.proposal.indicators.all())
        stored = {result.indicator_id: result for result in report.results.all()}
        self.initial.setdefault("narrative", report.narrative)
        for indicator in self.indicators:
            self.fields[f"actual_{indicator.pk}"] = forms.DecimalField(
                label=_("Achieved: %(indicator)s") % {"indicator": indicator.label}, required=False,
                max_digits=12, decimal_places=2, min_value=ZERO)
            self.fields[f"note_{indicator.pk}"] = forms.CharField(
                label=_("Note: %(indicator)s") % {"indicator": indicator.label}, required=False, max_length=200)
            if indicator.pk in stored:
                self.initial.setdefault(f"actual_{indicator.pk}", stored[indicator.pk].actual)
                self.initial.setdefault(f"note_{indicator.pk}", stored[indicator.pk].note)
        self.results_errors = []

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            check_upload(uploaded, SCAN_TYPES)
        return uploaded

    def rows(self):
        """(indicator, achieved field, note field) for the results table."""

        return [(indicator, self[f"actual_{indicator.pk}"], self[f"note_{indicator.pk}"])
                for indicator in self.indicators]

    def results(self):
        return {indicator.pk: (self.cleaned_data.get(f"actual_{indicator.pk}"),
                               self.cleaned_data.get(f"note_{indicator.pk}", ""))
                for indicator in self.indicators}

    def show_refusal(self, error):
        """Put the service's reasons beside their fields."""
        for field, messages in refusal_items(error):
            if field == "results":
                self.results_errors.extend(messages)
                for indicator in self.indicators:
                    name = f"actual_{indicator.pk}"
                    if self.cleaned_data.get(name) is None and name not in self.errors:
                        self.add_error(name, _("Needed to submit the report."))
            elif field in self.fields:
                self.add_error(field, messages)
            else:
                self.add_error(None, messages)


class ReportDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Approve the report")), ("return", _("Return it for changes"))])
    note = forms.CharField(label=_("Note to the holder"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Required when returning the report: say what to change."))


class BudgetLineForm(forms.Form):
    """One line of the proposed budget; a row left wholly blank is ignored."""

    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", "---------")] + list(AwardBudgetLine.Category.choices))
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
    fund = forms.ModelChoiceField(label=_("Fund paying the increase"), queryset=Fund.objects.none(),
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

