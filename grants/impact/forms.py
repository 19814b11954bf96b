"""Forms of the report pages. They check that entries are well-formed; the rules (what
submitting needs) are the services'."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.form_errors import refusal_items
from core.uploads import SCAN_TYPES, check_upload
from grants.impact.models import Report

ZERO = Decimal("0")


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
