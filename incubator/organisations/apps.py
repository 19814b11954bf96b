from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Staff see and correct organisations in the admin (they verify them in a view of their own).
STAFF_PERMISSIONS = ["change_organisation", "view_organisation"]


def _grant_roles(sender, **kwargs):
    from incubator.accounts import permissions, roles

    roles.grant(permissions.STAFF, STAFF_PERMISSIONS, sender.label)


class OrganisationsConfig(AppConfig):
    name = "incubator.organisations"
    label = "organisations"
    verbose_name = _("Organisations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_grant_roles, sender=self)
