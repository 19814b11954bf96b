from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Staff keep the themes in the admin (call pages are pages: see accounts' reference data).
STAFF_PERMISSIONS = ["add_theme", "change_theme", "view_theme"]


def _grant_roles(sender, **kwargs):
    from incubator.accounts import permissions, roles

    roles.grant(permissions.STAFF, STAFF_PERMISSIONS, sender.label)


class CallsConfig(AppConfig):
    name = "grants.calls"
    label = "calls"
    verbose_name = _("Calls for proposals")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_grant_roles, sender=self)
