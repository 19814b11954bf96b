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
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .filter_choices import reviewers_changed

        post_migrate.connect(_load_reference_data, sender=self)
        # The workbench's reviewer dropdown is cached until the reviewers change.
        User = get_user_model()
        for name, signal, sender in [("saved", post_save, User), ("deleted", post_delete, User),
                                     ("groups", m2m_changed, User.groups.through)]:
            signal.connect(reviewers_changed, sender=sender, dispatch_uid=f"review.reviewers_{name}")
