from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_reference_data(sender, **kwargs):
    from .reference import ensure_roles

    ensure_roles()


class AccountsConfig(AppConfig):
    name = "incubator.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401

        post_migrate.connect(_load_reference_data, sender=self)
