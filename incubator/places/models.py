"""District → streets and towns → communities and villages."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import LocalizedName


class District(LocalizedName):
    class Meta(LocalizedName.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Street(LocalizedName):
    """A street (街道) or town (镇): the level at which calls target and the public filters."""

    class Kind(models.TextChoices):
        STREET = "street", _("street (街道)")
        TOWN = "town", _("town (镇)")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="streets")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STREET)

    class Meta(LocalizedName.Meta):
        verbose_name = _("street / town")
        verbose_name_plural = _("streets / towns")


class Community(LocalizedName):
    """A community (社区) or village (村) within a street or town."""

    class Kind(models.TextChoices):
        COMMUNITY = "community", _("community (社区)")
        VILLAGE = "village", _("village (村)")

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="communities")
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.COMMUNITY
    )

    class Meta(LocalizedName.Meta):
        verbose_name = _("community / village")
        verbose_name_plural = _("communities / villages")
