from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    label = "core"
    verbose_name = _("Shared building blocks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.urls import register_converter

        from core.http import IdConverter

        register_converter(IdConverter, "id")
        self._invalidate_public_pages()

    @staticmethod
    def _invalidate_public_pages():
        """The public pages' cache follows Wagtail's own changes: pages published, unpublished,
        moved, deleted or made private, and site settings saved (snippets:
        core/wagtail_hooks.py). The domain apps' events are connected by portal, which may
        import them."""
        from django.db.models.signals import post_delete, post_save
        from wagtail.contrib.settings.registry import registry
        from wagtail.models import PageViewRestriction, get_page_models
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from core.public_cache import bump

        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(bump, dispatch_uid="core.public_cache")
        for model in get_page_models():
            post_delete.connect(bump, sender=model, dispatch_uid=f"core.public_cache.{model._meta.label}")
        for model in registry:
            post_save.connect(bump, sender=model, dispatch_uid=f"core.public_cache.{model._meta.label}")
        # A page made private (or public again) changes without being published.
        for signal in (post_save, post_delete):
            signal.connect(bump, sender=PageViewRestriction, dispatch_uid="core.public_cache.restriction")
