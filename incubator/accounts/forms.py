from django import forms
from django.utils.translation import gettext_lazy as _

from incubator.accounts.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "language"]
        help_texts = {"name": _("Shown to staff and on your organisation's records.")}
