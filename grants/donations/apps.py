from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "grants.donations"
    label = "donations"
    verbose_name = _("Donations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Funding (below) announces the matches an ended award gave back; the donations that
        # lose them are recorded here, in the same transaction.
        from grants.donations import services
        from grants.funding.events import matches_released

        matches_released.connect(services.on_matches_released, dispatch_uid="donations.withdraw_matches")
