import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import IdChoiceFilter
from grants.calls.models import CallPage, Theme
from incubator.places.models import Street


class CallFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CallPage.Status.choices, method="filter_status",
        empty_label=_("Any status"))
    theme = IdChoiceFilter(
        label=_("Theme"), field_name="themes", queryset=Theme.objects.all(), empty_label=_("Any theme"))
    street = IdChoiceFilter(
        label=_("Street / town"), queryset=Street.objects.all(), method="filter_street",
        empty_label=_("Any street / town"))

    class Meta:
        model = CallPage
        fields = []
        form = forms.Form

    def filter_status(self, queryset, name, value):
        now = timezone.now()
        return queryset.filter(**{
            CallPage.Status.UPCOMING: {"opens_at__gt": now},
            CallPage.Status.OPEN: {"opens_at__lte": now, "closes_at__gt": now},
            CallPage.Status.CLOSED: {"closes_at__lte": now},
        }[value])

    def filter_street(self, queryset, name, value):
        # A call without a street list serves the whole district, that street included.
        return queryset.filter(Q(streets=value) | Q(streets__isnull=True)).distinct()
