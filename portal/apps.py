from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    label = "portal"
    verbose_name = _("Public portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Audit entries that change what the open data says queue its regeneration.
        from wagtail.models import ModelLogEntry, PageLogEntry

        from .services import model_entry_saved, page_entry_saved

        post_save.connect(model_entry_saved, sender=ModelLogEntry, dispatch_uid="opendata_model_entry")
        post_save.connect(page_entry_saved, sender=PageLogEntry, dispatch_uid="opendata_page_entry")
