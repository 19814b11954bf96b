from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from core.storage import short_name
from incubator.organisations.models import Organisation
from incubator.organisations.services import duplicate_code_message
from incubator.organisations.uscc import validate_uscc
from incubator.places.models import Community


class OrganisationForm(forms.ModelForm):
    """Registering or correcting an organisation. Codes are checked here so the applicant sees
    every problem next to its field; the services check duplicates again under the lock."""

    # Room for a code typed or pasted with spaces (as printed on certificates): clean_uscc
    # normalises it to its 18 characters.
    uscc = Organisation._meta.get_field("uscc").formfield(max_length=40)

    class Meta:
        model = Organisation
        fields = [
            "name_zh", "name_en", "kind", "uscc", "filing_number", "registration_authority",
            "founded_on", "address", "street", "community", "contact_name", "contact_phone",
            "contact_email", "introduction", "logo",
        ]
        widgets = {"founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "introduction": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.select_related("street")

    def clean_uscc(self):
        code = self.cleaned_data.get("uscc")
        if not code:
            return None  # unique but optional: stored as NULL, never as ""
        code = validate_uscc(code)
        message = duplicate_code_message("uscc", code, exclude=self.instance)
        if message:
            raise forms.ValidationError(message)
        return code

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):  # a longer name fails the save (OSError 36)
            logo.name = short_name(logo.name)
        return logo

    def clean_filing_number(self):
        number = "".join((self.cleaned_data.get("filing_number") or "").split())
        if not number:
            return None
        message = duplicate_code_message("filing_number", number, exclude=self.instance)
        if message:
            raise forms.ValidationError(message)
        return number

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Organisation.Kind.COMMUNITY_GROUP:
            if not cleaned.get("uscc") and not cleaned.get("filing_number") and not self.has_error("uscc") \
                    and not self.has_error("filing_number"):
                self.add_error("filing_number", _(
                    "Give the filing number (备案号) your street issued, or a Unified Social Credit "
                    "Code if the group is registered."))
        elif kind and not cleaned.get("uscc") and not self.has_error("uscc"):
            self.add_error("uscc", _("Registered organisations and enterprises must give their "
                                     "Unified Social Credit Code."))
        community, street = cleaned.get("community"), cleaned.get("street")
        if community and street and community.street_id != street.pk:
            self.add_error("community", _("%(community)s is not in %(street)s.") % {
                "community": community.name, "street": street.name})
        return cleaned


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the person to invite"))


class VerificationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[("verify", _("Verify: the records match")),
                 ("reject", _("Do not verify: the organisation must correct its record"))])
    reason = forms.CharField(
        label=_("Reason / note to the organisation"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when not verifying; the organisation's administrators see it."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the reason, so the organisation knows what to fix."))
        return cleaned
