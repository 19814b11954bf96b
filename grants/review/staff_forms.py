from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import IdChoiceField
from grants.review.models import DeterminationTemplate
from grants.review.services import reviewers

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ScreeningForm(forms.Form):
    decision = forms.ChoiceField(label=_("Screening decision"), widget=forms.RadioSelect, choices=[
        ("pass", _("Eligible: pass to review")),
        ("out", _("Not eligible: screen out")),
        ("more_info", _("Ask the applicant for more information")),
    ])
    message = forms.CharField(
        label=_("Message to the applicant"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when screening out or asking for more information; the applicant sees it."))


class AssignmentForm(forms.Form):
    reviewer = IdChoiceField(label=_("Reviewer"), queryset=None, required=False)
    due_on = forms.DateField(label=_("Due on"), widget=DATE_INPUT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers().order_by("name", "email")


class DeterminationForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect, choices=[
        (DeterminationTemplate.Outcome.APPROVED, _("Approve")),
        (DeterminationTemplate.Outcome.WAITLISTED, _("Waitlist")),
        (DeterminationTemplate.Outcome.REJECTED, _("Do not fund")),
        (DeterminationTemplate.Outcome.MORE_INFO, _("Ask for more information")),
    ])
    note = forms.CharField(
        label=_("Note added to the message"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Added below the outcome's standard message (edited under Decision messages in "
                    "the admin). Required when asking for more information."))
