from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Staff run cohorts from the site; in the admin they keep cohorts and sessions.
STAFF_PERMISSIONS = [
    "add_cohort", "change_cohort", "view_cohort",
    "add_session", "change_session", "view_session",
    "view_enrolment", "view_certificate",
]


def _lapse_offers(**kwargs):
    from incubator.training.services import sweep_offers

    sweep_offers()


def _grant_roles(sender, **kwargs):
    from incubator.accounts import permissions, roles

    roles.grant(permissions.STAFF, STAFF_PERMISSIONS, sender.label)


class TrainingConfig(AppConfig):
    name = "incubator.training"
    label = "training"
    verbose_name = _("Training")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import tasks

        post_migrate.connect(_grant_roles, sender=self)
        # Offers not confirmed in time pass on with every sweep (manage.py sweep_tasks).
        tasks.sweeping.connect(_lapse_offers, dispatch_uid="training.lapse_offers")
