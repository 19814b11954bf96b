"""The donation form: what a donor types before going to Stripe Checkout."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.form_errors import add_service_error
from core.money import yuan
from grants.donations import services as service


class DonationForm(forms.Form):
    # Text, not a number field: the service reads "100", "88.50", "¥1,000" alike and says in
    # one sentence what is wrong with anything else.
    amount = forms.CharField(
        label=_("Amount (yuan)"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "transaction-amount"}))
    donor_name = forms.CharField(
        label=_("Your name"), max_length=60, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("Shown with your gift on the project page, unless you stay anonymous."))
    anonymous = forms.BooleanField(label=_("Stay anonymous: do not show my name publicly"), required=False)
    donor_email = forms.EmailField(
        label=_("Email for the receipt"), required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Optional. We send your receipt here and use the address for nothing else."))
    message = forms.CharField(
        label=_("Message (optional)"), max_length=200, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Passed on to the project team; not published."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = _("From %(min)s to %(max)s.") % {
            "min": yuan(service.MIN_AMOUNT), "max": yuan(service.MAX_AMOUNT)}

    def clean_amount(self):
        return service.clean_amount(self.cleaned_data["amount"])

    def add_service_error(self, error):
        add_service_error(self, error)


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to refund (yuan)"), required=False, min_value=0, max_digits=14, decimal_places=2,
        help_text=_("Leave empty to refund everything not yet refunded."))

    def add_service_error(self, error):
        add_service_error(self, error)

