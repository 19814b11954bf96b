from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "grants.funding"
    label = "funding"
    verbose_name = _("Funding")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # A run whose worker died is found by the periodic sweep too, not only when its page is opened.
        from core import tasks

        from . import events, facets
        from .services import matching

        tasks.sweeping.connect(matching.mark_lost_runs, dispatch_uid="funding.mark_lost_runs")
        # The browser's facet rows change in the same transaction as the award they describe.
        events.award_created.connect(facets.on_award_changed, dispatch_uid="funding.facets.created")
        events.award_changed.connect(facets.on_award_changed, dispatch_uid="funding.facets.changed")
