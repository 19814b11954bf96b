from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BaseStreamBlock
from core.public_cache import cacheable_page


# Shows which calls are open now, so a cached copy lasts to the next minute (as the call pages).
@cacheable_page(until_next_minute=True)
class HomePage(Page):
    """The service portal's front page: open calls, key figures, recent projects, training and
    giving. Each part is one query whatever the number of calls, projects or programmes."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.StandardPage", "calls.CallIndexPage", "portal.ProjectIndexPage", "portal.FiguresPage",
                     "training.ProgrammeIndexPage"]

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("home page")

    RECENT_PROJECTS = 3

    def menu_pages(self):
        return self.get_children().live().in_menu().specific()

    def get_context(self, request, *args, **kwargs):
        from grants.donations import stripe_gateway
        from grants.funding.services.ledger import donation_pool
        from portal.figures import Figures

        context = super().get_context(request, *args, **kwargs)
        figures = Figures()
        context.update({
            "sections": self.section_pages(),
            "open_calls": self.open_calls(),
            "key_figures": [] if figures.is_empty else figures.summary(),
            "recent_projects": self.recent_projects(),
            "programmes": self.programmes(),
            "pool": donation_pool(),
            "donations_on": stripe_gateway.is_enabled(),
        })
        return context

    def section_pages(self):
        """The live pages under home, found with one query: each part's link by its page type
        ("callindexpage", "figurespage"…), and the other pages in the menu as "more"."""
        pages = {"more": []}
        for page in self.get_children().live().select_related("content_type"):
            if page.content_type.model == "standardpage":
                if page.show_in_menus:
                    pages["more"].append(page)
            else:
                pages.setdefault(page.content_type.model, page)
        return pages

    def open_calls(self):
        from grants.calls.models import CallPage

        now = timezone.now()
        return list(CallPage.objects.live().filter(locale_id=self.locale_id, opens_at__lte=now, closes_at__gt=now)
                    .defer_streamfields().order_by("closes_at"))

    def recent_projects(self):
        from portal.public import public_awards

        return list(public_awards().order_by("-created_at", "-pk")[: self.RECENT_PROJECTS])

    def programmes(self):
        from incubator.training.models import ProgrammePage

        return list(ProgrammePage.objects.live().filter(locale_id=self.locale_id).order_by("path"))


@cacheable_page
class StandardPage(Page):
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    hotline = models.CharField(
        _("service hotline"), max_length=40, blank=True, help_text=_("Shown in every page's footer.")
    )
    email = models.EmailField(_("contact email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Giving by bank transfer: what the donation pages offer when online giving is off.
    bank_account_name = models.CharField(_("bank account name"), max_length=100, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True, help_text=_("The bank and branch."))
    bank_account_number = models.CharField(_("bank account number"), max_length=40, blank=True)

    panels = [
        FieldPanel("hotline"), FieldPanel("email"), FieldPanel("address"),
        MultiFieldPanel([FieldPanel("bank_account_name"), FieldPanel("bank_name"), FieldPanel("bank_account_number")],
                        heading=_("Giving by bank transfer")),
    ]

    @property
    def takes_bank_transfers(self):
        return bool(self.bank_account_name and self.bank_name and self.bank_account_number)

    class Meta:
        verbose_name = _("site settings")
