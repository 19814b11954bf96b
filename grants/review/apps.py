from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Staff word the decision messages in the admin.
STAFF_PERMISSIONS = ["change_determinationtemplate", "view_determinationtemplate"]


def _load_reference_data(sender, **kwargs):
    from incubator.accounts import permissions, roles

    from .reference import ensure_determination_templates

    ensure_determination_templates()
    roles.grant(permissions.STAFF, STAFF_PERMISSIONS, sender.label)


class ReviewConfig(AppConfig):
    name = "grants.review"
    label = "review"
    verbose_name = _("Review")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_load_reference_data, sender=self)
