from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Staff edit the site's settings (the pages themselves: see accounts' reference data).
STAFF_PERMISSIONS = ["change_sitesettings"]


def _ensure_site(sender, **kwargs):
    from cms.bootstrap import ensure_site
    from incubator.accounts import permissions, roles

    ensure_site()
    roles.grant(permissions.STAFF, STAFF_PERMISSIONS, sender.label)


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_ensure_site, sender=self)
