from django import forms
from django.utils.translation import gettext_lazy as _

from incubator.training.models import Attendance
from incubator.training.questions import question_fields


class EnrolmentForm(forms.Form):
    """For oneself or on behalf of one of one's organisations, and the audience's questions."""

    organisation = forms.ChoiceField(label=_("Applying for"), required=False)

    def __init__(self, *args, cohort, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(organisation.pk): organisation for organisation in organisations}
        self.fields["organisation"].choices = [("", _("Myself"))] + [
            (pk, _("On behalf of %(name)s") % {"name": organisation.name})
            for pk, organisation in self.organisations.items()]
        if not organisations:
            del self.fields["organisation"]
        self.fields.update(question_fields(cohort.audience))

    def chosen_organisation(self):
        return self.organisations.get(self.cleaned_data.get("organisation") or "")

    def answers(self):
        return {name: self.data.get(name, "") for name in self.fields if name != "organisation"}


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Check-in code"), max_length=40,
                           help_text=_("The code under the QR code on the screen."))


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revocation"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class VerifyForm(forms.Form):
    serial = forms.CharField(label=_("Certificate serial"), max_length=40)


ATTENDANCE_CHOICES = [("", "—")] + list(Attendance.Status.choices)
