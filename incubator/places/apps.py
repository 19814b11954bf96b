from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Staff keep the places in the admin.
STAFF_PERMISSIONS = [f"{action}_{model}" for model in ("district", "street", "community")
                     for action in ("add", "change", "view")]


def _load_reference_data(sender, **kwargs):
    from incubator.accounts import permissions, roles

    from .reference import ensure_places

    ensure_places()
    roles.grant(permissions.STAFF, STAFF_PERMISSIONS, sender.label)


class PlacesConfig(AppConfig):
    name = "incubator.places"
    label = "places"
    verbose_name = _("Places")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_load_reference_data, sender=self)
