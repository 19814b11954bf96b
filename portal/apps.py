from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    label = "portal"
    verbose_name = _("Public portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The events that change what the open data publishes, each sent by the app that owns
        # the change: the files are regenerated once its transaction commits (portal.services).
        from wagtail.signals import page_published

        from core import public_cache, tasks
        from grants.calls.events import theme_changed
        from grants.calls.models import CallPage
        from grants.donations.events import donation_paid, donation_refunded
        from grants.funding.events import (
            award_changed,
            award_created,
            fund_changed,
            matches_released,
        )
        from incubator.organisations.events import organisation_changed
        from incubator.places.events import place_changed
        from incubator.places.models import Community, Street

        from . import services

        for signal, sender, receiver in [
            (award_changed, None, services.data_changed),
            (fund_changed, None, services.data_changed),  # the funders' names and codes
            (theme_changed, None, services.data_changed),
            (place_changed, Street, services.data_changed),  # districts are not published
            (place_changed, Community, services.data_changed),
            (page_published, CallPage, services.data_changed),  # a call's title is its programme's
            (donation_paid, None, services.donation_changed),
            (donation_refunded, None, services.donation_changed),
            (organisation_changed, None, services.organisation_changed),
        ]:
            signal.connect(receiver, sender=sender)
        # Every change these apps announce may show on a public page: a new cache version.
        for signal in (award_changed, award_created, matches_released, fund_changed, theme_changed,
                       place_changed, donation_paid, donation_refunded, organisation_changed):
            signal.connect(public_cache.bump, dispatch_uid="portal.public_cache")
        # A regeneration lost with its worker is queued again by the sweep of lost work.
        tasks.sweeping.connect(services.resume, dispatch_uid="portal.resume")
