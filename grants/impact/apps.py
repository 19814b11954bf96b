from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "grants.impact"
    label = "impact"
    verbose_name = _("Impact")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Funding (below) announces each new award; its reports are planned here, in the
        # transaction that creates it.
        from grants.funding.events import award_created
        from grants.impact import services

        award_created.connect(services.on_award_created, dispatch_uid="impact.plan_reports")
