from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _load_reference_data(sender, **kwargs):
    from .reference import ensure_determination_templates

    ensure_determination_templates()


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Grants")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_load_reference_data, sender=self)
        # Audit entries that change what the open data says queue its regeneration.
        from wagtail.models import ModelLogEntry, PageLogEntry

        from .services import opendata

        post_save.connect(opendata.model_entry_saved, sender=ModelLogEntry, dispatch_uid="opendata_model_entry")
        post_save.connect(opendata.page_entry_saved, sender=PageLogEntry, dispatch_uid="opendata_page_entry")
