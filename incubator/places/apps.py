from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_reference_data(sender, **kwargs):
    from .reference import ensure_places

    ensure_places()


class PlacesConfig(AppConfig):
    name = "incubator.places"
    label = "places"
    verbose_name = _("Places")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_load_reference_data, sender=self)
